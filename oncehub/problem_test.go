package oncehub

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAPIErrorProblem(t *testing.T) {
	for _, tc := range []struct {
		status int
		typ    string
		want   Problem
	}{
		{400, ErrTypeInvalidRequest, ProblemBadRequest},
		{401, ErrTypeAuthentication, ProblemUnauthorized},
		{403, ErrTypeAuthentication, ProblemNoAPIAccess},
		{403, ErrTypeInvalidRequest, ProblemForbidden},
		{402, ErrTypeInvalidRequest, ProblemNoSeat},
		{404, ErrTypeInvalidRequest, ProblemNotFound},
		{409, ErrTypeInvalidRequest, ProblemConflict},
		{410, ErrTypeInvalidRequest, ProblemGone},
		{422, ErrTypeInvalidRequest, ProblemUnprocessable},
		{429, ErrTypeRateLimit, ProblemRateLimited},
		{500, ErrTypeAPI, ProblemUpstream},
		{503, "", ProblemUpstream},
		{418, "", ProblemOther},
	} {
		assert.Equal(t, tc.want, (&APIError{Status: tc.status, Type: tc.typ}).Problem(), "%d %s", tc.status, tc.typ)
	}
}
