// Command docgen writes every artifact generated from the code:
//
//   - the README's tool table and configuration table, from the tool registry
//     (tools.All, tools.Toolsets, annotations) and the configuration struct
//     (app.Config's envconfig, default and desc tags), between the
//     BEGIN/END GENERATED marker comments;
//
//   - tools/schemas_gen.go, every tool's input and output schema built from
//     its types, which the server starts from (see tools/schema.go);
//
//   - tools/testdata/tools/<name>.json, each tool's definition as tools/list
//     sends it (the snapshots TestToolSnapshots checks), removing those of
//     tools that no longer exist;
//
//   - docs/BENCHMARKS.md's schema section: how precisely the input schemas
//     state their arguments, and what each tool costs a model's context
//     (cl100k_base tokens of its name, description and input schema).
//
//     go generate ./...            (or: go run ./internal/docgen)
//
// The output depends only on the code, so running it twice changes nothing;
// a test fails when the committed README is out of date.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// Command is how to regenerate; failures and the test name it.
const Command = "go generate ./... (or: go run ./internal/docgen)"

func main() {
	path := flag.String("readme", "README.md", "the file to update")
	schemas := flag.String("schemas", "tools/schemas_gen.go", "the generated schemas file to write (empty: none)")
	snapshots := flag.String("snapshots", "tools/testdata/tools", "the folder of tool snapshots to write (empty: none)")
	benchmarks := flag.String("benchmarks", "docs/BENCHMARKS.md", "the file whose schema section to update (empty: none)")
	check := flag.Bool("check", false, "only report whether the file is up to date (exit 1 when not)")
	flag.Parse()
	old, err := os.ReadFile(*path)
	if err != nil {
		fail(err)
	}
	updated, err := Update(old)
	if err != nil {
		fail(fmt.Errorf("%s: %w", *path, err))
	}
	if err := writeIfChanged(*path, old, updated, *check); err != nil {
		fail(err)
	}
	if *schemas != "" {
		old, _ := os.ReadFile(*schemas)
		src, err := tools.GeneratedSchemasFile(allTools())
		if err != nil {
			fail(err)
		}
		if err := writeIfChanged(*schemas, old, src, *check); err != nil {
			fail(err)
		}
	}
	if *snapshots != "" {
		if err := WriteSnapshots(*snapshots, *check); err != nil {
			fail(err)
		}
	}
	if *benchmarks != "" {
		old, err := os.ReadFile(*benchmarks)
		if err != nil {
			fail(err)
		}
		updated, err := replaceSection(old, "schemas", SchemaSection(allTools()))
		if err != nil {
			fail(fmt.Errorf("%s: %w", *benchmarks, err))
		}
		if err := writeIfChanged(*benchmarks, old, updated, *check); err != nil {
			fail(err)
		}
	}
}

