package app

import (
	"fmt"

	"github.com/redis/go-redis/v9"
)

// newRedis is the one place the process's Redis client is made (from
// ONCEHUB_REDIS_URL): go-redis keeps a connection pool, reconnects, and
// speaks RESP for us. nil when no URL is configured.
func newRedis(url string) (redis.UniversalClient, error) {
	if url == "" {
		return nil, nil
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("ONCEHUB_REDIS_URL: %w", err)
	}
	return redis.NewClient(opts), nil
}
