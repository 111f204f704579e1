package main

// Every generated artifact (the README's tool and configuration tables, the
// tool schema cache, the tool snapshots in tools/testdata/tools) comes from
// the code: go generate ./... rewrites them all.
//go:generate go run ./internal/docgen
