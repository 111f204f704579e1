package main_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// codeBlocks returns the README's fenced code blocks of a language, in order.
func codeBlocks(t *testing.T, doc, lang string) []string {
	t.Helper()
	re := regexp.MustCompile("(?ms)^```" + lang + "\n(.*?)^```")
	var out []string
	for _, m := range re.FindAllStringSubmatch(doc, -1) {
		out = append(out, m[1])
	}
	return out
}

// commands returns a shell block's commands, comments and blank lines dropped.
func commands(block string) []string {
	var out []string
	for _, line := range strings.Split(block, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// checkArgs checks that args (after the binary name) are a mode and flags the
// server accepts.
func checkArgs(t *testing.T, args []string) {
	t.Helper()
	require.NotEmpty(t, args)
	require.Contains(t, []string{"stdio", "http"}, args[0])
	_, err := app.Load(app.Mode(args[0]), args[1:], io.Discard)
	if !errors.Is(err, flag.ErrHelp) {
		assert.NoError(t, err, "%v", args)
	}
}

// The README's first screen promises exactly two commands for a fresh
// machine: one that runs the demo server and one that runs the tests. This
// keeps them true: the run command's arguments are started and answer MCP.
func TestREADMEFirstScreenCommands(t *testing.T) {
	t.Parallel()

	doc := readRepoFile(t, "README.md")
	blocks := codeBlocks(t, doc, "sh")
	require.NotEmpty(t, blocks)
	require.Less(t, strings.Index(doc, blocks[0]), strings.Index(doc, "\n## "), "the two commands come before the first section")
	cmds := commands(blocks[0])
	require.Equal(t, []string{"go run . http --demo", "go test -race ./..."}, cmds)

	args := strings.Fields(strings.TrimPrefix(cmds[0], "go run . "))
	checkArgs(t, args)
	_, base, _ := startHTTPBinary(t, nil, args[1:]...) // on a free port instead of 8080
	c := testenv.HTTPClient(t, base+"/mcp", nil)
	out := testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))
	assert.Equal(t, true, out["demo"])
}

// Every JSON host configuration shown in the README parses, uses no real key,
// and starts the server with arguments it accepts.
func TestREADMEHostConfigs(t *testing.T) {
	doc := readRepoFile(t, "README.md")
	blocks := codeBlocks(t, doc, "json")
	require.GreaterOrEqual(t, len(blocks), 3, "Claude Desktop, VS Code and Cursor configs")
	for _, b := range blocks {
		var cfg struct {
			MCPServers map[string]hostServer `json:"mcpServers"`
			Servers    map[string]hostServer `json:"servers"`
		}
		require.NoError(t, json.Unmarshal([]byte(b), &cfg), b)
		servers := cfg.MCPServers
		if servers == nil {
			servers = cfg.Servers
		}
		require.NotEmpty(t, servers, b)
		for name, s := range servers {
			checkHostServer(t, name, s)
		}
	}
	// The command lines shown for the binary use real modes and flags (the
	// Inspector's own flags follow ours on its lines: skip those).
	// Environment assignments written before the command (VAR=value …) apply to it.
	re := regexp.MustCompile("((?:[A-Z_]+=[^\\s`]+ )*)(?:oncehub-mcp|go run \\.) ((?:stdio|http)(?: --[a-z-]+(?:[ =][^\\s`#-][^\\s`]*)?)*)")
	n := 0
	for _, line := range strings.Split(doc, "\n") {
		if strings.Contains(line, "inspector") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(line, -1) {
			t.Run(m[0], func(t *testing.T) {
				for _, kv := range strings.Fields(m[1]) {
					k, v, _ := strings.Cut(kv, "=")
					t.Setenv(k, v)
				}
				checkArgs(t, strings.Fields(m[2]))
			})
			n++
		}
	}
	assert.Greater(t, n, 5)
}

type hostServer struct {
	Type    string            `json:"type"`
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

var placeholder = regexp.MustCompile(`^(YOUR_ONCEHUB_API_KEY|\$\{input:[a-z-]+\})$`)

func checkHostServer(t *testing.T, name string, s hostServer) {
	t.Helper()
	if s.URL != "" {
		assert.Regexp(t, `^https://[^/]+/mcp$`, s.URL, name)
		require.Contains(t, s.Headers, "API-Key", name)
		assert.Regexp(t, placeholder, s.Headers["API-Key"], "%s: a placeholder, never a key", name)
		return
	}
	assert.True(t, strings.HasSuffix(s.Command, "oncehub-mcp"), "%s: %s", name, s.Command)
	checkArgs(t, s.Args)
	if k, ok := s.Env["ONCEHUB_API_KEY"]; ok {
		assert.Regexp(t, placeholder, k, "%s: a placeholder, never a key", name)
	}
}

func TestMCPJSONExample(t *testing.T) {
	t.Parallel()

	var cfg struct {
		MCPServers map[string]hostServer `json:"mcpServers"`
	}
	require.NoError(t, json.Unmarshal([]byte(readRepoFile(t, "mcp.json.example")), &cfg))
	require.Contains(t, cfg.MCPServers, "oncehub")
	require.Contains(t, cfg.MCPServers, "oncehub-demo")
	require.Contains(t, cfg.MCPServers, "oncehub-remote")
	for name, s := range cfg.MCPServers {
		checkHostServer(t, name, s)
	}
	// The demo entry works as written (with the built binary as the command).
	demo := cfg.MCPServers["oncehub-demo"]
	c, err := client.NewStdioMCPClient(testenv.Binary(t), []string{}, demo.Args...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	testenv.Initialize(t, c)
	out := testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))
	assert.Equal(t, true, out["demo"])
}
