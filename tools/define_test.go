package tools

import (
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

func TestStructuredAppendsRequestID(t *testing.T) {
	t.Parallel()

	cases := []struct {
		v         any
		requestID string
		want      string
	}{
		{map[string]any{"id": "BKNG-1"}, "req_1", `{"id":"BKNG-1","request_id":"req_1"}`},
		{struct{}{}, "req_2", `{"request_id":"req_2"}`},
		{map[string]any{"id": "BKNG-1"}, "", `{"id":"BKNG-1"}`},
		{deletedOutput{ID: "CTC-1", Deleted: true}, `r"q`, `{"id":"CTC-1","deleted":true,"request_id":"r\"q"}`},
	}
	for _, tc := range cases {
		res := structured(tc.v, tc.requestID)
		require.False(t, res.IsError)
		raw, ok := res.StructuredContent.(json.RawMessage)
		require.True(t, ok)
		assert.JSONEq(t, tc.want, string(raw))
		assert.Equal(t, string(raw), res.Content[0].(mcp.TextContent).Text)
	}
}

func TestArgNames(t *testing.T) {
	t.Parallel()

	n := newArgNames(spec{name: "t", args: map[string]string{"location.value": "video_provider"}}, []string{"booking_id", "reason"})
	for param, want := range map[string]string{
		"id": "booking_id", "location.value": "video_provider", "starting_time.gt": "starting_time_after",
		"creation_time.lt": "creation_time_before", "booking_form.email": "email", "booking_form.shoe_size": "custom_fields.shoe_size",
		"booking_form": "custom_fields", "utm_params.source": "utm.source", "terms_of_sevice": "terms_of_service",
		"weekly[0].day": "weekly[0].day", "": "",
	} {
		assert.Equal(t, want, n.arg(param), param)
	}
	err := n.name(&oncehub.ParamError{Param: "id", Message: "is required"})
	assert.Equal(t, &argError{arg: "booking_id", msg: "is required"}, err)

	twoIDs := []string{"a_id", "b_id"}
	assert.Panics(t, func() { newArgNames(spec{name: "two"}, twoIDs) }, "which *_id is the path's must be said")
	assert.NotPanics(t, func() { newArgNames(spec{name: "two", args: map[string]string{"id": "a_id"}}, twoIDs) })
}
