package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type rep struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Capacity string `json:"capacity"`
}

type sample struct {
	Name   string   `json:"name"`
	Email  string   `json:"email"`
	OK     bool     `json:"declaration"`
	List   []string `json:"recipients"`
	Rep    *rep     `json:"representative"`
	Secret string   `json:"-"`
}

func decodeBody(t *testing.T, ctype, body string, limit int64) (sample, *Body, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	var s sample
	b, err := Decode(httptest.NewRecorder(), r, limit, &s)
	return s, b, err
}

func TestDecodeJSONNestsAndNamesEveryWrongField(t *testing.T) {
	t.Parallel()
	s, b, err := decodeBody(t, "application/json",
		`{"name": 42, "email": true, "declaration": "on", "recipients": ["a@x.nl", "b@x.nl"],
		  "representative": {"name": "Olga Ouder", "email": "olga@x.nl", "capacity": "parent"}, "Secret": "x"}`, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Invalid, []string{"name", "email"}; !cmp.Equal(got, want) {
		t.Errorf("Invalid = %v, want %v", got, want)
	}
	want := sample{OK: true, List: []string{"a@x.nl", "b@x.nl"}, Rep: &rep{Name: "Olga Ouder", Email: "olga@x.nl", Capacity: "parent"}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
	// A nested object of the wrong shape is one invalid field, not a flattened string.
	_, b, _ = decodeBody(t, "application/json", `{"representative": "Olga"}`, 1<<10)
	if got, want := b.Invalid, []string{"representative"}; !cmp.Equal(got, want) {
		t.Errorf("Invalid = %v, want %v", got, want)
	}
}

func TestDecodeForms(t *testing.T) {
	t.Parallel()
	form := url.Values{"name": {"Carla"}, "declaration": {"on"}, "recipients": {"a@x.nl", "b@x.nl"},
		"representative.name": {"Olga"}, "representative.capacity": {"parent"}}
	s, _, err := decodeBody(t, "application/x-www-form-urlencoded", form.Encode(), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	want := sample{Name: "Carla", OK: true, List: []string{"a@x.nl", "b@x.nl"}, Rep: &rep{Name: "Olga", Capacity: "parent"}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("urlencoded (-want +got):\n%s", diff)
	}
	// Empty representative fields leave no representative.
	s, _, _ = decodeBody(t, "application/x-www-form-urlencoded", "name=C&representative.name=", 1<<10)
	if s.Rep != nil {
		t.Errorf("empty representative fields gave %+v", s.Rep)
	}

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("name", "Carla")
	w.WriteField("representative.email", "olga@x.nl")
	fw, _ := w.CreateFormFile("idDocument", "id.jpg")
	fw.Write([]byte("JPEG"))
	fw, _ = w.CreateFormFile("empty", "empty.jpg")
	w.CreateFormField("none")
	w.Close()
	s, b, err := decodeBody(t, w.FormDataContentType(), buf.String(), 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Carla" || s.Rep == nil || s.Rep.Email != "olga@x.nl" {
		t.Errorf("multipart decoded %+v", s)
	}
	if f, err := b.File("idDocument", 100); err != nil || string(f) != "JPEG" {
		t.Errorf("File(idDocument) = %q, %v", f, err)
	}
	if f, err := b.File("empty", 100); err != nil || f == nil || len(f) != 0 {
		t.Errorf("File(empty) = %#v, %v; want an empty, non-nil file", f, err)
	}
	if f, err := b.File("missing", 100); err != nil || f != nil {
		t.Errorf("File(missing) = %#v, %v; want nil", f, err)
	}
	var be *BodyError
	if _, err := b.File("idDocument", 3); !errors.As(err, &be) || be.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("File over its limit: %v, want 413", err)
	}
}

func TestDecodeRefusesWhatItCannotRead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ctype, body string
		status            int
	}{
		{"no content type", "", "x", http.StatusUnsupportedMediaType},
		{"text", "text/plain", "x", http.StatusUnsupportedMediaType},
		{"not JSON", "application/json", "{", http.StatusBadRequest},
		{"JSON too large", "application/json", `{"name":"` + strings.Repeat("a", 2<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"form too large", "application/x-www-form-urlencoded", "name=" + strings.Repeat("a", 2<<10), http.StatusRequestEntityTooLarge},
	} {
		_, _, err := decodeBody(t, tc.ctype, tc.body, 1<<10)
		var be *BodyError
		if !errors.As(err, &be) || be.Status != tc.status {
			t.Errorf("%s: %v, want status %d", tc.name, err, tc.status)
		}
	}
}

// A map of strings is a JSON object, or a form's fields "name.key" (one input per item of a
// list the form shows, such as the decide form's address per recipient); a key may hold
// spaces, a field "name." alone is no key, and a value of the wrong type is named.
func TestDecodeMapsOfStrings(t *testing.T) {
	t.Parallel()
	type post struct {
		Addresses map[string]string `json:"recipientAddresses"`
		Note      string            `json:"note"`
	}
	decode := func(ctype, body string) (post, *Body) {
		t.Helper()
		r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body))
		r.Header.Set("Content-Type", ctype)
		var p post
		b, err := Decode(httptest.NewRecorder(), r, 1<<10, &p)
		if err != nil {
			t.Fatal(err)
		}
		return p, b
	}
	want := post{Addresses: map[string]string{"Aannemer Bouw": "info@bouw.example", "WoningNet": ""}, Note: "n"}
	form := url.Values{"recipientAddresses.Aannemer Bouw": {"info@bouw.example"}, "recipientAddresses.WoningNet": {""},
		"recipientAddresses.": {"x"}, "recipientAddressesX": {"y"}, "note": {"n"}}
	if got, _ := decode("application/x-www-form-urlencoded", form.Encode()); !cmp.Equal(got, want) {
		t.Errorf("form: %v, want %v", got, want)
	}
	if got, _ := decode("application/json", `{"recipientAddresses": {"Aannemer Bouw": "info@bouw.example", "WoningNet": ""}, "note": "n"}`); !cmp.Equal(got, want) {
		t.Errorf("JSON: %v, want %v", got, want)
	}
	if got, b := decode("application/x-www-form-urlencoded", "note=n"); got.Addresses != nil || len(b.Invalid) > 0 {
		t.Errorf("a form without the fields: %v %v", got, b.Invalid)
	}
	if _, b := decode("application/json", `{"recipientAddresses": "info@bouw.example"}`); !cmp.Equal(b.Invalid, []string{"recipientAddresses"}) {
		t.Errorf("a string for a map: Invalid = %v", b.Invalid)
	}
}
