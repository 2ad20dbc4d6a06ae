package staffweb_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Every form of the case page, refused for its fields, comes back (400) as it was posted, by a
// multipart and by a plain form: what was typed and chosen kept, the refusal at the posted
// form's own field (one field error on the page: another form with a field of the same name
// stays as offered), and the summary links to it. Nothing is done.
func TestRefusedFormsKeepWhatWasPosted(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: "de-alliantie", Casework: true})
	ctx := context.Background()
	submit := func(verify bool) *request.Case {
		t.Helper()
		c, err := s.App.Intake.Submit(ctx, request.Submission{Type: "access", Name: "Carla Contract", Email: "inzage@tenant.test", BirthDate: "1980-05-17",
			Details: "Mijn huurdossier.", Signature: "Carla Contract", Declaration: true}, app.Client{IP: "192.0.2.1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c, err = s.App.Intake.Confirm(ctx, c.Reference); err != nil {
			t.Fatal(err)
		}
		if verify {
			if c, err = s.App.Casework.StaffAct(ctx, c.Reference, app.StaffLink{Holder: "staff@corp.test"},
				app.StaffInput{Action: request.ActVerifyIdentity, Method: request.VerifyKnownData}); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	verified, unverified := submit(true), submit(false)
	if len(verified.Searches) < 2 {
		t.Fatalf("the case has %d search tasks, want two or more", len(verified.Searches))
	}
	second := verified.Searches[1]    // not the one the waive form opens on
	long := strings.Repeat("é", 2600) // 2600 characters (the browser's limit lets it by), 5200 bytes
	k := s.Kit(t, fnlist.StaffCase, fnkit.Options{})
	for _, tc := range []struct {
		name   string
		c      *request.Case
		fields url.Values
		want   []string // in the page
		error  string   // the one field refused: its input's id
	}{
		{"waive_search", verified, url.Values{"action": {"waive_search"}, "system": {second.System}, "reason": {" "}},
			[]string{`<option value="` + second.System + `" selected>`}, "waive_search-reason"},
		{"note", verified, url.Values{"action": {"note"}, "text": {long}},
			[]string{`name="text" maxlength="5000" aria-invalid="true" aria-describedby="note-text-error">` + long + `</textarea>`}, "note-text"},
		{"add_search", verified, url.Values{"action": {"add_search"}, "system": {""}, "systemName": {"Archief in de kelder"}, "ownerEmail": {"beheer@elders.example"}},
			[]string{`name="systemName" type="text" maxlength="200" value="Archief in de kelder">`,
				`name="ownerEmail" type="email" value="beheer@elders.example" aria-invalid="true"`}, "add_search-ownerEmail"},
		{"assign", verified, url.Values{"action": {"assign"}, "to": {"iemand@elders.example"}}, nil, "assign-to"},
		{"withdraw", verified, url.Values{"action": {"withdraw"}, "how": {""}, "note": {"Belde op maandag, wil eerst verhuizen."}},
			[]string{`name="note" maxlength="5000">Belde op maandag, wil eerst verhuizen.</textarea>`}, "withdraw-how"},
		{"consult_third_party", verified, url.Values{"action": {"consult_third_party"}, "thirdPartyName": {"Buurman Jansen"}},
			[]string{`name="thirdPartyName" type="text" value="Buurman Jansen">`}, "consult_third_party-thirdPartyEmail"},
		{"extend", verified, url.Values{"action": {"extend"}, "explanation": {""}}, nil, "extend-explanation"},
		{"request_identity", unverified, url.Values{"action": {"request_identity"}, "reason": {""}}, nil, "request_identity-reason"},
		{"verify_identity", unverified, url.Values{"action": {"verify_identity"}, "method": {"in_person"}, "documentType": {""}},
			[]string{`<option value="in_person" selected>`}, "verify_identity-documentType"},
	} {
		tok, err := staffweb.Token(k, tc.c.Reference, tc.c.LinkGeneration, tc.c.DueDate, "staff@corp.test")
		if err != nil {
			t.Fatal(err)
		}
		fields := url.Values{"token": {tok}}
		for name, vs := range tc.fields {
			fields[name] = vs
		}
		for _, enc := range []string{"multipart", "form"} {
			w := httptest.NewRecorder()
			act(t, k, w, postForm(t, enc, fields))
			page := w.Body.String()
			if w.Code != http.StatusBadRequest {
				t.Fatalf("%s %s: %d, want 400", tc.name, enc, w.Code)
			}
			for _, want := range append(tc.want, `<span class="error" id="`+tc.error+`-error">`, `<a href="#`+tc.error+`">`) {
				if !strings.Contains(page, want) {
					t.Errorf("%s %s: the refused page lacks %q", tc.name, enc, want)
				}
			}
			if n := strings.Count(page, `<span class="error"`); n != 1 {
				t.Errorf("%s %s: %d field errors on the page, want 1 (at the posted form)", tc.name, enc, n)
			}
		}
	}
	after, err := s.Store.Case(ctx, verified.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != verified.Status || after.Handler != verified.Handler || after.Extended || len(after.Searches) != len(verified.Searches) {
		t.Error("a refused form changed the case")
	}
}

// postForm is a POST of fields to StaffCase encoded as enc: "multipart" (as a form with a file
// field sends it) or "form".
func postForm(t *testing.T, enc string, fields url.Values) *http.Request {
	t.Helper()
	ctype, body := "application/x-www-form-urlencoded", bytes.NewBufferString(fields.Encode())
	if enc == "multipart" {
		body = &bytes.Buffer{}
		w := multipart.NewWriter(body)
		for name, vs := range fields {
			for _, v := range vs {
				if err := w.WriteField(name, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		ctype = w.FormDataContentType()
	}
	r := httptest.NewRequest(http.MethodPost, "/StaffCase", body)
	r.Header.Set("Content-Type", ctype)
	return r
}
