package tools_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// Over HTTP, resources, prompts and completions use each caller's key, like tools.
func TestResourcesPromptsAndCompletionsOverHTTPUseTheCallersKey(t *testing.T) {
	t.Parallel()

	other := "other-key-0123456789"
	for _, version := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t, func(s testenv.Setup) {
				s.Fake.Keys = map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, other: "other@example.com"}
			})
			url := env.HTTPServer(t)
			mine := env.HTTP(t, url, map[string]string{"API-Key": fakeoncehub.TestKey}, client.WithProtocolVersion(version))
			theirs := env.HTTP(t, url, map[string]string{"Authorization": "Bearer " + other}, client.WithProtocolVersion(version))
			ctx := context.Background()

			creq := mcp.CompleteRequest{}
			creq.Params.Ref = mcp.ResourceReference{Type: "ref/resource", URI: "oncehub://bookings/{id}"}
			creq.Params.Argument = mcp.CompleteArgument{Name: "id", Value: ""}
			cres, err := mine.Complete(ctx, creq)
			require.NoError(t, err)
			require.NotEmpty(t, cres.Completion.Values)
			id := cres.Completion.Values[0]

			rreq := mcp.ReadResourceRequest{}
			rreq.Params.URI = "oncehub://bookings/" + id
			rres, err := mine.ReadResource(ctx, rreq)
			require.NoError(t, err)
			assert.Contains(t, rres.Contents[0].(mcp.TextResourceContents).Text, id)

			preq := mcp.GetPromptRequest{}
			preq.Params.Name = "reschedule_booking"
			preq.Params.Arguments = map[string]string{"booking_id": id}
			_, err = mine.GetPrompt(ctx, preq)
			require.NoError(t, err)

			// Another tenant's key sees its own account: that booking is not there.
			_, err = theirs.ReadResource(ctx, rreq)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "404")
			if version == testenv.Protocol2025 {
				assert.ErrorIs(t, err, mcp.ErrResourceNotFound, "-32002")
			} else {
				assert.Contains(t, err.Error(), "invalid params", "2026-07-28 answers InvalidParams")
			}

			reqs := env.Fake.Requests()
			require.Len(t, reqs, 4)
			for _, r := range reqs[:3] {
				assert.Equal(t, fakeoncehub.TestKey, r.APIKey, r.Path)
			}
			assert.Equal(t, other, reqs[3].APIKey)
			assert.Equal(t, "/bookings/"+id, reqs[3].Path)
		})
	}
}

func TestNarrowingHeadersApplyToPromptsAndResourceReads(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	url := env.HTTPServer(t)
	ctx := context.Background()

	ro := env.HTTP(t, url, map[string]string{"API-Key": fakeoncehub.TestKey, "X-MCP-Readonly": "true"})
	res, err := ro.ListPrompts(ctx, mcp.ListPromptsRequest{})
	require.NoError(t, err)
	require.Len(t, res.Prompts, 1)
	assert.Equal(t, "daily_agenda", res.Prompts[0].Name)
	preq := mcp.GetPromptRequest{}
	preq.Params.Name = "schedule_meeting"
	_, err = ro.GetPrompt(ctx, preq)
	require.Error(t, err, "a hidden prompt cannot be fetched either")

	bk := env.HTTP(t, url, map[string]string{"API-Key": fakeoncehub.TestKey, "X-MCP-Toolsets": "bookings"})
	rreq := mcp.ReadResourceRequest{}
	rreq.Params.URI = "oncehub://users/USR-ABC"
	_, err = bk.ReadResource(ctx, rreq)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "limited to the toolsets bookings")
	assert.Empty(t, env.Fake.Requests())
}
