package oncehub

import "context"

// TestResult is the answer of GET /test.
type TestResult struct {
	Message string `json:"message"` // "The API key is valid for account: <email>"
}

// TestAPIKey checks the context's key (GET /test).
func (c *Client) TestAPIKey(ctx context.Context) (TestResult, *Response, error) {
	var r TestResult
	resp, err := c.do(ctx, request{method: "GET", route: "/test"}, &r)
	return r, resp, err
}
