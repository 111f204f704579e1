package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

func buildWithRedis(t *testing.T, mod func(*app.Config), logs *testenv.LogBuffer) (*app.App, error) {
	t.Helper()
	cfg := app.Config{APIURL: "http://127.0.0.1:1/v2", Timeout: time.Second, RateRPS: 5, RateBurst: 2}
	mod(&cfg)
	if logs == nil {
		logs = &testenv.LogBuffer{}
	}
	a, err := app.Build(cfg, app.Options{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err == nil {
		t.Cleanup(func() { _ = a.Close() })
	}
	return a, err
}

func ping(a *app.App) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return a.Redis.Ping(ctx).Err()
}

// ONCEHUB_REDIS_URL gives the app one Redis client, which the rate limiter
// uses for the shared budget and Close closes. Without it App.Redis is nil.
func TestRedisURLBuildsOneClientThatTheLimiterUses(t *testing.T) {
	t.Parallel()

	none, err := buildWithRedis(t, func(*app.Config) {}, nil)
	require.NoError(t, err)
	assert.Nil(t, none.Redis)

	url := testdeps.Redis(t)
	a, err := buildWithRedis(t, func(c *app.Config) {
		c.RedisURL = url
		c.APIURL = testenv.New(t).Config.APIURL
	}, nil)
	require.NoError(t, err)
	require.NotNil(t, a.Redis)
	require.NoError(t, ping(a))
	assert.Contains(t, a.Describe(), "Redis "+url)

	_, _, err = a.Client.TestAPIKey(oncehub.WithAPIKey(context.Background(), fakeoncehub.TestKey))
	require.NoError(t, err)
	keys, err := a.Redis.Keys(context.Background(), "oncehub-mcp:rate:*").Result()
	require.NoError(t, err)
	assert.Equal(t, []string{"oncehub-mcp:rate:" + a.Client.Fingerprint(fakeoncehub.TestKey)}, keys, "the call took its turn in the shared budget")

	require.NoError(t, a.Close())
	assert.ErrorIs(t, ping(a), redis.ErrClosed)
}

// The old name still works, says it is deprecated, and may not contradict
// the new one.
func TestRateLimitRedisIsADeprecatedAlias(t *testing.T) {
	t.Parallel()

	url := testdeps.Redis(t)
	var logs testenv.LogBuffer
	a, err := buildWithRedis(t, func(c *app.Config) { c.RateLimitRedis = url }, &logs)
	require.NoError(t, err)
	require.NotNil(t, a.Redis)
	require.NoError(t, ping(a))
	assert.Contains(t, logs.String(), "ONCEHUB_RATE_LIMIT_REDIS and --rate-limit-redis are deprecated")

	a, err = buildWithRedis(t, func(c *app.Config) { c.RateLimitRedis, c.RedisURL = url, url }, nil)
	require.NoError(t, err, "the same URL under both names is fine")
	require.NotNil(t, a.Redis)

	_, err = buildWithRedis(t, func(c *app.Config) { c.RateLimitRedis, c.RedisURL = url, "redis://elsewhere:6379" }, nil)
	require.ErrorContains(t, err, "name different servers")
}

func TestRedisFlagsOverrideTheEnvironment(t *testing.T) {
	t.Setenv("ONCEHUB_REDIS_URL", "redis://from-env:6379")
	t.Setenv("ONCEHUB_REDIS_CA_FILE", "/etc/ca.pem")
	cfg, err := app.Load(app.ModeStdio, nil, &strings.Builder{})
	require.NoError(t, err)
	assert.Equal(t, "redis://from-env:6379", cfg.RedisURL)
	assert.Equal(t, "/etc/ca.pem", cfg.RedisCAFile)
	cfg, err = app.Load(app.ModeHTTP, []string{"--redis-url", "redis://from-flag:6379", "--rate-limit-redis", "redis://old:6379"}, &strings.Builder{})
	require.NoError(t, err)
	assert.Equal(t, "redis://from-flag:6379", cfg.RedisURL)
	assert.Equal(t, "redis://old:6379", cfg.RateLimitRedis)
}

// A malformed URL or a setting that cannot work is a start-up error, and the
// URL's password is never in it, nor in any log line (go-redis' own
// included), nor in the start-up summary.
//
// Not parallel: go-redis logs through one process-wide logger, which goes to
// the latest App built with Redis; a parallel test building one would take
// go-redis' lines from this test's log.
func TestRedisPasswordNeverShows(t *testing.T) { //nolint:paralleltest // go-redis' global logger, above
	for _, bad := range []string{
		"http://user:hunter2@host:6379",
		"redis://user:hunter2@host:notaport",
		"redis://user:hunter2@host:6379/x",
		"redis://user:hunter2@host:6379?pool_size=many",
		"redis://user:hunter2@host:6379?no_such_option=1",
		"redis://user:hunter2@ho st:6379",
	} {
		_, err := buildWithRedis(t, func(c *app.Config) { c.RedisURL = bad }, nil)
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "hunter2", bad)
	}

	var logs testenv.LogBuffer
	url := fmt.Sprintf("redis://alice:hunter2@127.0.0.1:%d/0?pool_size=3&dial_timeout=200ms", testdeps.FreePort(t))
	a, err := buildWithRedis(t, func(c *app.Config) { c.RedisURL = url }, &logs)
	require.NoError(t, err)
	require.Error(t, ping(a))
	_, _, err = a.Client.TestAPIKey(oncehub.WithAPIKey(context.Background(), fakeoncehub.TestKey))
	require.Error(t, err, "nothing listens upstream either")
	assert.Contains(t, logs.String(), "rate-limit Redis not reachable at startup")
	assert.Contains(t, logs.String(), "go-redis:", "go-redis' own lines reach our logger (debug)")
	assert.NotContains(t, logs.String(), "hunter2")
	assert.Contains(t, a.Describe(), "alice:xxxxx@127.0.0.1")
	assert.NotContains(t, a.Describe(), "hunter2")
}

