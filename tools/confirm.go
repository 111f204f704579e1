package tools

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Confirmation of destructive calls.
//
// A client that supports elicitation (form mode) is asked to confirm a one-line
// summary before anything is written. A client on protocol 2026-07-28 or later
// is asked with mcp-go's multi round-trip form (the tool returns an
// input_required result; the client asks the user and calls again with the
// answer and our request state), which works over stateless HTTP too. A client
// on 2025-11-25 or older is asked at once with a server-initiated
// elicitation/create on its session (stdio, in-process, or an HTTP session,
// whose question travels on the call's own stream), and the answer is checked
// the same way, without a second call.
//
// The request state is signed and binds the answer to this tool, these
// arguments and this summary for a few minutes: an answer given for another
// call, or for a booking that has changed since, is not taken as consent.
//
// Clients that declared no elicitation proceed on the host's own tool
// approval (the annotations ask for it), unless Deps.RequireConfirmation
// refuses them; the refusal says what the client lacks.

// confirmID keys the elicitation in the input requests and responses.
const confirmID = "confirm"

// confirmTTL bounds how long a confirmation request stays answerable.
const confirmTTL = 10 * time.Minute

// DefaultConfirmTimeout is how long a question asked on a session waits for
// the user's answer when Deps.ConfirmTimeout is zero.
const DefaultConfirmTimeout = 2 * time.Minute

// maxAsks bounds how often one call asks again because the object changed
// between the question and the answer.
const maxAsks = 3

// question is a confirmation to ask: what to show, and the signed state the
// answer must come back with.
type question struct {
	params mcp.ElicitationParams
	state  string
}

// confirm asks the user to confirm the destructive call tool, described by
// describe (called only when the summary is needed, so a client that cannot
// confirm costs no upstream request). It returns nil to proceed; otherwise an
// error that becomes the tool's result (see confirmResult): a question for the
// user, their refusal, or describe's failure.
func (d Deps) confirm(ctx context.Context, tool string, describe func() (string, error)) error {
	if gap := elicitGap(ctx); gap != "" {
		if d.RequireConfirmation {
			return &stop{mcp.NewToolResultError(fmt.Sprintf(
				"%s was not run: this server requires the user's confirmation for changes that cancel or reassign meetings "+
					"(--require-confirmation), and it cannot ask for it here: %s. Nothing was sent to OnceHub. "+
					"To confirm in this client, turn on its support for elicitation (form mode), or use an MCP client that has it; "+
					"otherwise tell the user to make the change in OnceHub.", tool, gap))}
		}
		return nil // the host's own tool approval applies
	}
	call := callFrom(ctx)
	modern := mcp.IsModernProtocol(server.RequestProtocolVersion(ctx))
	for asked := 0; ; asked++ {
		q, err := d.check(ctx, tool, call, describe)
		if err != nil || q == nil {
			return err
		}
		if modern {
			return &stop{server.NewInputRequestBuilder(q.state).Elicit(confirmID, q.params).ToolResult()}
		}
		if asked == maxAsks {
			return &stop{mcp.NewToolResultError(fmt.Sprintf(
				"Not confirmed: what %s would change kept changing while the user was being asked, so it was not run and nothing was sent to OnceHub. "+
					"Look at it again and ask the user.", tool))}
		}
		answer, err := d.ask(ctx, tool, q.params)
		if err != nil {
			return err
		}
		call.InputResponses = mcp.InputResponses{confirmID: mcp.NewElicitationInputResponse(*answer)}
		call.RequestState = q.state
	}
}

// check decides on the answer call carries: nil to proceed (an answer that
// accepts what is about to happen), a question to ask (no answer yet, or one
// given for something else), or an error that stops the call (a refusal, or
// describe's failure).
func (d Deps) check(ctx context.Context, tool string, call mcp.CallToolParams, describe func() (string, error)) (*question, error) {
	key, _ := oncehub.APIKeyFrom(ctx)
	want := confirmClaims{Tool: tool, Args: digest(call.Arguments)}
	answer := server.ElicitationResponse(call.InputResponses, confirmID)
	claims, valid := d.verify(key, call.RequestState, want)
	if answer != nil && valid && !accepted(answer) {
		return nil, &stop{mcp.NewToolResultError(fmt.Sprintf(
			"The user did not confirm (%s), so %s was not run and nothing was sent to OnceHub. "+
				"Do not try again unless the user asks for it.", answerWord(answer), tool))}
	}
	summary, err := describe()
	if err != nil {
		return nil, err
	}
	want.Summary = digest(summary)
	if answer != nil && valid && claims.Summary == want.Summary {
		return nil, nil // accepted, for what is about to happen
	}
	// No answer yet, or one given for something else (another call, or the
	// booking as it was before it changed): ask.
	want.Issued = d.now().Unix()
	return &question{
		params: mcp.ElicitationParams{
			Mode:            mcp.ElicitationModeForm,
			Message:         summary + "\nConfirm?",
			RequestedSchema: confirmForm(),
		},
		state: sign(key, want),
	}, nil
}