// WriteSnapshots writes each tool's snapshot into dir and removes the
// snapshots of tools that no longer exist (with check, only reports them).
func WriteSnapshots(dir string, check bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, t := range allTools() {
		data, err := tools.Snapshot(t)
		if err != nil {
			return err
		}
		name := t.Def.Name + ".json"
		want[name] = true
		path := filepath.Join(dir, name)
		old, _ := os.ReadFile(path)
		if err := writeIfChanged(path, old, data, check); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !want[e.Name()] {
			if check {
				return fmt.Errorf("%s is the snapshot of a tool that no longer exists: run %s", filepath.Join(dir, e.Name()), Command)
			}
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// allTools is every tool with its schemas built from its types now
// (tools.Reflected), not from the tools/schemas_gen.go this program was
// built with, which may be the stale one it is about to rewrite.
func allTools() []tools.Tool {
	all, err := tools.Reflected(tools.All(tools.Deps{}))
	if err != nil {
		fail(err)
	}
	return all
}

func writeIfChanged(path string, old, updated []byte, check bool) error {
	if bytes.Equal(old, updated) {
		return nil
	}
	if check {
		return fmt.Errorf("%s is out of date: run %s", path, Command)
	}
	return os.WriteFile(path, updated, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "docgen:", err)
	os.Exit(1)
}

// Sections maps each generated section's name to its content.
func Sections() map[string]string {
	return map[string]string{
		"tools":  ToolsTable(allTools(), tools.Toolsets()),
		"config": ConfigTable(reflect.TypeOf(app.Config{})),
	}
}

// Update replaces every generated section in doc.
func Update(doc []byte) ([]byte, error) {
	out := doc
	for name, content := range Sections() {
		var err error
		if out, err = replaceSection(out, name, content); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func markers(name string) (begin, end string) {
	return "<!-- BEGIN GENERATED: " + name + " (do not edit; run go generate ./...) -->\n",
		"<!-- END GENERATED: " + name + " -->"
}

func replaceSection(doc []byte, name, content string) ([]byte, error) {
	begin, end := markers(name)
	i := bytes.Index(doc, []byte(begin))
	if i < 0 {
		return nil, fmt.Errorf("marker %q not found", strings.TrimSpace(begin))
	}
	j := bytes.Index(doc[i:], []byte(end))
	if j < 0 {
		return nil, fmt.Errorf("marker %q not found after %q", end, strings.TrimSpace(begin))
	}
	var b bytes.Buffer
	b.Write(doc[:i+len(begin)])
	b.WriteString(content)
	b.Write(doc[i+j:])
	return b.Bytes(), nil
}

// ToolsTable renders one table per toolset (in the order of toolsets; any
// toolset not declared there last, by name), tools sorted by name.
func ToolsTable(all []tools.Tool, toolsets []tools.Toolset) string {
	by := map[string][]tools.Tool{}
	for _, t := range all {
		by[t.Toolset.Name] = append(by[t.Toolset.Name], t)
	}
	order := make([]tools.Toolset, 0, len(by))
	known := map[string]bool{}
	for _, ts := range toolsets {
		known[ts.Name] = true
		order = append(order, ts)
	}
	var extra []string
	for name := range by {
		if !known[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	for _, name := range extra {
		order = append(order, tools.Toolset{Name: name})
	}
	readOnly := 0
	for _, t := range all {
		if t.ReadOnly() {
			readOnly++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d tools (%d read-only) in %d toolsets. Annotations: **read** = read-only; **write** = changes data; "+
		"**destructive** = deletes or cancels (hosts usually ask you first); *idempotent* = repeating it changes nothing more.\n",
		len(all), readOnly, len(toolsets))
	for _, ts := range order {
		list := by[ts.Name]
		fmt.Fprintf(&b, "\n#### `%s`", ts.Name)
		if ts.Description != "" {
			fmt.Fprintf(&b, " — %s", ts.Description)
		}
		b.WriteString("\n\n")
		if len(list) == 0 {
			b.WriteString("No tools yet.\n")
			continue
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Def.Name < list[j].Def.Name })
		b.WriteString("| Tool | What it does | Effect |\n|---|---|---|\n")
		for _, t := range list {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", t.Def.Name, cell(firstSentence(t.Def.Description)), effect(t))
		}
	}
	return b.String()
}

func effect(t tools.Tool) string {
	var s string
	switch {
	case t.ReadOnly():
		return "read"
	case t.Destructive():
		s = "**destructive**"
	default:
		s = "write"
	}
	if h := t.Def.Annotations.IdempotentHint; h != nil && *h {
		s += ", *idempotent*"
	}
	return s
}

var flagInDesc = regexp.MustCompile(`\s*\(flag (--[a-z-]+)\)`)

// ConfigTable renders the configuration struct's environment variables.
func ConfigTable(t reflect.Type) string {
	var b strings.Builder
	b.WriteString("| Variable | Flag | Default | Description |\n|---|---|---|---|\n")
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		env := f.Tag.Get("envconfig")
		if env == "" {
			continue
		}
		desc := f.Tag.Get("desc")
		fl := ""
		if m := flagInDesc.FindStringSubmatch(desc); m != nil {
			fl = "`" + m[1] + "`"
			desc = flagInDesc.ReplaceAllString(desc, "")
		}
		def := f.Tag.Get("default")
		if def != "" {
			def = "`" + def + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", env, fl, def, cell(desc))
	}
	return b.String()
}

// firstSentence is the text up to the first ". " (or all of it).
func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
