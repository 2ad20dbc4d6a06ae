package app_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A system that answers with a PDF (a scanned letter, a report) cannot be printed on the
// result's own pages: the print page names it, and staff open the PDF from the desk to print it
// and put it in the envelope. Opening it is in the timeline; only a PDF of that result opens.
func TestPaperResultPrintsThePDFExtracts(t *testing.T) {
	t.Parallel()
	// A public test file (pdf.js's test corpus, see shared/idcheck/inspect/testdata/README.md).
	scan, err := os.ReadFile("../idcheck/inspect/testdata/blank-scan.pdf")
	if err != nil {
		t.Fatal(err)
	}
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Casework: true, Now: amsterdam("2026-03-27 10:00")})
		c := verify(t, s, intake(t, s, phoneIntake("Piet Post", "2026-03-27")).Reference)
		answerAll(t, s, c, map[string]string{"huuradministratie": string(scan), "website": "bezoek;datum\n1;2026-01-02\n"})
		s.Clock.Add(time.Hour)
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted"})
		var result *outbox.Letter
		testenv.Eventually(t, "the result waits to be posted", func() bool {
			post, _ := s.Store.LettersToPost(ctx, 20)
			if i := slices.IndexFunc(post, func(l *outbox.Letter) bool { return l.Kind == "result_ready" }); i >= 0 {
				result = post[i]
			}
			return result != nil
		})
		pv, err := s.App.Desk.PostLetterFor(ctx, "staff@corp.test", result.ID)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		for _, sys := range pv.Result.Systems {
			for _, f := range sys.Files {
				if f.Kind == "pdf" {
					name = f.Name
				}
			}
		}
		if name == "" {
			t.Fatalf("no PDF among the systems on paper: %+v", pv.Result.Systems)
		}
		doc, err := s.App.Desk.PostLetterDocument(ctx, "staff@corp.test", result.ID, name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(doc)
		doc.Close()
		if err != nil || !bytes.HasPrefix(got, []byte("%PDF-")) || int64(len(got)) != doc.Size {
			t.Fatalf("the PDF to print: %v, %d bytes of %d, starts %q", err, len(got), doc.Size, got[:min(8, len(got))])
		}
		events, _ := s.Store.Events(ctx, c.Reference)
		if !slices.ContainsFunc(events, func(e request.Event) bool {
			return e.Action == request.ActResultViewed && e.Actor == "staff@corp.test" && e.Detail == name
		}) {
			t.Error("opening the PDF is not in the timeline")
		}
		// Nothing else opens: another name, a CSV extract, a letter that is not the result.
		for _, bad := range []struct{ id, name string }{
			{result.ID, "huuradministratie/anders.pdf"},
			{result.ID, "website/01-website.csv"},
			{result.ID, "../" + name},
			{c.Reference + "-receipt-x", name},
		} {
			if _, err := s.App.Desk.PostLetterDocument(ctx, "staff@corp.test", bad.id, bad.name); !errors.Is(err, app.ErrNotFound) {
				t.Errorf("%s %s: %v, want ErrNotFound", bad.id, bad.name, err)
			}
		}
	})
}

// An owner whose PDF the inspector refuses is told about their extract (field "extract", what to
// do), not about an ID copy, and nothing is stored.
func TestRefusedPDFExtractIsNamedAsAnExtract(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Casework: true, Now: amsterdam("2026-03-27 10:00")})
	c := verify(t, s, submitConfirm(t, s, access("pdf@tenant.test")).Reference)
	task := c.Searches[0]
	l := app.TaskLink{Reference: c.Reference, Task: task.ID, Holder: task.Owners[0], Generation: c.LinkGeneration}
	_, err := s.App.Casework.AnswerSearch(ctx, l, app.SearchAnswer{Result: "found", Extract: []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog"), ExtractAs: "export.pdf"})
	var verr *app.ValidationError
	if !errors.As(err, &verr) || len(verr.Fields) != 1 || verr.Fields[0].Field != "extract" || verr.Fields[0].Code != "extract_pdf_corrupt" {
		t.Fatalf("a broken PDF extract: %v, want the field extract with extract_pdf_corrupt", err)
	}
	if m := verr.Fields[0].Message("nl"); !strings.Contains(m, "Deze PDF is beschadigd") {
		t.Errorf("the owner reads %q", m)
	}
	view, err := s.App.Casework.SearchTaskPage(ctx, l)
	if err != nil || len(view.Task.Extracts) != 0 {
		t.Errorf("after a refused extract: %v, %d extracts stored", err, len(view.Task.Extracts))
	}
}
