package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The decide form of an erasure lists the recipients the systems holding the data name, each
// ticked with where its notice goes and which systems name it; one without an address has no
// box but a field for the address staff find for it. The boxes post "recipients", as the box for other addresses
// does (docs/casework.md "Art. 19 notices"). The case JSON lists them as recipientsNamed.
func TestDecideFormListsTheRecipientsTheSystemsName(t *testing.T) {
	t.Parallel()
	v := &app.StaffView{Case: &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Erasure, Status: request.InProgress},
		Actions: []request.Action{request.ActDecide}}
	v.Casework.Recipients = []app.NamedRecipient{
		{Key: "privacy@woningnet.example", Name: "WoningNet", Email: "privacy@woningnet.example", Systems: []string{"Woonruimteverdeling via WoningNet", "Klantcontact"}},
		{Key: "Gemeente Hilversum", Name: "Gemeente Hilversum", PostalAddress: "Postbus 9900, 1201 GM Hilversum", Systems: []string{"Klantcontact"}},
		{Key: "Aannemer Bouw", Name: "Aannemer Bouw", Systems: []string{"Onderhoud en reparaties"}},
	}
	page := renderPage(t, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil))
	for _, want := range []string{
		`<legend>Ontvangers die de systemen met gegevens noemen.`,
		`name="recipients" type="checkbox" value="privacy@woningnet.example" checked> WoningNet — privacy@woningnet.example (genoemd door Woonruimteverdeling via WoningNet, Klantcontact)`,
		`name="recipients" type="checkbox" value="Gemeente Hilversum" checked> Gemeente Hilversum — per post naar Postbus 9900, 1201 GM Hilversum (genoemd door Klantcontact)`,
		// Aannemer Bouw has no address in the register: a field for the one staff find.
		`<label for="decide-recipientAddresses-0">E-mailadres van Aannemer Bouw (genoemd door Onderhoud en reparaties)</label>`,
		`<span class="hint" id="decide-recipientAddresses-0-hint">Het register heeft geen adres.`,
		`<input id="decide-recipientAddresses-0" name="recipientAddresses.Aannemer Bouw" type="email" autocomplete="off" value="" aria-describedby="decide-recipientAddresses-0-hint">`,
		`<label for="decide-recipients">Andere ontvangers (e-mailadressen, één per regel)`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("decide form lacks %q", want)
		}
	}
	if strings.Contains(page, `value="Aannemer Bouw"`) {
		t.Error("a recipient without an address has a box")
	}
	b, _ := json.Marshal(StaffCaseJSON(v))
	var j struct{ RecipientsNamed []RecipientJSON }
	json.Unmarshal(b, &j)
	if len(j.RecipientsNamed) != 3 || j.RecipientsNamed[1].Key != "Gemeente Hilversum" || !j.RecipientsNamed[1].Reachable || j.RecipientsNamed[2].Reachable {
		t.Errorf("case JSON recipientsNamed: %s", b)
	}

	// Without recipients named the form asks for addresses as before.
	v.Casework.Recipients = nil
	page = renderPage(t, "staff_case", "en", NewStaffPage("en", "staff@corp.test", "tok", "", v, nil))
	if strings.Contains(page, "<legend>Recipients named") || !strings.Contains(page, `<label for="decide-recipients">Recipients to inform`) {
		t.Error("the form without recipients named changed")
	}
}

