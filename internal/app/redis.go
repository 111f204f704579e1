package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// redisURL is the Redis URL the configuration asks for: ONCEHUB_REDIS_URL,
// else the deprecated ONCEHUB_RATE_LIMIT_REDIS (--rate-limit-redis).
// deprecated reports that the old name was used.
func (c Config) redisURL() (u string, deprecated bool, err error) {
	u, old := strings.TrimSpace(c.RedisURL), strings.TrimSpace(c.RateLimitRedis)
	switch {
	case old == "":
		return u, false, nil
	case u == "":
		return old, true, nil
	case u == old:
		return u, true, nil
	default:
		return "", false, errors.New("ONCEHUB_REDIS_URL and the deprecated ONCEHUB_RATE_LIMIT_REDIS (--rate-limit-redis) name different servers: set ONCEHUB_REDIS_URL only")
	}
}

// newRedis builds the process's one Redis client from the configuration, or
// returns nil when no Redis is configured. It does not connect.
//
// Everything redis.ParseURL understands works in the URL: rediss:// for TLS,
// user:password@, /db, and query parameters such as pool_size,
// max_active_conns, pool_timeout, dial_timeout, read_timeout,
// write_timeout, max_retries, conn_max_idle_time and conn_max_lifetime.
// On top of go-redis' defaults the client honours each caller's context
// deadline and dials once per attempt (go-redis' default is five dials
// 100 ms apart), so a caller with a local fallback, such as the rate
// limiter, falls back in time.
func newRedis(cfg Config, logger *slog.Logger) (redis.UniversalClient, error) {
	raw, deprecated, err := cfg.redisURL()
	if err != nil || raw == "" {
		if err == nil && (cfg.RedisCAFile != "" || cfg.RedisCertFile != "" || cfg.RedisKeyFile != "" || cfg.RedisPasswordFile != "") {
			err = errors.New("ONCEHUB_REDIS_CA_FILE, _CERT_FILE, _KEY_FILE and _PASSWORD_FILE need ONCEHUB_REDIS_URL")
		}
		return nil, err
	}
	if deprecated {
		logger.Warn("ONCEHUB_RATE_LIMIT_REDIS and --rate-limit-redis are deprecated: set ONCEHUB_REDIS_URL (or --redis-url) instead")
	}
	opts, err := redis.ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("ONCEHUB_REDIS_URL: %s", redactPassword(err.Error(), raw))
	}
	opts.ContextTimeoutEnabled = true
	opts.DialerRetries = 1
	if err := redisTLS(cfg, opts); err != nil {
		return nil, err
	}
	if f := cfg.RedisPasswordFile; f != "" {
		if opts.Password != "" {
			return nil, errors.New("ONCEHUB_REDIS_PASSWORD_FILE and a password in ONCEHUB_REDIS_URL: set only one")
		}
		if _, err := readSecretFile(f); err != nil {
			return nil, fmt.Errorf("ONCEHUB_REDIS_PASSWORD_FILE: %w", err)
		}
		user := opts.Username
		// Read at every new connection: a rotated password is picked up
		// without a restart (connections already open stay authenticated).
		opts.CredentialsProviderContext = func(context.Context) (string, string, error) {
			pw, err := readSecretFile(f)
			return user, pw, err
		}
	}
	routeRedisLogs(logger)
	return redis.NewClient(opts), nil
}

// redisTLS adds a custom CA and a client certificate to a rediss:// client.
func redisTLS(cfg Config, opts *redis.Options) error {
	if cfg.RedisCAFile == "" && cfg.RedisCertFile == "" && cfg.RedisKeyFile == "" {
		return nil
	}
	if opts.TLSConfig == nil {
		return errors.New("ONCEHUB_REDIS_CA_FILE, ONCEHUB_REDIS_CERT_FILE and ONCEHUB_REDIS_KEY_FILE need a rediss:// URL (TLS)")
	}
	if cfg.RedisCAFile != "" {
		pem, err := os.ReadFile(cfg.RedisCAFile)
		if err != nil {
			return fmt.Errorf("ONCEHUB_REDIS_CA_FILE: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("ONCEHUB_REDIS_CA_FILE: no PEM certificate in %s", cfg.RedisCAFile)
		}
		opts.TLSConfig.RootCAs = pool
	}
	if (cfg.RedisCertFile == "") != (cfg.RedisKeyFile == "") {
		return errors.New("a Redis client certificate needs both ONCEHUB_REDIS_CERT_FILE and ONCEHUB_REDIS_KEY_FILE")
	}
	if cfg.RedisCertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.RedisCertFile, cfg.RedisKeyFile)
		if err != nil {
			return fmt.Errorf("the Redis client certificate (ONCEHUB_REDIS_CERT_FILE, ONCEHUB_REDIS_KEY_FILE): %w", err)
		}
		opts.TLSConfig.Certificates = []tls.Certificate{cert}
	}
	return nil
}

func readSecretFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return s, nil
}

// redactPassword removes the password of the URL raw from msg (url.Parse
// errors quote the whole URL).
func redactPassword(msg, raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			return strings.ReplaceAll(msg, pw, "xxxxx")
		}
		return msg
	}
	// Unparsable: drop everything that could be userinfo.
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		msg = strings.ReplaceAll(msg, raw[:i], "(redacted)")
	}
	return msg
}

// redactURL returns raw with its password replaced, for logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// go-redis logs with a process-global logger (dial failures, one line
// each). Its lines go to the logger of the latest App built with Redis, at
// debug level: the rate limiter says once, at warn level, that Redis is
// unreachable.
var (
	redisLogger     atomic.Pointer[slog.Logger]
	redisLoggerOnce sync.Once
)

type redisLog struct{}

func (redisLog) Printf(ctx context.Context, format string, v ...any) {
	if l := redisLogger.Load(); l != nil {
		l.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
	}
}

func routeRedisLogs(l *slog.Logger) {
	redisLogger.Store(l)
	redisLoggerOnce.Do(func() { redis.SetLogger(redisLog{}) })
}
