package main_test

import (
	"bufio"
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), name))
	require.NoError(t, err)
	return string(b)
}

// dockerInstructions returns the Dockerfile's instructions (comments dropped,
// continuation lines joined).
func dockerInstructions(t *testing.T) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(readRepoFile(t, "Dockerfile")))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

func instruction(t *testing.T, ins []string, prefix string) []string {
	t.Helper()
	var out []string
	for _, in := range ins {
		if strings.HasPrefix(in, prefix) {
			out = append(out, in)
		}
	}
	require.NotEmpty(t, out, "no %q instruction in the Dockerfile", prefix)
	return out
}

// The Dockerfile cannot be built here (no Docker engine), so this runs its
// build command exactly as written and checks what it produces: a static
// binary reporting the version passed as the VERSION build argument.
func TestDockerfileBuildCommandBuildsAStaticVersionedBinary(t *testing.T) {
	t.Parallel()

	testdeps.Slow(t)
	ins := dockerInstructions(t)
	run := instruction(t, ins, "RUN CGO_ENABLED=0 go build")
	require.Len(t, run, 1)
	cmdline := strings.TrimPrefix(run[0], "RUN ")
	require.Contains(t, cmdline, "-o /out/oncehub-mcp .")
	out := filepath.Join(t.TempDir(), "oncehub-mcp")
	cmdline = strings.Replace(cmdline, "/out/oncehub-mcp", out, 1)

	cmd := exec.Command("sh", "-c", cmdline)
	cmd.Dir = testenv.RepoRoot()
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-dockerfile-test")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s\n%s", cmdline, b)

	v, err := exec.Command(out, "version").Output()
	require.NoError(t, err)
	assert.Equal(t, "oncehub-mcp v0.0.0-dockerfile-test\n", string(v))

	f, err := elf.Open(out)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		assert.NotEqual(t, elf.PT_INTERP, p.Type, "the binary needs a dynamic loader: not static")
	}
}

func TestDockerfileShape(t *testing.T) {
	t.Parallel()

	ins := dockerInstructions(t)
	gomod := readRepoFile(t, "go.mod")
	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(gomod)
	require.NotNil(t, goLine)
	from := instruction(t, ins, "FROM ")
	require.Len(t, from, 2, "multi-stage: a build stage and a runtime stage")
	assert.Contains(t, from[0], "golang:"+goLine[1]+" ", "the build image's Go matches go.mod")
	assert.Contains(t, from[1], ":nonroot")
	user := instruction(t, ins, "USER ")
	name, _, _ := strings.Cut(strings.TrimPrefix(user[len(user)-1], "USER "), ":")
	assert.NotContains(t, []string{"root", "0"}, name, "runs as non-root")
	assert.Equal(t, []string{`HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/oncehub-mcp", "healthcheck"]`},
		instruction(t, ins, "HEALTHCHECK"))
	assert.Equal(t, []string{`ENTRYPOINT ["/oncehub-mcp"]`}, instruction(t, ins, "ENTRYPOINT"))
	assert.Equal(t, []string{`CMD ["http"]`}, instruction(t, ins, "CMD "))
	assert.Contains(t, strings.Join(instruction(t, ins, "ENV "), "\n"), "ONCEHUB_MCP_ADDR=0.0.0.0:8080",
		"in a container the HTTP server must listen beyond loopback")
	var sj serverJSON
	require.NoError(t, json.Unmarshal([]byte(readRepoFile(t, "server.json")), &sj))
	assert.Contains(t, strings.Join(instruction(t, ins, "LABEL "), "\n"),
		`io.modelcontextprotocol.server.name="`+sj.Name+`"`, "the MCP registry verifies OCI images by this label")
	assert.Contains(t, readRepoFile(t, ".dockerignore"), ".git")
}

type serverJSON struct {
	Schema      string `json:"$schema"`
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version"`
	Repository  struct {
		URL    string `json:"url"`
		Source string `json:"source"`
	} `json:"repository"`
	Packages []struct {
		RegistryType     string                `json:"registryType"`
		Identifier       string                `json:"identifier"`
		Version          string                `json:"version"`
		Transport        struct{ Type string } `json:"transport"`
		PackageArguments []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"packageArguments"`
		EnvironmentVariables []struct {
			Name     string `json:"name"`
			IsSecret bool   `json:"isSecret"`
		} `json:"environmentVariables"`
	} `json:"packages"`
}

// server.json follows the MCP registry's 2025-12-11 schema and the official
// registry's rules: io.github.<owner> names match the Go module's GitHub
// owner, description ≤ 100 characters, exact versions, OCI tags = version.
func TestServerJSONForTheMCPRegistry(t *testing.T) {
	t.Parallel()

	raw := readRepoFile(t, "server.json")
	var sj serverJSON
	dec := json.NewDecoder(strings.NewReader(raw))
	require.NoError(t, dec.Decode(&sj))
	assert.Equal(t, "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json", sj.Schema)
	module := regexp.MustCompile(`(?m)^module (\S+)`).FindStringSubmatch(readRepoFile(t, "go.mod"))[1]
	owner := strings.Split(module, "/")[1]
	assert.Equal(t, "io.github."+owner+"/oncehub-mcp", sj.Name)
	assert.Regexp(t, `^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`, sj.Name)
	assert.LessOrEqual(t, len(sj.Description), 100)
	assert.NotEmpty(t, sj.Title)
	assert.Regexp(t, `^\d+\.\d+\.\d+$`, sj.Version)
	assert.Equal(t, "https://"+module, sj.Repository.URL)

	envNames := map[string]bool{}
	ct := reflect.TypeOf(app.Config{})
	for i := 0; i < ct.NumField(); i++ {
		envNames[ct.Field(i).Tag.Get("envconfig")] = true
	}
	types := map[string]bool{}
	for _, p := range sj.Packages {
		types[p.RegistryType] = true
		switch p.RegistryType {
		case "go":
			assert.Equal(t, module, p.Identifier)
			assert.Equal(t, "v"+sj.Version, p.Version)
		case "oci":
			assert.Equal(t, "ghcr.io/"+owner+"/oncehub-mcp:"+sj.Version, p.Identifier)
		default:
			t.Errorf("unexpected registryType %q", p.RegistryType)
		}
		assert.Equal(t, "stdio", p.Transport.Type)
		require.Len(t, p.PackageArguments, 1)
		assert.Equal(t, "stdio", p.PackageArguments[0].Value)
		for _, e := range p.EnvironmentVariables {
			assert.True(t, envNames[e.Name], "%s is not a configuration variable", e.Name)
			if e.Name == "ONCEHUB_API_KEY" {
				assert.True(t, e.IsSecret)
			}
		}
	}
	assert.True(t, types["go"] && types["oci"], "go install and the container image are both listed")
}
