package main

// The README's tool and configuration tables are generated from the code.
//go:generate go run ./internal/docgen
