package main

// Every generated artifact (the README's tool and configuration tables, the
// tools' schemas in tools/schemas_gen.go, the tool snapshots in
// tools/testdata/tools) comes from the code: go generate ./... rewrites them
// all.
//go:generate go run ./internal/docgen
