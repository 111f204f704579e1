package oauth

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisStore is a Store shared by replicas through Redis: a code or refresh
// token used on one replica is used on all, a grant revoked on one is revoked
// on all. Records expire with the tokens they guard (Redis TTLs).
type RedisStore struct {
	rdb    redis.UniversalClient
	prefix string
	now    func() time.Time
}

// NewRedisStore returns a store on rdb whose keys start with prefix
// ("oncehub-mcp:oauth:" when empty); now is its clock (time.Now when nil).
func NewRedisStore(rdb redis.UniversalClient, prefix string, now func() time.Time) *RedisStore {
	if prefix == "" {
		prefix = "oncehub-mcp:oauth:"
	}
	if now == nil {
		now = time.Now
	}
	return &RedisStore{rdb: rdb, prefix: prefix, now: now}
}

// ttl is how long a record lasts: until the given time, at least a second.
func (s *RedisStore) ttl(until time.Time) time.Duration {
	return max(until.Sub(s.now()), time.Second)
}

// Use implements Store with SET NX: exactly one caller, on any replica, sees
// first = true.
func (s *RedisStore) Use(ctx context.Context, id string, until time.Time) (bool, error) {
	err := s.rdb.SetArgs(ctx, s.prefix+"used:"+id, "1", redis.SetArgs{Mode: "NX", TTL: s.ttl(until)}).Err()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	return err == nil, err
}

// spendScript raises the grant's spent generation (KEYS[1]) to ARGV[1] with
// a TTL of ARGV[2] ms, atomically, only when it is higher: exactly one
// caller, on any replica, spends a generation.
var spendScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) <= cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`)

// Spend implements Store: one key per grant, holding its latest spent
// generation.
func (s *RedisStore) Spend(ctx context.Context, grant string, gen uint64, until time.Time) (bool, error) {
	n, err := spendScript.Run(ctx, s.rdb, []string{s.prefix + "spent:" + grant}, gen, s.ttl(until).Milliseconds()).Int()
	return n == 1, err
}

// Revoke implements Store.
func (s *RedisStore) Revoke(ctx context.Context, grant string, until time.Time) error {
	return s.rdb.Set(ctx, s.prefix+"revoked:"+grant, "1", s.ttl(until)).Err()
}

// Revoked implements Store.
func (s *RedisStore) Revoked(ctx context.Context, grant string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.prefix+"revoked:"+grant).Result()
	return n > 0, err
}