// A refused decide shows the form again as staff posted it (docs/casework.md "Art. 19
// notices"): an unticked box unticked, the others ticked, the other recipients and each address
// as typed, the outcome chosen, the texts written; every problem at its field, an address at
// its own, and in the summary in the order of the page. Only the refused form is filled in:
// another form with a field of the same name stays empty. A file is chosen again.
func TestRefusedDecideKeepsWhatWasPosted(t *testing.T) {
	t.Parallel()
	v := &app.StaffView{Case: &request.Case{Reference: "PL-AAAA-BBBB", Type: request.Erasure, Status: request.InProgress},
		Actions: []request.Action{request.ActExtend, request.ActDecide}}
	v.Casework.Recipients = []app.NamedRecipient{
		{Key: "privacy@woningnet.example", Name: "WoningNet", Email: "privacy@woningnet.example", Systems: []string{"Woonruimteverdeling"}},
		{Key: "Gemeente Hilversum", Name: "Gemeente Hilversum", PostalAddress: "Postbus 9900, 1201 GM Hilversum", Systems: []string{"Klantcontact"}},
		{Key: "Aannemer Bouw", Name: "Aannemer Bouw", Systems: []string{"Onderhoud en reparaties"}},
	}
	errs := []FieldError{{Field: "recipientsNote", Message: T("nl", "fielderr.recipients_unconfirmed")},
		{Field: "recipientAddresses.Aannemer Bouw", Message: T("nl", "fielderr.email")},
		{Field: "correctionSummary", Message: T("nl", "fielderr.too_long")}}
	p := NewStaffPage("nl", "staff@corp.test", "tok", "", v, errs)
	p.Keep("nl", Posted{Action: "decide", Values: url.Values{
		"action": {"decide"}, "outcome": {"partly_granted"}, "motivation": {"De huurgegevens <bewaren> wij."}, "ground": {"legal_obligation"},
		"recipients":                       {"Gemeente Hilversum", " a@x.nl\nAannemer Bouw <info@bouw.example> "},
		"recipientAddresses.Aannemer Bouw": {"info@bouw"}, "correctionSummary": {"De inschrijving."}, "explanation": {"niet hier"}}})
	page := renderPage(t, "staff_case", "nl", p)
	for _, want := range []string{
		`name="recipients" type="checkbox" value="privacy@woningnet.example"> WoningNet`,
		`name="recipients" type="checkbox" value="Gemeente Hilversum" checked> Gemeente Hilversum`,
		`name="recipients" maxlength="5000">a@x.nl` + "\n" + `Aannemer Bouw &lt;info@bouw.example&gt;</textarea>`,
		`<span class="error" id="decide-recipientAddresses-0-error">` + T("nl", "fielderr.email") + `</span>`,
		`name="recipientAddresses.Aannemer Bouw" type="email" autocomplete="off" value="info@bouw" aria-invalid="true" aria-describedby="decide-recipientAddresses-0-hint decide-recipientAddresses-0-error">`,
		`<option value="partly_granted" selected>`,
		`<option value="legal_obligation" selected>`,
		`name="motivation" maxlength="5000">De huurgegevens &lt;bewaren&gt; wij.</textarea>`,
		`name="correctionSummary" maxlength="5000" aria-invalid="true" aria-describedby="decide-correctionSummary-error">De inschrijving.</textarea>`,
		`<span class="error" id="decide-recipientsNote-error">` + T("nl", "fielderr.recipients_unconfirmed") + `</span>`,
		`<textarea id="decide-recipientsNote" name="recipientsNote" maxlength="5000" aria-invalid="true" aria-describedby="decide-recipientsNote-error"></textarea>`,
		`<input id="decide-noRecipients" name="noRecipients" type="checkbox" value="true">`,
		`<textarea id="extend-explanation" name="explanation" maxlength="5000"></textarea>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	var hrefs []string
	for _, e := range p.Errors {
		hrefs = append(hrefs, e.Href+" "+e.Label)
	}
	if got, want := strings.Join(hrefs, " | "), "#decide-recipientAddresses-0 E-mailadres van Aannemer Bouw (genoemd door Onderhoud en reparaties) | #decide-correctionSummary "+T("nl", "field.correctionSummary")+
		" | #decide-recipientsNote "+T("nl", "field.recipientsNote"); got != want {
		t.Errorf("error summary:\n got %s\nwant %s", got, want)
	}

	// Without a post every box is ticked and nothing is filled in.
	page = renderPage(t, "staff_case", "nl", NewStaffPage("nl", "staff@corp.test", "tok", "", v, nil))
	if !strings.Contains(page, `value="privacy@woningnet.example" checked>`) || strings.Contains(page, " selected>") {
		t.Error("the form before any post is not as the app offers it")
	}

	// An access result is chosen again: a browser is never given a file back.
	v = &app.StaffView{Case: &request.Case{Reference: "PL-AAAA-CCCC", Type: request.Access, Status: request.InProgress}, Actions: []request.Action{request.ActDecide}}
	p = NewStaffPage("en", "staff@corp.test", "tok", "", v, []FieldError{{Field: "accessInfo", Message: "too long"}})
	p.Keep("en", Posted{Action: "decide", Values: url.Values{"outcome": {"granted"}}, Files: []string{"resultFile"}})
	page = renderPage(t, "staff_case", "en", p)
	if want := `<span class="hint" id="decide-resultFile-hint">` + T("en", "staff.file.again") + `</span>`; !strings.Contains(page, want) ||
		!strings.Contains(page, `type="file" accept="application/json,text/csv,.json,.csv" aria-describedby="decide-resultFile-hint">`) {
		t.Errorf("the refused access decision does not ask for the file again:\n%s", page)
	}
}
