package oncehub

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Extra keeps an object as OnceHub sent it, so that the fields this client
// does not model are written back out, never dropped (OnceHub adds fields over
// time). Only the bytes are kept when decoding; they are looked at again only
// when the object is encoded.
type Extra struct{ raw json.RawMessage }

// Object is any OnceHub object, field by field, for references this client
// does not model (a conversation, an SMS recipient that may be a contact or a user).
type Object map[string]json.RawMessage

// decodeObject unmarshals data into known (a pointer to a struct whose type has
// no UnmarshalJSON of its own) and keeps data for the fields known lacks.
func decodeObject(data []byte, known any, extra *Extra) error {
	if err := json.Unmarshal(data, known); err != nil {
		return err
	}
	extra.raw = append(extra.raw[:0:0], data...)
	return nil
}

// encodeObject marshals known (a struct) and appends the fields of the
// original object that known's type does not declare, in key order.
func encodeObject(known any, extra Extra) ([]byte, error) {
	data, err := json.Marshal(known)
	if err != nil || extra.raw == nil {
		return data, err
	}
	// extra.raw passed json.Unmarshal when it was decoded, so it is a valid
	// JSON object: its members are found by a scan, not decoded again.
	members, ok := topLevelMembers(extra.raw)
	if !ok {
		return data, nil // null: nothing kept besides the known fields
	}
	names := jsonFieldNames(reflect.TypeOf(known))
	unknown := members[:0]
	for _, m := range members {
		if !names[m.name] {
			unknown = append(unknown, m)
		}
	}
	if len(unknown) == 0 {
		return data, nil
	}
	// Key order; of a repeated key the last one wins, as when decoding.
	sort.SliceStable(unknown, func(i, j int) bool { return unknown[i].name < unknown[j].name })
	size := len(data)
	for _, m := range unknown {
		size += len(m.name) + len(m.value) + 8
	}
	out := make([]byte, 0, size)
	out = append(out, data[:len(data)-1]...) // a struct encodes as {…}: drop the closing brace
	for i, m := range unknown {
		if i+1 < len(unknown) && unknown[i+1].name == m.name {
			continue
		}
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = appendJSONString(out, m.name)
		out = append(out, ':')
		out = append(out, m.value...)
	}
	return append(out, '}'), nil
}

// member is one name/value pair of a JSON object; value is its raw bytes.
type member struct {
	name  string
	value []byte
}

// topLevelMembers lists the members of the JSON object data, which must be
// valid JSON (it is not validated again). ok is false when data is not an
// object.
func topLevelMembers(data []byte) (members []member, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, true
	}
	members = make([]member, 0, 32)
	for i < len(data) {
		end := skipString(data, i)
		name, err := memberName(data[i:end])
		if err != nil {
			return nil, false
		}
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // the colon
		end = skipValue(data, i)
		members = append(members, member{name: name, value: data[i:end]})
		i = skipSpace(data, end)
		if i >= len(data) || data[i] == '}' {
			return members, true
		}
		i = skipSpace(data, i+1) // the comma
	}
	return nil, false
}

// memberName decodes a quoted name, unescaping only when it has to.
func memberName(quoted []byte) (string, error) {
	if len(quoted) >= 2 && bytes.IndexByte(quoted, '\\') < 0 && utf8.Valid(quoted) {
		return string(quoted[1 : len(quoted)-1]), nil
	}
	var name string
	err := json.Unmarshal(quoted, &name)
	return name, err
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the index just past the (valid) value that starts at data[i].
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	for i < len(data) { // number, true, false, null
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// appendJSONString appends s as a JSON string, as encoding/json writes it.
func appendJSONString(dst []byte, s string) []byte {
	if plainJSONString(s) {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	b, _ := json.Marshal(s)
	return append(dst, b...)
}

// plainJSONString reports whether s encodes as itself between quotes: ASCII
// with nothing encoding/json escapes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

var fieldNameCache sync.Map // reflect.Type → map[string]bool

func jsonFieldNames(t reflect.Type) map[string]bool {
	if v, ok := fieldNameCache.Load(t); ok {
		return v.(map[string]bool)
	}
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		names[name] = true
	}
	fieldNameCache.Store(t, names)
	return names
}

// Ref is a reference to another object: an ID, or, when the call asked to
// expand it, the object itself. A deleted object comes back redacted
// ({"id", "object", "deleted": true}).
type Ref[T any] struct {
	ID       string
	Object   *T   // set when expanded
	Deleted  bool // the referenced object was deleted
	Redacted json.RawMessage
}

// UnmarshalJSON accepts an ID string, null, or an (expanded or redacted) object.
func (r *Ref[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*r = Ref[T]{}
	switch {
	case bytes.Equal(data, []byte("null")):
		return nil
	case len(data) > 0 && data[0] == '"':
		if id, ok := plainQuoted(data); ok {
			r.ID = id
			return nil
		}
		return json.Unmarshal(data, &r.ID)
	}
	var head struct {
		ID      string `json:"id"`
		Deleted bool   `json:"deleted"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return err
	}
	r.ID, r.Deleted = head.ID, head.Deleted
	if head.Deleted {
		r.Redacted = append(json.RawMessage(nil), data...)
		return nil
	}
	var obj T
	if err := json.Unmarshal(data, &obj); err != nil {
		return err
	}
	r.Object = &obj
	return nil
}

// MarshalJSON writes the reference back as OnceHub sent it.
func (r Ref[T]) MarshalJSON() ([]byte, error) {
	switch {
	case r.Object != nil:
		return json.Marshal(r.Object)
	case r.Redacted != nil:
		return r.Redacted, nil
	case r.ID == "":
		return []byte("null"), nil
	}
	return appendJSONString(make([]byte, 0, len(r.ID)+2), r.ID), nil
}

// plainQuoted returns the content of a JSON string that needs no unescaping
// (no backslash, valid UTF-8, no control characters), as json.Unmarshal would.
func plainQuoted(data []byte) (string, bool) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return "", false
	}
	in := data[1 : len(data)-1]
	for _, c := range in {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// IsZero reports an empty reference (for omitzero).
func (r Ref[T]) IsZero() bool { return r.ID == "" && r.Object == nil && r.Redacted == nil }

// DeletedObject is what OnceHub returns for a deleted object fetched by ID, and
// for a successful DELETE.
type DeletedObject struct {
	ID      string `json:"id"`
	Object  string `json:"object,omitempty"`
	Deleted bool   `json:"deleted"`
}
