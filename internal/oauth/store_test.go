package oauth_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
)

// testStore checks the Store contract: a one-time value is used once, a
// revoked grant stays revoked, records expire.
func testStore(t *testing.T, st oauth.Store, clk *clock, expire func(time.Duration)) {
	ctx := context.Background()
	until := clk.Now().Add(time.Second)
	first, err := st.Use(ctx, "code:a", until)
	require.NoError(t, err)
	assert.True(t, first)
	for range 3 {
		again, err := st.Use(ctx, "code:a", until)
		require.NoError(t, err)
		assert.False(t, again, "a second use is not a first use")
	}
	other, err := st.Use(ctx, "code:b", until)
	require.NoError(t, err)
	assert.True(t, other)

	revoked, err := st.Revoked(ctx, "g1")
	require.NoError(t, err)
	assert.False(t, revoked)
	require.NoError(t, st.Revoke(ctx, "g1", until))
	revoked, err = st.Revoked(ctx, "g1")
	require.NoError(t, err)
	assert.True(t, revoked)
	revoked, err = st.Revoked(ctx, "g2")
	require.NoError(t, err)
	assert.False(t, revoked)

	expire(1500 * time.Millisecond)
	revoked, err = st.Revoked(ctx, "g1")
	require.NoError(t, err)
	assert.False(t, revoked, "records expire with the tokens they guard")
}

func TestMemoryStore(t *testing.T) {
	t.Parallel()

	clk := &clock{t: time.Now()}
	testStore(t, oauth.NewMemoryStore(clk.Now), clk, clk.Advance)
}

// Replicas share one RedisStore: a value used through one client is used
// for every other.
func TestRedisStore(t *testing.T) {
	t.Parallel()

	opts, err := redis.ParseURL(testdeps.Redis(t))
	require.NoError(t, err)
	rdb1, rdb2 := redis.NewClient(opts), redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb1.Close(); _ = rdb2.Close() })
	clk := &clock{t: time.Now()}
	testStore(t, oauth.NewRedisStore(rdb1, "", nil), clk, func(d time.Duration) { time.Sleep(d) })

	a, b := oauth.NewRedisStore(rdb1, "t:", nil), oauth.NewRedisStore(rdb2, "t:", nil)
	ctx := context.Background()
	first, err := a.Use(ctx, "refresh:x", time.Now().Add(time.Minute))
	require.NoError(t, err)
	require.True(t, first)
	first, err = b.Use(ctx, "refresh:x", time.Now().Add(time.Minute))
	require.NoError(t, err)
	assert.False(t, first, "the other replica sees the use")
	require.NoError(t, b.Revoke(ctx, "grant", time.Now().Add(time.Minute)))
	revoked, err := a.Revoked(ctx, "grant")
	require.NoError(t, err)
	assert.True(t, revoked, "the other replica sees the revocation")
}
