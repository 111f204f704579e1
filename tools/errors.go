package tools

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// errorResult turns err into an isError tool result whose message says what
// went wrong and what to do next. write says whether the tool changes state
// (a failed write may still have taken effect).
func errorResult(err error, write bool) *mcp.CallToolResult {
	return mcp.NewToolResultError(errorMessage(err, write))
}

func errorMessage(err error, write bool) string {
	if ae, ok := oncehub.AsArgError(err); ok {
		return fmt.Sprintf("Invalid argument %q: %s. Nothing was sent to OnceHub.", ae.Arg, ae.Msg)
	}
	if errors.Is(err, oncehub.ErrNoAPIKey) {
		return err.Error() + ". Nothing was sent to OnceHub. To try the tools without an account, start the server with --demo (ONCEHUB_DEMO=true)."
	}
	var partial *oncehub.PartialError
	if errors.As(err, &partial) {
		return fmt.Sprintf("Stopped after %d items because of an error; continue with after=%q. %s",
			partial.Collected, partial.Cursor, errorMessage(partial.Err, write))
	}
	var wait *oncehub.RateWaitError
	if errors.As(err, &wait) {
		return fmt.Sprintf("OnceHub's rate limit (5 requests per second per account) is taken up by this account's other calls; retry in %s. Nothing was sent to OnceHub.", seconds(wait.Wait))
	}
	if apiErr, ok := oncehub.AsAPIError(err); ok {
		msg := apiErrorMessage(apiErr)
		if write && apiErr.Problem() == oncehub.ProblemUpstream {
			msg += " The change may have been made anyway: check the current state (for example with a get_ or list_ tool) before trying again."
		}
		return msg
	}
	var te *oncehub.TransportError
	var check *checkWith
	if write && errors.As(err, &check) && errors.As(err, &te) && te.Sent {
		return "Could not get an answer from OnceHub: " + te.Error() + ". The request may have reached OnceHub, so the change may already be made: check the current state with " + check.how + " before trying again."
	}
	if errors.As(err, &te) {
		msg := "Could not get an answer from OnceHub: " + te.Error() + "."
		if write && te.Sent {
			msg += " The request may have reached OnceHub, so the change may have been made: check the current state (for example with a get_ or list_ tool) before trying again."
		} else if errors.Is(err, context.DeadlineExceeded) || oncehub.IsTimeout(err) {
			msg += " OnceHub did not answer in time; try again, or narrow the request."
		}
		return msg
	}
	if errors.Is(err, context.Canceled) {
		return "The call was canceled."
	}
	return "Error: " + err.Error()
}

func apiErrorMessage(e *oncehub.APIError) string {
	var hint string
	switch e.Problem() {
	case oncehub.ProblemUnauthorized:
		hint = "The OnceHub API key is missing or invalid. Check ONCEHUB_API_KEY (or the API-Key header); create a key in OnceHub under the gear icon → Account Integrations → APIs & Webhooks (keys are shown once)."
	case oncehub.ProblemNoAPIAccess:
		hint = "The OnceHub account's plan has no API access (API v2 needs the Enterprise plan), or the key lacks permission for this."
	case oncehub.ProblemForbidden:
		hint = "OnceHub refused this action for this account or key."
	case oncehub.ProblemNoSeat:
		hint = "The host has no paid seat (license) in OnceHub; assign a seat to the user in OnceHub, then try again."
	case oncehub.ProblemNotFound:
		hint = "Nothing with that ID exists in this OnceHub account (or it was deleted). Use a list_ tool to find valid IDs."
	case oncehub.ProblemConflict:
		hint = "The request conflicts with the current state (for example a duplicate name, or a booking that is already canceled). Fetch the current state before deciding what to do."
	case oncehub.ProblemGone:
		hint = "That object no longer exists in OnceHub."
	case oncehub.ProblemUnprocessable:
		hint = "OnceHub cannot do this in the current configuration (for example the booking calendar is not published). Fix it in OnceHub, then try again."
	case oncehub.ProblemRateLimited:
		wait := "a few seconds"
		if e.RetryAfter > 0 {
			wait = seconds(e.RetryAfter)
		}
		hint = "OnceHub's rate limit (5 requests per second per account) was still exceeded after retrying; retry in " + wait + "."
	case oncehub.ProblemUpstream:
		hint = "OnceHub is having trouble; try again shortly. If it persists, give OnceHub support the Request-Id."
		if e.RequestID != "" {
			hint = "OnceHub is having trouble (Request-Id " + e.RequestID + "); try again shortly. If it persists, give OnceHub support that Request-Id."
		}
	case oncehub.ProblemBadRequest:
		hint = "OnceHub rejected the request; fix the argument it names and try again."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "OnceHub error %d", e.Status)
	if e.Type != "" {
		fmt.Fprintf(&b, " (%s)", e.Type)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Param != "" {
		fmt.Fprintf(&b, " [param: %s]", e.Param)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [Request-Id: %s]", e.RequestID)
	}
	if hint != "" {
		b.WriteString(". " + hint)
	}
	return b.String()
}

// checkWith wraps the error of a write with how to see whether it took effect
// (for example `get_booking (booking_id "BKNG-…")`); when OnceHub's answer was
// lost, the message names it instead of a generic hint.
type checkWith struct {
	err error
	how string
}

func (e *checkWith) Error() string { return e.err.Error() }
func (e *checkWith) Unwrap() error { return e.err }

// checkStateWith wraps err (nil stays nil) with how to check the current state.
func checkStateWith(err error, how string) error {
	if err == nil {
		return nil
	}
	return &checkWith{err: err, how: how}
}

// seconds renders a wait as whole seconds, rounded up ("1 s" at least).
func seconds(d time.Duration) string {
	return fmt.Sprintf("%d s", max(1, int(math.Ceil(d.Seconds()))))
}
