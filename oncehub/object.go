package oncehub

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Extra holds the fields of an object that this client does not model. OnceHub
// adds fields over time; they are kept and written back out, never dropped.
type Extra map[string]json.RawMessage

// decodeObject unmarshals data into known (a pointer to a struct whose type has
// no UnmarshalJSON of its own) and puts every field known does not declare into extra.
func decodeObject(data []byte, known any, extra *Extra) error {
	if err := json.Unmarshal(data, known); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	names := jsonFieldNames(reflect.TypeOf(known).Elem())
	for k := range all {
		if names[k] {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		*extra = nil
		return nil
	}
	*extra = all
	return nil
}

// encodeObject marshals known and merges extra's fields into it.
func encodeObject(known any, extra Extra) ([]byte, error) {
	data, err := json.Marshal(known)
	if err != nil || len(extra) == 0 {
		return data, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for k, v := range extra {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	return json.Marshal(all)
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
