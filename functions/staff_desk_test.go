package functions_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/web"
)

func TestDeskOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})

	// Sign-in: the same answer for staff and strangers.
	resp, page := e.do(t, "GET", "/StaffDesk", "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `name="email"`) || strings.Contains(page, "<script") {
		t.Fatalf("sign-in page: %d", resp.StatusCode)
	}
	answer := func(addr string) string {
		resp, body := e.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"email": {addr}}.Encode()), nil)
		if resp.StatusCode != 200 {
			t.Fatalf("sign-in %s: %d", addr, resp.StatusCode)
		}
		return body
	}
	if a, b := answer("stranger@else.test"), answer("staff@corp.test"); a != b {
		t.Error("the sign-in answer tells staff from strangers")
	}
	tok := tokenOf(e.Mail.Await(t, "desk_link", "staff@corp.test", "").Link("StaffDesk"))
	if tok == "" {
		t.Fatal("no desk token")
	}
	d := e.newDesk(t)
	d.open(t, tok)

	// Intake by phone without e-mail.
	post := func(v url.Values, hdr map[string]string) (*http.Response, string) { return d.post(t, v, hdr) }
	form := url.Values{"action": {"intake"}, "channel": {"phone"}, "receivedOn": {"2026-03-20"}, "type": {"access"},
		"name": {"Piet Post"}, "birthDate": {"1950-02-03"}, "address": {"Dorpsstraat 1, 3901 AB Veenendaal"}}
	resp, body := post(form, asJSON)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %d %s", resp.StatusCode, body)
	}
	var created struct{ Reference, Status, DueDate string }
	json.Unmarshal([]byte(body), &created)
	if created.Status != "in_progress" || created.DueDate == "" {
		t.Errorf("intake answer %s", body)
	}
	// Bad input: 400 naming the field, nothing stored.
	for field, v := range map[string]url.Values{
		"receivedOn": {"action": {"intake"}, "channel": {"phone"}, "receivedOn": {"2026-04-01"}, "type": {"access"}, "name": {"X"}, "birthDate": {"1950-02-03"}, "address": {"A"}},
		"letterId":   {"action": {"posted"}, "letterId": {"nope"}},
		"action":     {"action": {"dance"}},
	} {
		resp, body := post(v, asJSON)
		if resp.StatusCode != 400 || !strings.Contains(body, `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", field, resp.StatusCode, body)
		}
	}
	// More than a year back: 400 naming receivedOn, confirmed or not (issue 19, item 8).
	old := url.Values{"action": {"intake"}, "channel": {"letter"}, "receivedOn": {"2025-03-01"}, "confirmPast": {"true"}, "type": {"access"},
		"name": {"X"}, "birthDate": {"1950-02-03"}, "address": {"A"}}
	if resp, body := post(old, asJSON); resp.StatusCode != 400 || !strings.Contains(body, `"field":"receivedOn"`) {
		t.Errorf("received more than a year ago: %d %s", resp.StatusCode, body)
	}
	for q, field := range map[string]string{"status=bogus": "status", "type=nope": "type", "colour=red": "colour",
		"view=report&from=2026-02-01&to=2026-01-01": "to", "view=report&from=2024-01-01&to=2026-03-01": "to", "view=report&from=x&to=2026-01-01": "from"} {
		resp, body := d.do(t, "GET", "/StaffDesk?"+q, "", nil, asJSON)
		if resp.StatusCode != 400 || !strings.Contains(body, `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}

	// The same person again: shown before saving, then saved with confirmDuplicate.
	again := url.Values{}
	for k, v := range form {
		again[k] = v
	}
	again.Set("receivedOn", "2026-03-26")
	resp, body = post(again, asJSON)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, created.Reference) {
		t.Errorf("duplicate: %d %s", resp.StatusCode, body)
	}
	resp, page = post(again, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(page, `name="confirmDuplicate"`) || !strings.Contains(page, "Piet Post") {
		t.Errorf("duplicate page: %d", resp.StatusCode)
	}
	// A bad date on the page: the form comes back with the summary naming the field.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("receivedOn", "2026-13-01")
	if resp, page := post(bad, nil); resp.StatusCode != 400 || !strings.Contains(page, `href="#f-receivedOn"`) {
		t.Errorf("bad date page: %d", resp.StatusCode)
	}

	// The overview in JSON, with the letter to post.
	var desk struct {
		Cases []struct {
			Reference, Type, Status, Channel, WaitingOn, Link, DueDate string
			DaysLeft                                                   int
		}
		LettersToPost []struct{ ID, Reference, Letter, Link string }
	}
	testenv.Eventually(t, "the receipt waits to be posted", func() bool {
		_, body := d.do(t, "GET", "/StaffDesk", "", nil, asJSON)
		json.Unmarshal([]byte(body), &desk)
		return len(desk.LettersToPost) == 1
	})
	if len(desk.Cases) != 1 || desk.Cases[0].Reference != created.Reference || desk.Cases[0].Channel != "phone" || desk.Cases[0].WaitingOn != "staff" {
		t.Errorf("overview %+v", desk.Cases)
	}
	caseTok := tokenOf(desk.Cases[0].Link)
	if c, err := e.Signer.Verify(caseTok, linktoken.Staff, e.Clock.Now()); err != nil || c.Subject != "staff@corp.test" || c.Reference != created.Reference {
		t.Errorf("case link: %v %+v", err, c)
	}
	l := desk.LettersToPost[0]
	if l.Letter != "receipt" || l.Reference != created.Reference {
		t.Errorf("letter to post %+v", l)
	}

	// The HTML overview and the printed letter.
	resp, page = d.do(t, "GET", "/StaffDesk", "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, created.Reference) || strings.Contains(page, "<script") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("desk page: %d", resp.StatusCode)
	}
	// Dates on the page are written as in the letters; the JSON keeps ISO (docs/contract.md §3).
	if due, err := civil.ParseDate(desk.Cases[0].DueDate); err != nil {
		t.Errorf("overview JSON dueDate %q: %v", desk.Cases[0].DueDate, err)
	} else if shown := web.Date(due, "nl"); !strings.Contains(page, "<td>"+shown) || strings.Contains(page, "<td>"+due.String()) {
		t.Errorf("desk page does not show the due date as %q", shown)
	}
	u, _ := url.Parse(l.Link)
	resp, page = d.do(t, "GET", u.RequestURI(), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Dorpsstraat 1") || !strings.Contains(page, "3901 AB Veenendaal") || strings.Contains(page, "RequestStatus?token") {
		t.Errorf("printed letter: %d\n%s", resp.StatusCode, page)
	}

	// Posted once; twice is a conflict.
	resp, body = post(url.Values{"action": {"posted"}, "letterId": {l.ID}}, asJSON)
	if resp.StatusCode != 200 || !strings.Contains(body, `"posted"`) {
		t.Errorf("posted: %d %s", resp.StatusCode, body)
	}
	if resp, _ := post(url.Values{"action": {"posted"}, "letterId": {l.ID}}, asJSON); resp.StatusCode != http.StatusConflict {
		t.Errorf("posted twice: %d, want 409", resp.StatusCode)
	}

	// The report: JSON per CONTRACT, HTML with SVG charts and tables, CSV without names.
	rq := "/StaffDesk?view=report&from=2026-03-01&to=2026-03-31"
	resp, body = d.do(t, "GET", rq, "", nil, asJSON)
	var rep map[string]any
	json.Unmarshal([]byte(body), &rep)
	for _, k := range []string{"from", "to", "received", "decided", "onTime", "late", "open", "overdueNow", "onTimeRate",
		"medianDaysToDecision", "p90DaysToDecision", "extended", "refusedByGround", "stages"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report JSON lacks %q: %s", k, body)
		}
	}
	resp, page = d.do(t, "GET", rq, "", nil, nil)
	if resp.StatusCode != 200 || strings.Count(page, "<svg") != 4 || strings.Count(page, `class="chart-data"`) != 4 {
		t.Errorf("report page: %d, %d charts", resp.StatusCode, strings.Count(page, "<svg"))
	}
	if !strings.Contains(page, "<strong>1 maart 2026</strong> – <strong>31 maart 2026</strong>") || !strings.Contains(page, `value="2026-03-01"`) {
		t.Error("report page does not write its period as the letters do, or its date inputs lost their ISO values")
	}
	resp, body = d.do(t, "GET", rq+"&format=csv", "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, created.Reference) || strings.Contains(body, "Piet") || strings.Contains(body, "Dorpsstraat") {
		t.Errorf("CSV: %d\n%s", resp.StatusCode, body)
	}
	// Dutch Excel opens it as columns: a byte-order mark, ';', Dutch headers (docs/contract.md §3).
	if !strings.HasPrefix(body, "\uFEFFKenmerk;Soort verzoek;") {
		t.Errorf("CSV is not in the form Dutch Excel opens: %.60q", body)
	}

	// The export of one case, for an auditor.
	for _, f := range []string{"json", "csv"} {
		resp, body := d.do(t, "GET", "/StaffDesk?view=export&format="+f+"&reference="+created.Reference, "", nil, nil)
		want := "letter_posted"
		if f == "csv" { // in the reader's words (docs/contract.md §3)
			want = web.T("nl", "event.letter_posted")
		}
		if resp.StatusCode != 200 || !strings.Contains(body, want) || strings.Contains(body, "Piet") {
			t.Errorf("export %s: %d\n%s", f, resp.StatusCode, body)
		}
	}

	// A desk link opens nothing when its holder left the list; a case link is no desk link.
	gone, _ := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Desk, Reference: "desk", Subject: "left@corp.test", Expires: e.Clock.Now().Add(time.Hour).Unix()})
	for _, bad := range []string{gone, caseTok, "forged"} {
		nd := e.newDesk(t)
		if resp, _ := nd.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {bad}}.Encode()), asJSON); resp.StatusCode != http.StatusForbidden || nd.cookie() != "" {
			t.Errorf("token %.12s…: %d, want 403 and no session", bad, resp.StatusCode)
		}
	}
}
