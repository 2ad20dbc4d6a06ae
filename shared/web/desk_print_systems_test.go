package web

import (
	"strings"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
)

// The systems' extracts print after the organisation's data: each file's records, and what is
// left out of a file too large to print, or a document, with the link staff print it from.
func TestPrintPageOfTheSystemsExtracts(t *testing.T) {
	t.Parallel()
	v := &app.PrintView{Letter: &outbox.Letter{ID: "PL-AAAA-BBBB-result_ready-1", Reference: "PL-AAAA-BBBB", Kind: letter.ResultReady, Lang: "nl", Status: outbox.ToPost},
		OrgName: "Vallei Wonen", Date: civil.Date{Year: 2026, Month: 3, Day: 27}, Subject: "Uw gegevens", Text: "Beste heer Post,",
		Result: &app.PaperResult{Paper: &accessresult.Paper{Data: &accessresult.Result{}, Own: accessresult.Own{Reference: "PL-AAAA-BBBB", RequestType: "access"},
			Systems: []accessresult.PaperSystem{
				{Name: "Huuradministratie", Result: "gegevens gevonden", Files: []accessresult.PaperFile{
					{Name: "huuradministratie/01-contract.csv", Kind: "csv", Records: [][]accessresult.Field{{{Name: "adres", Value: "Kerkstraat 2"}}}, Rows: 1, Printed: 1},
					{Name: "huuradministratie/02-betalingen.csv", Kind: "csv", Records: [][]accessresult.Field{{{Name: "bedrag", Value: "700"}}}, Rows: 5000, Printed: 200, Cut: true}}},
				{Name: "Postkamer", Result: "gegevens gevonden", Files: []accessresult.PaperFile{{Name: "postkamer/01-brief.pdf", Kind: "pdf", Cut: true}}},
			}}, Generated: civil.Date{Year: 2026, Month: 3, Day: 26}}}
	page := renderPrint(t, v)
	for _, want := range []string{"De gegevens per systeem", "<h3>Huuradministratie</h3>", "Wat wij vonden: gegevens gevonden",
		"<h4>huuradministratie/01-contract.csv</h4>", `<th scope="row">adres</th><td>Kerkstraat 2</td>`,
		"Dit bestand telt 5000 regels; de eerste 200 staan hierboven.", "postkamer/01-brief.pdf", "Dit is een document (PDF). U vindt het als aparte bijlage bij deze brief.",
		`<p class="noprint"><a href="/StaffDesk?document=postkamer%2F01-brief.pdf&amp;letterId=PL-AAAA-BBBB-result_ready-1&amp;view=letter">Open de PDF om af te drukken`} {
		if !strings.Contains(page, want) {
			t.Errorf("paper result lacks %q", want)
		}
	}
	if strings.Count(page, `class="note"`) != 2 {
		t.Error("a file printed whole carries a note")
	}
}
