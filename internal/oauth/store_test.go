package oauth_test

import (
	"context"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
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

	for _, spend := range []struct {
		gen   uint64
		first bool
	}{{1, true}, {1, false}, {2, true}, {3, true}, {2, false}, {1, false}, {3, false}, {4, true}} {
		first, err := st.Spend(ctx, "g1", spend.gen, until)
		require.NoError(t, err)
		assert.Equal(t, spend.first, first, "spending generation %d", spend.gen)
	}
	first, err = st.Spend(ctx, "g2", 1, until)
	require.NoError(t, err)
	assert.True(t, first, "grants spend their generations apart")

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
	first, err = st.Spend(ctx, "g1", 4, clk.Now().Add(time.Second))
	require.NoError(t, err)
	assert.True(t, first, "a spent generation's record expires with its token")
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

// One grant refreshing over and over does not grow the store (in memory or
// in Redis): after the first refreshes, more refreshes add no records. And
// any refresh token of the grant presented a second time, an early one or
// the last one spent, still revokes the grant.
func TestRefreshingInALoopKeepsTheStoreBounded(t *testing.T) {
	t.Parallel()

	opts, err := redis.ParseURL(testdeps.Redis(t))
	require.NoError(t, err)
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	mem := oauth.NewMemoryStore(nil)
	for name, st := range map[string]struct {
		store   oauth.Store
		records func() int
	}{
		"memory": {mem, mem.Records},
		"redis": {oauth.NewRedisStore(rdb, "loop:", nil), func() int {
			keys, err := rdb.Keys(context.Background(), "loop:*").Result()
			require.NoError(t, err)
			return len(keys)
		}},
	} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, withStore(st.store))
			for _, reuse := range []int{3, 39} { // an early token; the last one spent
				f, tok := connect(t, s)
				refresh := func(rt string) (*oauth2.Token, error) {
					return f.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
				}
				spent := []string{tok.RefreshToken}
				before := 0
				for i := range 40 {
					fresh, err := refresh(spent[len(spent)-1])
					require.NoError(t, err, "refresh %d", i)
					spent = append(spent, fresh.RefreshToken)
					if i == 4 {
						before = st.records()
					}
				}
				assert.Equal(t, before, st.records(), "35 more refreshes add no records")
				latest := spent[len(spent)-1]
				_, err := refresh(spent[reuse])
				assertOAuthError(t, err, "invalid_grant")
				_, err = refresh(latest)
				assertOAuthError(t, err, "invalid_grant") // the reuse revoked the grant
			}
		})
	}
}

// A refresh token issued before refresh tokens carried a generation, and
// spent before the upgrade (recorded by its ID), is still refused when
// presented again, and that revokes its grant.
func TestRefreshTokenSpentBeforeGenerationsStaysSpent(t *testing.T) {
	t.Parallel()

	mem := oauth.NewMemoryStore(nil)
	s := newServer(t, withSecret(testSecret), withStore(mem))
	f, _ := connect(t, s)
	sec, err := secret.Parse(testSecret)
	require.NoError(t, err)
	legacy := func(jti string) string {
		enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: sec.Key("oauth refresh", 32)},
			(&jose.EncrypterOptions{}).WithType("oncehub-mcp+refresh"))
		require.NoError(t, err)
		tok, err := jwt.Encrypted(enc).Claims(map[string]any{
			"iss": s.URL, "aud": s.URL, "exp": time.Now().Add(time.Hour).Unix(), "jti": jti,
			"client_id": f.conf.ClientID, "scope": oauth.Scope, "rs": s.URL + "/mcp", "gid": "grant-" + jti, "k": fakeoncehub.TestKey,
		}).Serialize()
		require.NoError(t, err)
		return tok
	}
	refresh := func(rt string) (*oauth2.Token, error) {
		return f.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
	}

	// Not spent before: it refreshes, once.
	fresh, err := refresh(legacy("unspent"))
	require.NoError(t, err)
	_, err = refresh(fresh.RefreshToken)
	require.NoError(t, err)

	// Spent before the upgrade.
	first, err := mem.Use(context.Background(), "refresh:spent", time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.True(t, first)
	_, err = refresh(legacy("spent"))
	assertOAuthError(t, err, "invalid_grant")
	revoked, err := mem.Revoked(context.Background(), "grant-spent")
	require.NoError(t, err)
	assert.True(t, revoked, "the reuse revoked the grant")
}
