package app_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
)

func TestServerSecretIsCheckedAndShared(t *testing.T) {
	t.Parallel()
	_, err := app.Build(app.Config{ServerSecret: "short-secret"}, app.Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "short-secret")

	conf := strings.Repeat("k", 40)
	a, err := app.Build(app.Config{ServerSecret: conf}, app.Options{})
	require.NoError(t, err)
	b, err := app.Build(app.Config{ServerSecret: conf}, app.Options{})
	require.NoError(t, err)
	assert.False(t, a.Secret.Ephemeral())
	assert.Equal(t, a.Secret.Key("t", 32), b.Secret.Key("t", 32), "two replicas with one configured secret agree")
	assert.NotContains(t, a.Describe(), conf)

	c, err := app.Build(app.Config{}, app.Options{})
	require.NoError(t, err)
	assert.True(t, c.Secret.Ephemeral(), "no secret configured: a random one for this process")
}
