package tokens

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCountIsCl100k(t *testing.T) {
	t.Parallel()
	// Reference counts from OpenAI's tiktoken (cl100k_base).
	assert.Equal(t, 2, Count("hello world"))
	assert.Equal(t, 0, Count(""))
	assert.Equal(t, 14, Count(`{"id":"BKNG-123","status":"scheduled"} hello world`))
}
