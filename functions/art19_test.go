package functions_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/testenv"
)

// One erasure through the functions (docs/casework.md "Art. 19 notices"): searched, the housing
// allocation system answers held and names WoningNet, whose address the register gives; the
// staff case lists it (JSON and the form's ticked box), a decide with a recipient nobody names is
// refused naming every bad field, the grant confirms WoningNet, the owner answers the carry-out
// task, and WoningNet receives exactly one notice while the requester's letter names it.
func TestArt19NoticeJourney(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Profile: "de-alliantie", Casework: true})
	resp, b := e.postJSON(t, "/RequestForm", with(valid(), "type", "erasure", "details", "Mijn inschrijving als woningzoekende; ik heb een huis."))
	if resp.StatusCode != 201 {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	var created struct{ Reference string }
	json.Unmarshal([]byte(b), &created)
	ref := created.Reference
	conf := e.Mail.Await(t, "confirm_email", "carla@tenant.test", ref)
	e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tokenOf(conf.Link("ConfirmRequest"))}}.Encode()), asJSON)
	stok := tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", ref).Link("StaffCase"))
	staff := func(v url.Values) (int, string) {
		v.Set("token", stok)
		resp, b := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), asJSON)
		return resp.StatusCode, b
	}
	if code, b := staff(url.Values{"action": {"verify_identity"}, "method": {"known_data"}}); code != 200 {
		t.Fatalf("verify: %d %s", code, b)
	}
	e.Mail.Await(t, "search_task", "verhuur@de-alliantie.example", ref)
	e.Quiet(t)
	answer := func(tok string, fields map[string]string) {
		t.Helper()
		fields["token"] = tok
		ct, body := taskPost(t, fields, "", nil)
		if resp, b := e.do(t, "POST", "/SearchTask", ct, body, asJSON); resp.StatusCode != 200 {
			t.Fatalf("answer %v: %d %s", fields, resp.StatusCode, b)
		}
	}
	tasks := 0
	for _, m := range e.Mail.All() {
		if m.Kind() != "search_task" || m.Args["reference"] != ref {
			continue
		}
		tasks++
		if m.Args["system"] == "woonruimteverdeling" {
			answer(tokenOf(m.Link("SearchTask")), map[string]string{"result": "held", "note": "Inschrijving als woningzoekende sinds 2019."})
		} else {
			answer(tokenOf(m.Link("SearchTask")), map[string]string{"result": "nothing_found"})
		}
	}
	if tasks != 8 {
		t.Fatalf("%d search tasks, want one per system of the register", tasks)
	}

	_, b = e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, asJSON)
	var sc struct {
		RecipientsNamed []struct {
			Key, Name, Email string
			Systems          []string
			Reachable        bool
		} `json:"recipientsNamed"`
	}
	json.Unmarshal([]byte(b), &sc)
	if len(sc.RecipientsNamed) != 1 || sc.RecipientsNamed[0].Key != "privacy@woningnet.example" || sc.RecipientsNamed[0].Name != "WoningNet" || !sc.RecipientsNamed[0].Reachable {
		t.Errorf("staff JSON recipientsNamed: %s", b)
	}
	if _, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil); !strings.Contains(page, `name="recipients" type="checkbox" value="privacy@woningnet.example" checked`) {
		t.Errorf("the decide form does not list WoningNet ticked:\n%s", page)
	}

	code, b := staff(url.Values{"action": {"decide"}, "outcome": {"granted"}, "motivation": {"U staat niet meer ingeschreven."}, "recipients": {"Onbekend B.V."}})
	for _, f := range []string{`"recipients"`, `"recipientsNote"`, `"correctionSummary"`} {
		if code != 400 || !strings.Contains(b, f) {
			t.Errorf("decide with a recipient nobody names: %d %s, want 400 naming %s", code, b, f)
		}
	}
	if code, b := staff(url.Values{"action": {"decide"}, "outcome": {"granted"}, "motivation": {"U staat niet meer ingeschreven."},
		"recipients": {"privacy@woningnet.example"}, "correctionSummary": {"De inschrijving als woningzoekende."}}); code != 200 {
		t.Fatalf("decide: %d %s", code, b)
	}
	co := e.Mail.Await(t, "carry_out_task", "verhuur@de-alliantie.example", ref)
	e.Quiet(t)
	if n := e.Mail.Count("correction_notice", "", ref) + e.Mail.Count("decision", "", ref); n != 0 {
		t.Fatalf("%d notices or decisions before the carry-out task was answered", n)
	}
	answer(tokenOf(co.Link("SearchTask")), map[string]string{"result": "done", "backups": "included"})
	dec := e.Mail.Await(t, "decision", "carla@tenant.test", ref)
	if !strings.Contains(dec.Text, "- WoningNet (privacy@woningnet.example)") {
		t.Errorf("the decision does not name WoningNet as informed:\n%s", dec.Text)
	}
	n := e.Mail.Await(t, "correction_notice", "privacy@woningnet.example", ref)
	if !strings.Contains(n.Text, "De inschrijving als woningzoekende.") || strings.Contains(n.Text, "carla@tenant.test") || strings.Contains(n.Text, "huis") {
		t.Errorf("notice: the summary only, never the requester's address or words:\n%s", n.Text)
	}
	e.Quiet(t)
	if got := e.Mail.Count("correction_notice", "", ref); got != 1 {
		t.Errorf("%d notices, want exactly one (to WoningNet)", got)
	}
}