func TestRedisTLSSettingsNeedRediss(t *testing.T) {
	t.Parallel()

	dir := t.TempDir()
	ca := newCA(t)
	caFile := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, ca.certPEM, 0o600))
	for name, mod := range map[string]func(*app.Config){
		"CA without a URL":         func(c *app.Config) { c.RedisCAFile = caFile },
		"CA with redis://":         func(c *app.Config) { c.RedisURL, c.RedisCAFile = "redis://127.0.0.1:6379", caFile },
		"cert without key":         func(c *app.Config) { c.RedisURL, c.RedisCertFile = "rediss://127.0.0.1:6379", caFile },
		"CA file that is not PEM":  func(c *app.Config) { c.RedisURL, c.RedisCAFile = "rediss://127.0.0.1:6379", "/dev/null" },
		"password file and URL pw": func(c *app.Config) { c.RedisURL, c.RedisPasswordFile = "redis://:pw@127.0.0.1:6379", caFile },
		"password file that is gone": func(c *app.Config) {
			c.RedisURL, c.RedisPasswordFile = "redis://127.0.0.1:6379", filepath.Join(dir, "nope")
		},
	} {
		_, err := buildWithRedis(t, mod, nil)
		assert.Error(t, err, name)
	}
}

// rediss:// against a real redis-server that requires client certificates:
// the custom CA makes its certificate trusted, the client certificate gets
// us in; without either the connection fails.
func TestRedisTLSWithCustomCAAndClientCertificate(t *testing.T) {
	t.Parallel()

	bin := testdeps.Command(t, "redis-server", "apt-get install -y redis-server")
	dir := t.TempDir()
	ca := newCA(t)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o600))
		return p
	}
	caFile := write("ca.pem", ca.certPEM)
	srvCert, srvKey := ca.issue(t, "127.0.0.1", false)
	cliCert, cliKey := ca.issue(t, "oncehub-mcp", true)
	otherCA := newCA(t)
	otherCert, otherKey := otherCA.issue(t, "oncehub-mcp", true)

	port := testdeps.FreePort(t)
	cmd := exec.Command(bin, "--port", "0", "--tls-port", fmt.Sprint(port), "--bind", "127.0.0.1",
		"--tls-cert-file", write("srv.pem", srvCert), "--tls-key-file", write("srv.key", srvKey),
		"--tls-ca-cert-file", caFile, "--tls-auth-clients", "yes", "--save", "", "--appendonly", "no")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	testdeps.WaitTCP(t, fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)
	url := fmt.Sprintf("rediss://127.0.0.1:%d/0", port)

	a, err := buildWithRedis(t, func(c *app.Config) {
		c.RedisURL, c.RedisCAFile = url, caFile
		c.RedisCertFile, c.RedisKeyFile = write("cli.pem", cliCert), write("cli.key", cliKey)
	}, nil)
	require.NoError(t, err)
	require.NoError(t, ping(a), "redis-server output: %s", &out)

	noCert, err := buildWithRedis(t, func(c *app.Config) { c.RedisURL, c.RedisCAFile = url, caFile }, nil)
	require.NoError(t, err)
	assert.Error(t, ping(noCert), "the server asks for a client certificate")

	systemCAs, err := buildWithRedis(t, func(c *app.Config) {
		c.RedisURL = url
		c.RedisCertFile, c.RedisKeyFile = write("cli2.pem", cliCert), write("cli2.key", cliKey)
	}, nil)
	require.NoError(t, err)
	assert.ErrorContains(t, ping(systemCAs), "certificate", "the system does not trust our test CA")

	wrongClient, err := buildWithRedis(t, func(c *app.Config) {
		c.RedisURL, c.RedisCAFile = url, caFile
		c.RedisCertFile, c.RedisKeyFile = write("other.pem", otherCert), write("other.key", otherKey)
	}, nil)
	require.NoError(t, err)
	assert.Error(t, ping(wrongClient), "a certificate from another CA is refused")
}

