package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"reflect"
	"strings"
)

// BodyError is a body that cannot be read at all: the status and message key to answer with.
type BodyError struct {
	Status int
	Key    string       // a key of the message table, e.g. "err.too_large"
	Fields []FieldError // set for a JSON body that is not JSON
}

func (e *BodyError) Error() string { return fmt.Sprintf("web: body refused (%d %s)", e.Status, e.Key) }

// Body is a decoded POST body: the fields whose value had the wrong type, and the uploads of
// a multipart body.
type Body struct {
	// Invalid names the fields that could not be decoded (a JSON value of the wrong type), in
	// the order of the destination struct, so that every one is reported at once.
	Invalid []string
	files   map[string][]*multipart.FileHeader
}

// File returns the named upload: nil when the body has no such part or the part names no file
// (a browser sends that for an empty file input), else its bytes, empty when the file is. A
// file over max bytes is a *BodyError (413).
func (b *Body) File(name string, max int64) ([]byte, error) {
	fhs := b.files[name]
	if len(fhs) == 0 || fhs[0].Filename == "" {
		return nil, nil
	}
	if fhs[0].Size > max {
		return nil, &BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"}
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, fmt.Errorf("open upload %s: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read upload %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, &BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"}
	}
	return append([]byte{}, data...), nil
}

// Decode reads the body of r, at most limit bytes, into dst: a pointer to a struct whose
// fields are strings, bools, string lists, maps of strings or pointers to structs of strings,
// named by their json tags. It accepts JSON (objects nest: {"representative": {"name": ...}}),
// application/x-www-form-urlencoded and multipart/form-data (nested fields and keys of a map
// as "representative.name"; multipart is held in memory, so an upload never touches the disk).
// A body that cannot be read at all is a *BodyError; a field of the wrong type is named in
// Body.Invalid and decoding goes on with the others.
func Decode(w http.ResponseWriter, r *http.Request, limit int64, dst any) (*Body, error) {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("web: Decode needs a pointer to a struct, got %T", dst)
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, &BodyError{Status: http.StatusUnsupportedMediaType, Key: "err.media_type"}
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	switch mt {
	case "application/json":
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, readError(err)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, &BodyError{Status: http.StatusBadRequest, Key: "err.invalid",
				Fields: []FieldError{{Field: "body", Message: T(Lang(r), "err.not_json")}}}
		}
		return &Body{Invalid: fromJSON(rv.Elem(), obj)}, nil
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, readError(err)
		}
		fromForm(rv.Elem(), r.PostForm)
		return &Body{}, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(limit); err != nil {
			return nil, readError(err)
		}
		fromForm(rv.Elem(), r.MultipartForm.Value)
		return &Body{files: r.MultipartForm.File}, nil
	default:
		return nil, &BodyError{Status: http.StatusUnsupportedMediaType, Key: "err.media_type"}
	}
}

func readError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) || strings.Contains(err.Error(), "too large") {
		return &BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"}
	}
	return &BodyError{Status: http.StatusBadRequest, Key: "err.invalid"}
}

// fieldName is the name of struct field f in a body, or "" for a field the body cannot set.
func fieldName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if !f.IsExported() || name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

// fromJSON decodes field by field, so one field of the wrong type does not hide the others.
func fromJSON(v reflect.Value, obj map[string]json.RawMessage) []string {
	var invalid []string
	for i := range v.NumField() {
		name := fieldName(v.Type().Field(i))
		raw, ok := obj[name]
		if name == "" || !ok || bytes.Equal(raw, []byte("null")) {
			continue
		}
		if !setJSON(v.Field(i), raw) {
			invalid = append(invalid, name)
		}
	}
	return invalid
}

func setJSON(f reflect.Value, raw json.RawMessage) bool {
	switch f.Kind() {
	case reflect.Bool:
		// A form library may send "true" or "on" as a string.
		var b bool
		var s string
		switch {
		case json.Unmarshal(raw, &b) == nil:
		case json.Unmarshal(raw, &s) == nil:
			b = s == "true" || s == "on"
		default:
			return false
		}
		f.SetBool(b)
		return true
	case reflect.Slice:
		// A list of strings, or one string (e.g. addresses separated by commas).
		var s string
		if json.Unmarshal(raw, &s) == nil {
			f.Set(reflect.ValueOf([]string{s}).Convert(f.Type()))
			return true
		}
	}
	p := reflect.New(f.Type())
	if json.Unmarshal(raw, p.Interface()) != nil {
		return false
	}
	f.Set(p.Elem())
	return true
}

// fromForm sets fields from form values; a pointer to a struct is set only when one of its
// fields ("parent.child") has a value.
func fromForm(v reflect.Value, vals url.Values) {
	for i := range v.NumField() {
		name := fieldName(v.Type().Field(i))
		if name == "" {
			continue
		}
		f := v.Field(i)
		switch {
		case f.Kind() == reflect.String:
			f.SetString(vals.Get(name))
		case f.Kind() == reflect.Bool:
			f.SetBool(vals.Get(name) == "true" || vals.Get(name) == "on")
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			if len(vals[name]) > 0 {
				f.Set(reflect.ValueOf(append([]string{}, vals[name]...)).Convert(f.Type()))
			}
		case f.Kind() == reflect.Map && f.Type().Key().Kind() == reflect.String && f.Type().Elem().Kind() == reflect.String:
			// "name.key" fields, one a key: a form's input per item of a list it shows.
			m := reflect.MakeMap(f.Type())
			for k, vs := range vals {
				if rest, ok := strings.CutPrefix(k, name+"."); ok && rest != "" && len(vs) > 0 {
					m.SetMapIndex(reflect.ValueOf(rest).Convert(f.Type().Key()), reflect.ValueOf(vs[0]).Convert(f.Type().Elem()))
				}
			}
			if m.Len() > 0 {
				f.Set(m)
			}
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			sub := url.Values{}
			for k, vs := range vals {
				if rest, ok := strings.CutPrefix(k, name+"."); ok && strings.Join(vs, "") != "" {
					sub[rest] = vs
				}
			}
			if len(sub) > 0 {
				p := reflect.New(f.Type().Elem())
				fromForm(p.Elem(), sub)
				f.Set(p)
			}
		}
	}
}

// IsMultipart reports whether r's body is multipart/form-data (which may carry an upload and so
// has a larger limit).
func IsMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "multipart/form-data"
}
