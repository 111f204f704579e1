package oncehub

import (
	"context"
	"strings"
)

// TestResult is the answer of GET /test.
type TestResult struct {
	Message string `json:"message"` // "The API key is valid for account: <email>"
}

// AccountEmail is the email of the account the key belongs to, as the
// message names it ("" when it names none).
func (r TestResult) AccountEmail() string {
	_, email, ok := strings.Cut(r.Message, "account: ")
	if !ok {
		return ""
	}
	return strings.TrimSpace(email)
}

// TestAPIKey checks the context's key (GET /test).
func (c *Client) TestAPIKey(ctx context.Context) (TestResult, *Response, error) {
	var r TestResult
	resp, err := c.do(ctx, request{method: "GET", route: "/test"}, &r)
	return r, resp, err
}
