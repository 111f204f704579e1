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

// Revoke implements Store.
func (s *RedisStore) Revoke(ctx context.Context, grant string, until time.Time) error {
	return s.rdb.Set(ctx, s.prefix+"revoked:"+grant, "1", s.ttl(until)).Err()
}

// Revoked implements Store.
func (s *RedisStore) Revoked(ctx context.Context, grant string) (bool, error) {
	n, err := s.rdb.Exists(ctx, s.prefix+"revoked:"+grant).Result()
	return n > 0, err
}
