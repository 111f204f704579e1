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

// argError is a tool argument refused before anything was sent to OnceHub:
// one the tool checks itself, or a *oncehub.ParamError named in the tool's
// terms (see argNames). An empty arg means the arguments as a whole.
type argError struct {
	arg  string      // the argument's name, as the tool calls it
	msg  string      // what is wrong and how to fix it
	more []*argError // other arguments at fault in the same call
}

func (e *argError) Error() string {
	if e.arg == "" {
		return e.msg
	}
	return e.arg + ": " + e.msg
}

// argErrorf is an *argError for arg with a formatted message.
func argErrorf(arg, format string, a ...any) *argError {
	return &argError{arg: arg, msg: fmt.Sprintf(format, a...)}
}

// noKeyMessage says how to give the server a key.
const noKeyMessage = "No OnceHub API key: set ONCEHUB_API_KEY (stdio) or send an API-Key / Authorization: Bearer header (HTTP). " +
	"Create a key in OnceHub under the gear icon → Account Integrations → APIs & Webhooks"

func errorMessage(err error, write bool) string {
	if ae, ok := errors.AsType[*argError](err); ok {
		var b strings.Builder
		for _, e := range append([]*argError{ae}, ae.more...) {
			if e.arg == "" {
				fmt.Fprintf(&b, "Invalid arguments: %s. ", e.msg)
			} else {
				fmt.Fprintf(&b, "Invalid argument %q: %s. ", e.arg, e.msg)
			}
		}
		return b.String() + "Nothing was sent to OnceHub."
	}
	if pe, ok := errors.AsType[*oncehub.ParamError](err); ok { // outside a tool: OnceHub's name
		return errorMessage(&argError{arg: pe.Param, msg: pe.Message}, write)
	}
	if errors.Is(err, oncehub.ErrNoAPIKey) {
		return noKeyMessage + ". Nothing was sent to OnceHub. To try the tools without an account, start the server with --demo (ONCEHUB_DEMO=true)."
	}
	if errors.Is(err, oncehub.ErrMalformedAPIKey) {
		return "Invalid OnceHub API key: " + oncehub.ErrMalformedAPIKey.Error() + ". Nothing was sent to OnceHub."
	}
	if wait, ok := errors.AsType[*oncehub.RateWaitError](err); ok {
		if wait.Budget != "" {
			return fmt.Sprintf("OnceHub allows %s, shared by every user of this server; this caller's fair share has no free turn for %s, longer than this call may wait. Retry in %s, or make fewer calls (results of lists can be reused). Nothing was sent to OnceHub.",
				wait.Budget, seconds(wait.Wait), seconds(wait.Wait))
		}
		return fmt.Sprintf("OnceHub's rate limit (5 requests per second per account) is taken up by this account's other calls; retry in %s. Nothing was sent to OnceHub.", seconds(wait.Wait))
	}
	if apiErr, ok := errors.AsType[*oncehub.APIError](err); ok {
		msg := apiErrorMessage(apiErr)
		if write && apiErr.Status >= 500 {
			msg += " The change may have been made anyway: check the current state (for example with a get_ or list_ tool) before trying again."
		}
		return msg
	}
	if te, ok := errors.AsType[*oncehub.TransportError](err); ok {
		msg := "Could not get an answer from OnceHub: " + te.Error() + "."
		check, checkable := errors.AsType[*checkWith](err)
		switch {
		case write && te.Sent && checkable:
			msg += " The request may have reached OnceHub, so the change may already be made: check the current state with " + check.how + " before trying again."
		case write && te.Sent:
			msg += " The request may have reached OnceHub, so the change may have been made: check the current state (for example with a get_ or list_ tool) before trying again."
		case errors.Is(err, context.DeadlineExceeded) || oncehub.IsTimeout(err):
			msg += " OnceHub did not answer in time; try again, or narrow the request."
		}
		if errors.Is(err, oncehub.ErrRedirect) {
			msg += " Check ONCEHUB_API_URL: it should be OnceHub's API, " + oncehub.DefaultBaseURL + "."
		}
		return msg
	}
	if errors.Is(err, context.Canceled) {
		return "The call was canceled."
	}
	return "Error: " + err.Error()
}

// apiErrorMessage is OnceHub's error (see oncehub.APIError.Error) followed by
// what to do about it, by OnceHub's status code.
func apiErrorMessage(e *oncehub.APIError) string {
	var hint string
	switch e.Status {
	case 400:
		hint = "OnceHub rejected the request; fix the argument it names and try again."
	case 401:
		hint = "The OnceHub API key is missing or invalid. Check ONCEHUB_API_KEY (or the API-Key header); create a key in OnceHub under the gear icon → Account Integrations → APIs & Webhooks (keys are shown once)."
	case 402:
		hint = "The host has no paid seat (license) in OnceHub; assign a seat to the user in OnceHub, then try again."
	case 403:
		hint = "OnceHub refused this action for this account or key."
		if e.Type == oncehub.ErrTypeAuthentication {
			hint = "The OnceHub account's plan has no API access (API v2 needs the Enterprise plan), or the key lacks permission for this."
		}
	case 404:
		hint = "Nothing with that ID exists in this OnceHub account (or it was deleted). Use a list_ tool to find valid IDs."
	case 409:
		hint = "The request conflicts with the current state (for example a duplicate name, or a booking that is already canceled). Fetch the current state before deciding what to do."
	case 410:
		hint = "That object no longer exists in OnceHub."
	case 422:
		hint = "OnceHub cannot do this in the current configuration (for example the booking calendar is not published). Fix it in OnceHub, then try again."
	case 429:
		wait := "a few seconds"
		if e.RetryAfter > 0 {
			wait = seconds(e.RetryAfter)
		}
		hint = "OnceHub's rate limit (5 requests per second per account) was still exceeded after retrying; retry in " + wait + "."
	}
	if e.Status >= 500 {
		hint = "OnceHub is having trouble; try again shortly. If it persists, give OnceHub support the Request-Id."
		if e.RequestID != "" {
			hint = "OnceHub is having trouble (Request-Id " + e.RequestID + "); try again shortly. If it persists, give OnceHub support that Request-Id."
		}
	}
	if hint == "" {
		return e.Error()
	}
	return e.Error() + ". " + hint
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
