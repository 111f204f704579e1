package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// declared is what the client asked for this call declared it can do.
type declared struct {
	caps *mcp.ClientCapabilities // nil when unknown
	// where the capabilities were declared, for messages.
	where string
	// sessionless: an HTTP request of protocol 2025-11-25 or older outside
	// any session, so what the client declared at initialize is unknown here.
	sessionless bool
}

// clientDeclared reads the capabilities of the client asking for this call.
// Protocol 2026-07-28 and later declare them on each request; earlier
// clients once, in initialize, on the session (stdio, in-process, or an HTTP
// session: transport/session.go).
func clientDeclared(ctx context.Context) declared {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return declared{caps: info.ClientCapabilities, where: "in this request's capabilities"}
	}
	sess := server.ClientSessionFromContext(ctx)
	if v, ok := sess.(server.SessionWithProtocolVersion); ok && v.ProtocolVersion() == "" {
		return declared{sessionless: true}
	}
	if s, ok := sess.(server.SessionWithClientInfo); ok {
		c := s.GetClientCapabilities()
		return declared{caps: &c, where: "when it initialized"}
	}
	return declared{}
}
