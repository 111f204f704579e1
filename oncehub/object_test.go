package oncehub

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A decoded object encodes back with every field it came with, unknown ones
// included, whatever their JSON looks like; a field the client models is
// written from the struct (so a change made to it shows), never twice.
func TestObjectKeepsUnknownFields(t *testing.T) {
	t.Parallel()

	cases := map[string]string{
		"none":            `{"id":"TM-1","name":"Sales"}`,
		"nested":          `{"id":"TM-1","zeta":{"a":[1,{"b":"}]"}],"c":null},"alpha":[[],{}],"name":"Sales"}`,
		"strings":         `{"id":"TM-1","quote":"say \"hi\" {not an object}","slash":"a\\","unicode":"h\u00e9 \ud83d\ude00"}`,
		"numbers":         `{"n":-1.5e+10,"t":true,"f":false,"z":null,"id":"TM-1"}`,
		"whitespace":      " \n{ \"id\" : \"TM-1\" ,\n\t\"extra\" : [ 1 , 2 ] , \"name\":\"S\" }\n",
		"escaped key":     `{"id":"TM-1","a\"b":1,"\u0063ustom":2,"<html>":3}`,
		"escaped known":   `{"\u0069d":"TM-1","name":"S"}`,
		"repeated":        `{"id":"TM-1","x":1,"x":2}`,
		"non-ASCII key":   `{"id":"TM-1","größe":"L"}`,
		"known is object": `{"id":"TM-1","name":"S","more":{"id":"inner"}}`,
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			var team Team
			require.NoError(t, json.Unmarshal([]byte(in), &team))
			out, err := json.Marshal(team)
			require.NoError(t, err)
			var want, got map[string]any
			require.NoError(t, json.Unmarshal([]byte(in), &want))
			require.NoError(t, json.Unmarshal(out, &got), "%s", out)
			assert.Equal(t, want, got)

			team.Name = "Renamed"
			out, err = json.Marshal(team)
			require.NoError(t, err)
			got = nil
			require.NoError(t, json.Unmarshal(out, &got))
			assert.Equal(t, "Renamed", got["name"])
			assert.Equal(t, 1, countKey(t, out, "name"), "name written once: %s", out)
		})
	}
}

// An object decoded from null (a null item in a list) encodes as before.
func TestObjectFromNull(t *testing.T) {
	t.Parallel()

	var teams []Team
	require.NoError(t, json.Unmarshal([]byte(`[null,{"id":"TM-1","x":1}]`), &teams))
	out, err := json.Marshal(teams)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"id":""},{"id":"TM-1","x":1}]`, string(out))
}

// countKey counts the top-level members of the object data named key.
func countKey(t *testing.T, data []byte, key string) int {
	members, ok := topLevelMembers(data)
	require.True(t, ok)
	n := 0
	for _, m := range members {
		if m.name == key {
			n++
		}
	}
	return n
}

// References decode and encode the same way whether or not an ID needs escaping.
func TestRefIDs(t *testing.T) {
	t.Parallel()

	for _, in := range []string{`"USR-1"`, `"a\"b"`, `"\u00e9"`, `"é"`, `"<x>"`, `""`, `null`} {
		var r Ref[User]
		require.NoError(t, json.Unmarshal([]byte(in), &r), in)
		var id string
		if in != "null" {
			require.NoError(t, json.Unmarshal([]byte(in), &id))
		}
		assert.Equal(t, id, r.ID, in)
		out, err := json.Marshal(r)
		require.NoError(t, err)
		if id == "" {
			assert.Equal(t, "null", string(out))
			continue
		}
		want, _ := json.Marshal(id)
		assert.Equal(t, string(want), string(out), in)
	}
}

// An object body is decoded without a separate validation pass, so a body
// that is not exactly one JSON object must still be refused as such.
func TestObjectBodyMustBeValidJSON(t *testing.T) {
	t.Parallel()

	cases := map[string]struct {
		body string
		ok   bool
	}{
		"valid, with whitespace": {" {\"id\":\"BKNG-1\",\"later\":[1]}\n", true},
		"truncated":              {`{"id":"BKNG-1","status":"sched`, false},
		"trailing data":          {`{"id":"BKNG-1"} {"id":"BKNG-2"}`, false},
		"unquoted name":          {`{id:"BKNG-1"}`, false},
		"not an object":          {`["BKNG-1"]`, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			up := newUpstream(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tc.body)
			})
			b, _, err := newTestClient(t, up.URL).Bookings.Get(keyCtx(), "BKNG-1", nil)
			if !tc.ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "not the JSON expected")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "BKNG-1", b.ID)
			out, err := json.Marshal(b)
			require.NoError(t, err)
			assert.JSONEq(t, `{"id":"BKNG-1","later":[1]}`, string(out))
		})
	}
}

// FuzzObjectKeepsUnknownFields: whatever object decodes into a Team, its
// encoding is valid JSON and carries every member Team does not model with
// the value it came with (of a repeated key, the last).
func FuzzObjectKeepsUnknownFields(f *testing.F) {
	for _, s := range []string{
		`{"id":"TM-1","name":"Sales"}`,
		`{"id":"TM-1","zeta":{"a":[1,{"b":"}]"}],"c":null},"alpha":[[],{}]}`,
		`{"id":"TM-1","quote":"say \"hi\" {x}","a\"b":1,"\u0063ustom":2,"größe":"L"}`,
		" \n{ \"id\" : \"TM-1\" ,\n\t\"extra\" : [ 1 , 2 ] }\n",
		`{"id":"TM-1","x":1,"x":2}`,
		`null`,
	} {
		f.Add([]byte(s))
	}
	known := jsonFieldNames(reflect.TypeOf(Team{}))
	f.Fuzz(func(t *testing.T, in []byte) {
		var team Team
		if json.Unmarshal(in, &team) != nil {
			return
		}
		out, err := json.Marshal(team)
		if err != nil {
			t.Fatalf("encoding %q: %v", in, err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("encoding of %q is not a JSON object: %q: %v", in, out, err)
		}
		var want map[string]json.RawMessage
		if json.Unmarshal(in, &want) != nil || want == nil {
			return // null: nothing to keep
		}
		for k, v := range want {
			if known[k] {
				continue
			}
			var a, b any
			if json.Unmarshal(v, &a) != nil || json.Unmarshal(got[k], &b) != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("member %q of %q: got %q in %q", k, in, got[k], out)
			}
		}
	})
}