// ask puts the question to a client on protocol 2025-11-25 or older, on its
// session, and waits for the answer for at most the confirm timeout.
func (d Deps) ask(ctx context.Context, tool string, params mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return nil, notAsked(tool, "there is no session to ask on")
	}
	wait := d.ConfirmTimeout
	if wait <= 0 {
		wait = DefaultConfirmTimeout
	}
	actx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	res, err := srv.RequestElicitation(actx, mcp.ElicitationRequest{
		Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
		Params:  params,
	})
	switch {
	case err == nil && res != nil:
		return res, nil
	case ctx.Err() != nil:
		return nil, notAsked(tool, "the call was cancelled before the user answered")
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return nil, &stop{mcp.NewToolResultError(fmt.Sprintf(
			"Not confirmed: no answer to the confirmation question came within %s, so %s was not run and nothing was sent to OnceHub. "+
				"Ask the user whether to go ahead, and call again only if they say so.", wait, tool))}
	case err == nil:
		err = errors.New("the client sent no answer")
	}
	return nil, notAsked(tool, "the question could not be asked: "+err.Error())
}

func notAsked(tool, why string) error {
	return &stop{mcp.NewToolResultError(fmt.Sprintf(
		"Not confirmed: %s, so %s was not run and nothing was sent to OnceHub.", why, tool))}
}

// elicitGap says why the client asked for this call cannot show our form, or
// "" when it can.
func elicitGap(ctx context.Context) string {
	d := clientDeclared(ctx)
	if d.sessionless {
		return "this request belongs to no session (the client did not send back the Mcp-Session-Id it was given at initialize), " +
			"so whether it supports elicitation is unknown"
	}
	caps, where := d.caps, d.where
	if caps == nil || caps.Elicitation == nil {
		return "the client declared no elicitation capability " + where
	}
	// An empty elicitation capability means form mode (the original meaning);
	// a URL-only client cannot show our form.
	if e := caps.Elicitation; e.Form == nil && e.URL != nil {
		return "the client declared only URL-mode elicitation " + where + ", and the question is a form"
	}
	return ""
}

// accepted reports a real yes: the form accepted with confirm checked. An
// accepted form without confirm (an empty answer) is not consent.
func accepted(r *mcp.ElicitationResult) bool {
	if r.Action != mcp.ElicitationResponseActionAccept {
		return false
	}
	content, _ := r.Content.(map[string]any)
	return content["confirm"] == true
}

// confirmForm is the question's form: one checkbox the user must tick. It is
// required and has no default, so that accepting an untouched form says
// nothing.
func confirmForm() map[string]any {
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"confirm": map[string]any{"type": "boolean", "title": "Yes, do it", "description": "Tick to confirm."},
		},
		"required": []string{"confirm"},
	}
}

func answerWord(r *mcp.ElicitationResult) string {
	switch r.Action {
	case mcp.ElicitationResponseActionAccept:
		return "they did not tick the confirmation"
	case mcp.ElicitationResponseActionCancel:
		return "they dismissed the question"
	}
	return "they declined"
}

// stop is an error that already is the tool's result.
type stop struct{ result *mcp.CallToolResult }

func (s *stop) Error() string { return "stopped before the write" }

// confirmResult is the tool result for an error from confirm.
func confirmResult(err error) *mcp.CallToolResult {
	var s *stop
	if errors.As(err, &s) {
		return s.result
	}
	return errorResult(err, false)
}

type callKey struct{}

// withCall gives confirm the call's arguments and any answers the client sent back.
func withCall(ctx context.Context, req mcp.CallToolRequest) context.Context {
	return context.WithValue(ctx, callKey{}, req.Params)
}

func callFrom(ctx context.Context) mcp.CallToolParams {
	p, _ := ctx.Value(callKey{}).(mcp.CallToolParams)
	return p
}

// confirmClaims is what a request state vouches for.
type confirmClaims struct {
	Tool    string `json:"t"`
	Args    string `json:"a"`
	Summary string `json:"s"`
	Issued  int64  `json:"i"`
}

// digest is a short hash of v's JSON (map keys are sorted, so equal arguments
// give equal digests).
func digest(v any) string {
	data, _ := json.Marshal(v)
	sum := sha256.Sum256(data)
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// stateKey derives the signing key from the caller's OnceHub key: every
// replica can check a state, and one tenant's state is worthless to another.
func stateKey(apiKey string) []byte {
	sum := sha256.Sum256([]byte("oncehub-mcp confirmation v1\x00" + apiKey))
	return sum[:]
}

func sign(apiKey string, c confirmClaims) string {
	payload, _ := json.Marshal(c)
	p := base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, stateKey(apiKey))
	mac.Write([]byte(p))
	return p + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// verify reports whether state was issued by sign, recently, for want's tool
// and arguments, and returns its claims.
func (d Deps) verify(apiKey, state string, want confirmClaims) (confirmClaims, bool) {
	var c confirmClaims
	p, sig, ok := strings.Cut(state, ".")
	if !ok {
		return c, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return c, false
	}
	mac := hmac.New(sha256.New, stateKey(apiKey))
	mac.Write([]byte(p))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return c, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || json.Unmarshal(payload, &c) != nil {
		return c, false
	}
	age := d.now().Sub(time.Unix(c.Issued, 0))
	return c, c.Tool == want.Tool && c.Args == want.Args && age >= -time.Minute && age <= confirmTTL
}
