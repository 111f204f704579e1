package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolveVersion(t *testing.T) {
	t.Parallel()

	devel := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}
	withVCS := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	installed := &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}}
	for _, tc := range []struct {
		name   string
		ldflag string
		bi     *debug.BuildInfo
		ok     bool
		want   string
	}{
		{"ldflag wins", "v9.9.9", installed, true, "v9.9.9"},
		{"go install @version", "", installed, true, "v1.4.0"},
		{"go build in a checkout", "", withVCS, true, "dev+0123456789ab-dirty"},
		{"go build without VCS", "", devel, true, "dev"},
		{"no build info", "", nil, false, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			assert.Equal(t, tc.want, resolveVersion(tc.ldflag, tc.bi, tc.ok))
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()

	old := version
	version = "v1.2.3-test"
	t.Cleanup(func() { version = old })
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run([]string{"version"}, strings.NewReader(""), &out, &errOut))
	assert.Equal(t, "oncehub-mcp v1.2.3-test\n", out.String())
}

func TestHealthzURL(t *testing.T) {
	t.Parallel()

	for addr, want := range map[string]string{
		"0.0.0.0:8080":   "http://127.0.0.1:8080/healthz",
		":9000":          "http://127.0.0.1:9000/healthz",
		"[::]:8080":      "http://127.0.0.1:8080/healthz",
		"127.0.0.1:8081": "http://127.0.0.1:8081/healthz",
		"[::1]:8082":     "http://[::1]:8082/healthz",
	} {
		got, err := healthzURL(addr)
		require.NoError(t, err, addr)
		assert.Equal(t, want, got, addr)
	}
	_, err := healthzURL("8080")
	assert.ErrorContains(t, err, "bad address")
}

func TestHealthcheckCommand(t *testing.T) {
	t.Parallel()

	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	var errOut bytes.Buffer
	assert.Equal(t, 0, run([]string{"healthcheck", "--addr", addr}, nil, &bytes.Buffer{}, &errOut), errOut.String())
	status = http.StatusServiceUnavailable
	assert.Equal(t, 1, run([]string{"healthcheck", "--addr", addr}, nil, &bytes.Buffer{}, &errOut))
	assert.Contains(t, errOut.String(), "503")
	srv.Close()
	assert.Equal(t, 1, run([]string{"healthcheck", "--addr", addr}, nil, &bytes.Buffer{}, &errOut))
}

// "--help" lists every setting: each environment variable of the
// configuration, for both modes, and exits 0.
func TestHelpListsEverySetting(t *testing.T) {
	t.Parallel()

	var vars []string
	ct := reflect.TypeFor[app.Config]()
	for i := 0; i < ct.NumField(); i++ {
		if v := ct.Field(i).Tag.Get("envconfig"); v != "" {
			vars = append(vars, v)
		}
	}
	require.NotEmpty(t, vars)
	for _, mode := range []string{"stdio", "http"} {
		var stdout, stderr bytes.Buffer
		code := run([]string{mode, "--help"}, strings.NewReader(""), &stdout, &stderr)
		assert.Equal(t, 0, code, mode)
		for _, v := range vars {
			assert.Contains(t, stderr.String(), v, "%s --help lists %s", mode, v)
		}
	}
}

// Log lines carry UTC timestamps, in both formats, whatever the local zone.
// Not parallel: it sets time.Local, which every goroutine reads.
func TestLogTimesAreUTC(t *testing.T) { //nolint:paralleltest // time.Local, above
	prev := time.Local
	time.Local = time.FixedZone("UTC+5:30", 5*3600+1800)
	defer func() { time.Local = prev }()
	for _, format := range []string{"text", "json"} {
		var b strings.Builder
		newLogger(&b, app.Config{LogFormat: format, LogLevel: "info"}).Info("hello", "at", time.Date(2026, 11, 23, 10, 0, 0, 0, time.Local))
		line := b.String()
		re := regexp.MustCompile(`time"?[=:]"?(\d{4}-\d\d-\d\dT[\d:.]+)(Z|[+-]\d\d:\d\d)`)
		m := re.FindStringSubmatch(line)
		require.NotNil(t, m, line)
		assert.Equal(t, "Z", m[2], "%s log time is UTC: %s", format, line)
		assert.Regexp(t, `at"?[=:]"?2026-11-23T10:00:00(\.000)?\+05:30`, line, "other times keep their zone")
	}
}