// ONCEHUB_REDIS_PASSWORD_FILE is read at every new connection: after the
// password is rotated (server and file), new connections use the new one.
func TestRedisPasswordFileIsReadAtEveryConnection(t *testing.T) {
	t.Parallel()

	url := testdeps.Redis(t)
	admin := redis.NewClient(&redis.Options{Addr: strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0")})
	t.Cleanup(func() { _ = admin.Close() })
	ctx := context.Background()
	require.NoError(t, admin.ConfigSet(ctx, "requirepass", "first-secret").Err())

	pwFile := filepath.Join(t.TempDir(), "redis-password")
	require.NoError(t, os.WriteFile(pwFile, []byte("first-secret\n"), 0o600))
	var logs testenv.LogBuffer
	a, err := buildWithRedis(t, func(c *app.Config) { c.RedisURL, c.RedisPasswordFile = url, pwFile }, &logs)
	require.NoError(t, err)
	require.NoError(t, ping(a))

	require.NoError(t, os.WriteFile(pwFile, []byte("second-secret\n"), 0o600))
	require.NoError(t, admin.ConfigSet(ctx, "requirepass", "second-secret").Err())
	// Drop every connection but the admin's: the app's next command dials anew.
	require.NoError(t, admin.ClientKillByFilter(ctx, "TYPE", "normal", "SKIPME", "yes").Err())
	require.NoError(t, ping(a), "the new connection authenticated with the rotated password")

	require.NoError(t, os.WriteFile(pwFile, []byte("wrong\n"), 0o600))
	require.NoError(t, admin.ClientKillByFilter(ctx, "TYPE", "normal", "SKIPME", "yes").Err())
	err = ping(a)
	require.Error(t, err)
	for _, s := range []string{err.Error(), logs.String()} {
		assert.NotContains(t, s, "second-secret")
		assert.NotContains(t, s, "wrong\n")
	}
}

type testCA struct {
	cert    *x509.Certificate
	key     *ecdsa.PrivateKey
	certPEM []byte
}

func newCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return &testCA{cert: cert, key: key, certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue returns a certificate and key (PEM) for a server at ip (client
// false) or a client named name.
func (ca *testCA) issue(t *testing.T, name string, client bool) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	} else {
		tmpl.IPAddresses = []net.IP{net.ParseIP(name)}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}
