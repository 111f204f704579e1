// Package harness is what the benchmark programs under bench/ share: building
// the server, starting it over HTTP, and reading the machine's CPU and a
// process's memory.
package harness

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Root is the module's root directory (where go.mod is).
func Root() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// Build builds package pkg of this module ("." for the server, "./bench/bare")
// into out.
func Build(pkg, out string) error {
	root, err := Root()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir, cmd.Stderr = root, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

// BuildServer builds oncehub-mcp into a new temporary directory; remove
// deletes it.
func BuildServer() (bin string, remove func(), err error) {
	dir, err := os.MkdirTemp("", "oncehub-mcp-bench")
	if err != nil {
		return "", nil, err
	}
	remove = func() { _ = os.RemoveAll(dir) }
	bin = filepath.Join(dir, "oncehub-mcp")
	if err := Build(".", bin); err != nil {
		remove()
		return "", nil, err
	}
	return bin, remove, nil
}

var servingAddr = regexp.MustCompile(`serving MCP over streamable HTTP.* addr=(\S+)`)

// StartHTTP runs bin in http mode on a free loopback port, with env added to
// this process's environment, and returns its base URL (http://host:port)
// once it serves. Its stderr is read (and dropped) for as long as it runs.
func StartHTTP(bin string, env []string, args ...string) (base string, cmd *exec.Cmd, err error) {
	cmd = exec.Command(bin, append([]string{"http", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() { // keep draining: a log line per tool call
			if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + a, cmd, nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", nil, errors.New("the server did not start within 30 s")
	}
}

// RSS is the resident set size of process pid in bytes (Linux: /proc).
func RSS(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}

// MiB is b bytes in mebibytes.
func MiB(b int64) float64 { return float64(b) / (1 << 20) }

// CPUModel is the machine's CPU model name, or "unknown CPU".
func CPUModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
