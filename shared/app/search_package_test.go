package app_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// answerAll answers every open search task of c: the systems in found with their extract, the
// others nothing found.
func answerAll(t *testing.T, s *testenv.Stack, c *request.Case, found map[string]string) {
	t.Helper()
	for _, task := range c.Searches {
		a := app.SearchAnswer{Result: "nothing_found"}
		if data, ok := found[task.System]; ok {
			a = app.SearchAnswer{Result: "found", Extract: []byte(data), ExtractAs: task.System + ".data"}
		}
		l := app.TaskLink{Reference: c.Reference, Task: task.ID, Holder: task.Owners[0], Generation: c.LinkGeneration}
		if _, err := s.App.Casework.AnswerSearch(ctx, l, a); err != nil {
			t.Fatalf("%s: %v", task.System, err)
		}
	}
}

// A portability answer gives each system's data as JSON and as CSV, whichever the owner sent
// (GDPR 20: both machine-readable), streamed from the stored extracts at download.
func TestPortabilityPackageHasJSONAndCSV(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Casework: true, Now: amsterdam("2026-03-27 10:00")})
		sub := access("meenemen@tenant.test")
		sub.Type = "portability"
		c := verify(t, s, submitConfirm(t, s, sub).Reference)
		answerAll(t, s, c, map[string]string{
			"huuradministratie":   "contract;huur\nHV-1;712.50\nHV-2;650\n",
			"dossiers-huurschuld": `[{"maand":"2026-01","achterstand":120}]`,
		})
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted"})
		files := unzipAll(t, mustDownload(t, s, c.Reference))
		for _, name := range []string{"huuradministratie/01-huuradministratie.csv", "huuradministratie/01-huuradministratie.json",
			"dossiers-huurschuld/01-dossiers-huurschuld.json", "dossiers-huurschuld/01-dossiers-huurschuld.csv"} {
			if _, ok := files[name]; !ok {
				t.Errorf("portability package lacks %s (has %v)", name, keys(files))
			}
		}
		var rows []map[string]string
		if err := json.Unmarshal([]byte(files["huuradministratie/01-huuradministratie.json"]), &rows); err != nil || len(rows) != 2 || rows[1]["huur"] != "650" {
			t.Errorf("the CSV extract as JSON: %v %s", err, files["huuradministratie/01-huuradministratie.json"])
		}
		if !strings.Contains(files["dossiers-huurschuld/01-dossiers-huurschuld.csv"], "120") {
			t.Errorf("the JSON extract as CSV: %q", files["dossiers-huurschuld/01-dossiers-huurschuld.csv"])
		}
		if !strings.Contains(files["MANIFEST.csv"], "huuradministratie/01-huuradministratie.json") {
			t.Errorf("the manifest does not name the JSON beside the CSV:\n%s", files["MANIFEST.csv"])
		}
	})
}

func mustDownload(t *testing.T, s *testenv.Stack, ref string) []byte {
	t.Helper()
	pkg, err := s.App.Intake.DownloadResult(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// A requester without e-mail gets the systems' extracts on paper: the readable tables as
// records, a large one up to the page cap with a note of what is left out.
func TestPaperResultHoldsTheExtracts(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Casework: true, Now: amsterdam("2026-03-27 10:00")})
		c := intake(t, s, phoneIntake("Piet Post", "2026-03-27"))
		c = verify(t, s, c.Reference)
		var big strings.Builder
		big.WriteString("datum;bedrag\n")
		for i := range accessresult.PaperFieldsPerFile {
			fmt.Fprintf(&big, "2026-01-%02d;%d\n", i%28+1, 700+i)
		}
		answerAll(t, s, c, map[string]string{
			"huuradministratie":   "contract;adres\nHV-1;Dorpsstraat 1\nHV-2;Kerkstraat 2\n",
			"dossiers-huurschuld": big.String(),
		})
		s.Clock.Add(time.Hour)
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted"})
		var result *outbox.Letter
		testenv.Eventually(t, "the result waits to be posted", func() bool {
			post, _ := s.Store.LettersToPost(ctx, 20)
			i := slices.IndexFunc(post, func(l *outbox.Letter) bool { return l.Kind == "result_ready" })
			if i >= 0 {
				result = post[i]
			}
			return result != nil
		})
		pv, err := s.App.Desk.PostLetterFor(ctx, "staff@corp.test", result.ID)
		if err != nil {
			t.Fatal(err)
		}
		systems := map[string]accessresult.PaperSystem{}
		for _, sys := range pv.Result.Systems {
			systems[sys.Name] = sys
		}
		if len(systems) != 5 || systems["Website"].Result != "gezocht, niets gevonden" || len(systems["Dossiers over huurschuld"].Files) != 1 {
			t.Fatalf("systems on paper: %+v", pv.Result.Systems)
		}
		huur := systems["Huuradministratie"].Files
		if len(huur) != 1 || huur[0].Cut || len(huur[0].Records) != 2 || !slices.Contains(huur[0].Records[1], accessresult.Field{Name: "adres", Value: "Kerkstraat 2"}) {
			t.Errorf("a small extract on paper: %+v", huur)
		}
		schuld := systems["Dossiers over huurschuld"].Files
		if !schuld[0].Cut || schuld[0].Rows != accessresult.PaperFieldsPerFile || schuld[0].Printed == 0 || schuld[0].Printed >= schuld[0].Rows {
			t.Errorf("a large extract on paper: %d of %d rows printed", schuld[0].Printed, schuld[0].Rows)
		}
	})
}
