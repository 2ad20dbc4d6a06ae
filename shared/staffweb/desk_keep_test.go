package staffweb_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/web"
)

// The desk's intake, refused for its fields, comes back (400) as it was posted, by a multipart
// and by a plain form: every text, choice and the representative kept, each error at its
// field and linked from the summary; nothing is stored.
func TestRefusedIntakeKeepsWhatWasPosted(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: "de-alliantie", Casework: true})
	k := s.Kit(t, fnlist.StaffDesk, fnkit.Options{})
	d := staffweb.Desk{Kit: k}
	fields := url.Values{"action": {"intake"}, "channel": {"letter"}, "receivedOn": {""}, "type": {"rectification"}, "lang": {"en"},
		"name": {"Piet Post"}, "birthDate": {"1950-02-03"}, "email": {"piet@"}, "address": {"Dorpsstraat 1, 1234 AB Ergens"},
		"relation": {"tenant"}, "details": {"Mijn huurcontract."}, "proposedChanges": {"Mijn naam is Piet, niet Peter."},
		"representative.name": {"Anna Post"}, "representative.email": {"anna@post.example"}, "representative.capacity": {"guardian"}}
	for _, enc := range []string{"multipart", "form"} {
		w := httptest.NewRecorder()
		r := postForm(t, enc, fields)
		var p staffweb.DeskPost
		if _, err := web.Decode(w, r, staffweb.MaxDeskBody, &p); err != nil {
			t.Fatal(err)
		}
		d.Intake(w, r, app.DeskUser{Staff: "staff@corp.test", FormToken: "form-token"}, "nl", p)
		page := w.Body.String()
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", enc, w.Code)
		}
		for _, want := range []string{
			`<option value="letter" selected>`, `<option value="rectification" selected>`, `<option value="en" selected>`,
			`<option value="tenant" selected>`, `<option value="guardian" selected>`,
			`name="name" value="Piet Post"`, `name="birthDate" value="1950-02-03"`, `name="email" value="piet@" class="invalid" aria-invalid="true" aria-describedby="f-email-error"`,
			`name="representative.name" value="Anna Post"`, `name="representative.email" value="anna@post.example"`,
			`>Mijn naam is Piet, niet Peter.</textarea>`, `>Mijn huurcontract.</textarea>`,
			`<span class="error" id="f-receivedOn-error">`, `<a href="#f-receivedOn">`, `<a href="#f-email">`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the refused intake lacks %q", enc, want)
			}
		}
	}
	if cases, err := s.App.Desk.Desk(t.Context(), app.DeskFilter{}); err != nil || len(cases.Cases) != 0 {
		t.Errorf("a refused intake was stored (%v)", err)
	}
}
