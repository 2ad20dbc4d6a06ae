package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The decide form of an erasure lists the recipients the systems holding the data name, each
// ticked with where its notice goes and which systems name it; one without an address has no
// box but says how to inform it. The boxes post "recipients", as the box for other addresses
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
		`Aannemer Bouw (genoemd door Onderhoud en reparaties): geen adres in het register`,
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
