package oncehub

import "context"

// TestResult is the answer of GET /test.
type TestResult struct {
	Message string `json:"message"` // "The API key is valid for account: <email>"
}

// TestAPIKey checks the context's key (GET /test).
func (c *Client) TestAPIKey(ctx context.Context) (TestResult, error) {
	var r TestResult
	_, err := c.do(ctx, request{method: "GET", path: "/test", route: "/test"}, &r)
	return r, err
}
