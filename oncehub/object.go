package oncehub

import (
	"bytes"
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"sync"
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
	var all map[string]json.RawMessage
	if err := json.Unmarshal(extra.raw, &all); err != nil {
		return nil, err
	}
	names := jsonFieldNames(reflect.TypeOf(known))
	keys := make([]string, 0, len(all))
	for k := range all {
		if !names[k] {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return data, nil
	}
	sort.Strings(keys)
	out := bytes.NewBuffer(make([]byte, 0, len(data)+len(extra.raw)))
	out.Write(data[:len(data)-1]) // a struct encodes as {…}: drop the closing brace
	for _, k := range keys {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		name, _ := json.Marshal(k)
		out.Write(name)
		out.WriteByte(':')
		out.Write(all[k])
	}
	out.WriteByte('}')
	return out.Bytes(), nil
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
	return json.Marshal(r.ID)
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
