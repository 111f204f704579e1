// Package tokens counts cl100k_base tokens, the measure the issues use for
// what a model reads (tool definitions, tool results). The encoding's data is
// embedded (tiktoken-go-loader's offline loader), so counting needs no
// network. Benchmarks, generators and tests use it; the server binary does not.
package tokens

import (
	"sync"

	tiktoken "github.com/pkoukk/tiktoken-go"
	loader "github.com/pkoukk/tiktoken-go-loader"
)

var encoding = sync.OnceValues(func() (*tiktoken.Tiktoken, error) {
	tiktoken.SetBpeLoader(loader.NewOfflineLoader())
	return tiktoken.GetEncoding("cl100k_base")
})

// Count returns the number of cl100k_base tokens in s.
func Count(s string) int {
	enc, err := encoding()
	if err != nil {
		panic("tokens: cl100k_base is embedded and must load: " + err.Error())
	}
	return len(enc.Encode(s, nil, nil))
}
