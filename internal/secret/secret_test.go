package secret

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseRefusesShortSecrets(t *testing.T) {
	t.Parallel()
	_, err := Parse("  too short  ")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "too short", "the error must not echo the secret")
}

func TestKeysArePerPurposeAndStableAcrossReplicas(t *testing.T) {
	t.Parallel()
	conf := strings.Repeat("s", MinLength)
	a, err := Parse(conf)
	require.NoError(t, err)
	b, err := Parse(" " + conf + "\n")
	require.NoError(t, err)
	assert.False(t, a.Ephemeral())
	assert.Equal(t, a.Key("session", 32), b.Key("session", 32), "replicas sharing the secret derive the same key")
	assert.NotEqual(t, a.Key("session", 32), a.Key("oauth", 32))
	assert.Len(t, a.Key("x", 16), 16)
	assert.False(t, bytes.Contains(a.Key("session", 32), []byte(conf)))
}

func TestRandomSecretsDiffer(t *testing.T) {
	t.Parallel()
	a, b := Random(), Random()
	assert.True(t, a.Ephemeral())
	assert.NotEqual(t, a.Key("p", 32), b.Key("p", 32))
	assert.Panics(t, func() { a.Key("", 32) })
}
