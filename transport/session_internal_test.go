package transport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestASessionKeepsSmallExtensionsOnly(t *testing.T) {
	t.Parallel()
	ui := map[string]any{"io.modelcontextprotocol/ui": map[string]any{"mimeTypes": []string{"text/html;profile=mcp-app"}}}
	assert.Equal(t, ui, boundedExtensions(ui), "the MCP Apps extension rides in the session ID")
	big := map[string]any{"x": strings.Repeat("a", maxExtensionBytes)}
	assert.Nil(t, boundedExtensions(big), "a session ID does not grow with what a client declares")
	assert.Nil(t, boundedExtensions(nil))
}
