package functions_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// assign and note through StaffCase, and the desk's handler column and ?handler=me
// (docs/contract.md §3; issue 22 items 2 and 3).
func TestAssignNoteAndMyRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", "anna@corp.test"},
		Now: time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)})
	mine := intakeCase(t, e, letterIntake("Mien Mijn"))
	theirs := intakeCase(t, e, letterIntake("Tom Ander"))
	anna := e.signIn(t, "anna@corp.test")
	tok := tokenOf(caseLinkOf(t, anna, mine))

	if resp, body := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "assign", "to": "nobody@else.test"}); resp.StatusCode != 400 || !strings.Contains(body, `"to"`) {
		t.Errorf("assign to a stranger: %d %s", resp.StatusCode, body)
	}
	if resp, body := e.postJSON(t, "/StaffCase", map[string]any{"token": tok, "action": "assign", "to": "anna@corp.test"}); resp.StatusCode != 200 {
		t.Fatalf("assign: %d %s", resp.StatusCode, body)
	}
	// The HTML form posts a note and comes back to the page, where the note is in the timeline.
	form := url.Values{"token": {tok}, "action": {"note"}, "text": {"Huurder belde: liever per post."}}
	resp, _ := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("note form: %d", resp.StatusCode)
	}
	_, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok), "", nil, nil)
	for _, want := range []string{"Interne notitie", "Huurder belde: liever per post.", "Behandelaar", `name="action" value="assign"`, `name="action" value="note"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the case page lacks %q", want)
		}
	}
	_, body := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok), "", nil, asJSON)
	var c struct{ Handler *string }
	if json.Unmarshal([]byte(body), &c); c.Handler == nil || *c.Handler != "anna@corp.test" {
		t.Errorf("case JSON handler: %v", c.Handler)
	}

	desk := func(path string) map[string]*string {
		t.Helper()
		resp, body := anna.do(t, "GET", path, "", nil, asJSON)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
		var o struct {
			Cases []struct {
				Reference string
				Handler   *string
			}
		}
		if err := json.Unmarshal([]byte(body), &o); err != nil {
			t.Fatal(err)
		}
		out := map[string]*string{}
		for _, c := range o.Cases {
			out[c.Reference] = c.Handler
		}
		return out
	}
	all := desk("/StaffDesk")
	if h := all[mine]; h == nil || *h != "anna@corp.test" {
		t.Errorf("desk: handler of %s is %v", mine, h)
	}
	if h, ok := all[theirs]; !ok || h != nil {
		t.Errorf("desk: handler of %s is %v (listed %v), want null", theirs, h, ok)
	}
	if got := desk("/StaffDesk?handler=me"); len(got) != 1 || got[mine] == nil {
		t.Errorf("?handler=me: %v, want only %s", got, mine)
	}
	if resp, _ := anna.do(t, "GET", "/StaffDesk?handler=someone", "", nil, asJSON); resp.StatusCode != 400 {
		t.Errorf("?handler=someone: %d, want 400", resp.StatusCode)
	}
	_, html := anna.do(t, "GET", "/StaffDesk?handler=me", "", nil, nil)
	if !strings.Contains(html, "Mijn verzoeken") || strings.Contains(html, "Tom Ander") {
		t.Error("the desk page of my requests has no heading, or lists another's case")
	}
}

// intakeCase registers a request at the desk and returns its reference.
func intakeCase(t *testing.T, e *env, in request.Intake) string {
	t.Helper()
	c, err := e.App.Desk.Intake(context.Background(), "staff@corp.test", in)
	if err != nil {
		t.Fatal(err)
	}
	return c.Case.Reference
}
