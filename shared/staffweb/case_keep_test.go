package staffweb_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/staffweb"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/web"
)

// A decide refused for its fields (a recipient unticked without a note, an address that is
// none, no correction summary) answers 400 with the page showing the form as it was posted, by
// the multipart form the page itself sends and by a plain form: the unticked box unticked, the
// address and the texts as typed, the outcome chosen; nothing is decided.
func TestRefusedDecideShowsWhatWasPosted(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: "de-alliantie", Casework: true})
	ctx := context.Background()
	c, err := s.App.Intake.Submit(ctx, request.Submission{Type: "erasure", Name: "Carla Contract", Email: "wis@tenant.test", BirthDate: "1980-05-17",
		Details: "Mijn inschrijving als woningzoekende.", Signature: "Carla Contract", Declaration: true}, app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = s.App.Intake.Confirm(ctx, c.Reference); err != nil {
		t.Fatal(err)
	}
	staff := app.StaffLink{Holder: "staff@corp.test"}
	if c, err = s.App.Casework.StaffAct(ctx, c.Reference, staff, app.StaffInput{Action: request.ActVerifyIdentity, Method: request.VerifyKnownData}); err != nil {
		t.Fatal(err)
	}
	// The housing allocation system holds the data and names WoningNet (by e-mail); give the
	// maintenance system a recipient without an address, and let it hold the data too.
	systems := slices.Clone(s.Profile.Systems)
	for i := range systems {
		if systems[i].ID == "onderhoud" {
			systems[i].Recipients = []policy.Recipient{{Text: policy.Text{NL: "Aannemer Bouw", EN: "Aannemer Bouw"}}}
		}
	}
	s.Profile.Systems = systems
	for _, task := range c.Searches {
		a := app.SearchAnswer{Result: request.ResultNothingFound}
		if task.System == "woonruimteverdeling" || task.System == "onderhoud" {
			a = app.SearchAnswer{Result: request.ResultHeld, Note: "Inschrijving."}
		}
		l := app.TaskLink{Reference: c.Reference, Task: task.ID, Holder: task.Owners[0], Generation: c.LinkGeneration}
		if _, err := s.App.Casework.AnswerSearch(ctx, l, a); err != nil {
			t.Fatalf("%s: %v", task.System, err)
		}
	}
	k := s.Kit(t, fnlist.StaffCase, fnkit.Options{})
	tok, err := staffweb.Token(k, c.Reference, c.LinkGeneration, c.DueDate, "staff@corp.test")
	if err != nil {
		t.Fatal(err)
	}
	fields := url.Values{"token": {tok}, "action": {"decide"}, "outcome": {"granted"}, "motivation": {"U staat niet meer ingeschreven."},
		"recipients": {""}, "recipientAddresses.Aannemer Bouw": {"info@aannemerbouw"}, "recipientsNote": {""}}
	multi := func() (string, *bytes.Buffer) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for name, vs := range fields {
			for _, v := range vs {
				w.WriteField(name, v)
			}
		}
		w.Close()
		return w.FormDataContentType(), &buf
	}
	for _, tc := range []struct {
		name string
		body func() (string, *bytes.Buffer)
	}{
		{"multipart", multi},
		{"form", func() (string, *bytes.Buffer) {
			return "application/x-www-form-urlencoded", bytes.NewBufferString(fields.Encode())
		}},
	} {
		ctype, body := tc.body()
		r := httptest.NewRequest(http.MethodPost, "/StaffCase", body)
		r.Header.Set("Content-Type", ctype)
		w := httptest.NewRecorder()
		act(t, k, w, r)
		page := w.Body.String()
		if w.Code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want 400", tc.name, w.Code)
		}
		for _, want := range []string{
			`name="recipients" type="checkbox" value="privacy@woningnet.example">`, // unticked, as posted
			`name="recipientAddresses.Aannemer Bouw" type="email" autocomplete="off" value="info@aannemerbouw" aria-invalid="true"`,
			`<option value="granted" selected>`,
			`name="motivation" maxlength="5000">U staat niet meer ingeschreven.</textarea>`,
			`<span class="error" id="decide-recipientsNote-error">` + web.T("nl", "fielderr.recipients_unconfirmed"),
		} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the refused form lacks %q", tc.name, want)
			}
		}
		if strings.Contains(page, `value="privacy@woningnet.example" checked`) {
			t.Errorf("%s: the box staff unticked is ticked again", tc.name)
		}
	}
	if after, _ := s.Store.Case(ctx, c.Reference); after.Decision != nil {
		t.Error("a refused decision was stored")
	}
}

// act is StaffCase's POST as functions/staffcase wires it: decode, verify, act, answer.
func act(t *testing.T, k *fnkit.Kit, w http.ResponseWriter, r *http.Request) {
	t.Helper()
	var post staffweb.CasePost
	body, err := web.Decode(w, r, staffweb.MaxCaseBody, &post)
	if err != nil {
		t.Fatal(err)
	}
	p := staffweb.Case{Kit: k}
	claims, ok := p.Verify(w, r, post.Token, "nl")
	if !ok {
		t.Fatal("the staff link was refused")
	}
	in, err := post.Input(body)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := k.App.Casework.StaffAct(r.Context(), claims.Reference, app.LinkOf(claims), in)
	p.Acted(w, r, "nl", post.Token, claims, in.Action, cs, err)
}
