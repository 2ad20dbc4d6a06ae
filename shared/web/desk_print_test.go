package web

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

func renderPrint(t *testing.T, v *app.PrintView) string {
	t.Helper()
	r, err := NewRenderer(slog.New(slog.DiscardHandler), "de Alliantie")
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r.HTML(w, httptest.NewRequest("GET", "/StaffDesk?token=tok&view=letter", nil), 200, "desk_letter", "nl", NewPrintPage("nl", "tok", v))
	return w.Body.String()
}

func TestPrintPageShowsTheSendersPostalAddress(t *testing.T) {
	t.Parallel()
	v := &app.PrintView{Letter: &outbox.Letter{ID: "PL-AAAA-BBBB-receipt-1", Reference: "PL-AAAA-BBBB", Kind: letter.Receipt, Lang: "nl", Status: outbox.ToPost},
		OrgName: "de Alliantie", OrgAddress: []string{"Postbus 105", "1200 AC Hilversum"}, RecipientName: "Piet Post",
		RecipientAddress: "Dorpsstraat 1, 3901 AB Veenendaal", Date: civil.Date{Year: 2026, Month: 3, Day: 27}, Subject: "Ontvangen", Text: "Beste Piet Post,"}
	page := renderPrint(t, v)
	for _, want := range []string{`<div class="sender">de Alliantie<br>Postbus 105<br>1200 AC Hilversum</div>`, "3901 AB Veenendaal", "27 maart 2026"} {
		if !strings.Contains(page, want) {
			t.Errorf("print page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, `class="sheet paper"`) {
		t.Error("a receipt carries a paper result")
	}
}

func TestPrintPageOfAPaperResult(t *testing.T) {
	t.Parallel()
	data, err := accessresult.Parse([]byte("contract;huur\r\nHV-1;712,50\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	v := &app.PrintView{Letter: &outbox.Letter{ID: "PL-AAAA-BBBB-result_ready-1", Reference: "PL-AAAA-BBBB", Kind: letter.ResultReady, Lang: "en", Status: outbox.ToPost},
		OrgName: "de Alliantie", OrgAddress: []string{"Postbus 105", "1200 AC Hilversum"}, Date: civil.Date{Year: 2026, Month: 3, Day: 27},
		Subject: "Your data is ready", Text: "Dear Sir or Madam,",
		Result: &app.PaperResult{Paper: &accessresult.Paper{Data: data, Own: accessresult.Own{Reference: "PL-AAAA-BBBB", RequestType: string(request.Access),
			ReceivedOn: "2026-03-01", Subject: map[string]string{"name": "Piet Post", "relation": "tenant"},
			Events: []accessresult.OwnEvent{{At: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).Format(time.RFC3339), Actor: "staff", Action: "intake"}}}},
			Info:      &letter.AccessInfo{Purposes: "Letting homes.", Categories: "Name.", Recipients: "No one.", Retention: "Two years.", Source: "You.", AutomatedDecisions: "None."},
			Generated: civil.Date{Year: 2026, Month: 3, Day: 26}}}
	page := renderPrint(t, v)
	for _, want := range []string{`class="sheet paper" lang="en"`, "The data we hold", "<th scope=\"row\">huur</th><td>712,50</td>",
		"Piet Post", "1 March 2026", "What do we use the data for?", "Letting homes.", "Autoriteit Persoonsgegevens", "26 March 2026", "PL-AAAA-BBBB"} {
		if !strings.Contains(page, want) {
			t.Errorf("paper result lacks %q", want)
		}
	}
}
