package inspect

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// TestExternalFiles inspects every file in the directories listed in
// IDCHECK_EXTERNAL_DIR (separated by the OS's path list separator), such as
// the test PDFs of pdfcpu or pdf.js, and logs each verdict and its time.
// It fails only when a file takes longer than externalMaxTime or an
// inspection panics, or, with IDCHECK_EXTERNAL_MODE=extract (files inspected
// as extracts), when an accepted extract's copy fails the ID copy's final
// check; the
// verdicts are for reading. Skipped without the variable:
//
//	IDCHECK_EXTERNAL_DIR=/tmp/pdfs go test ./shared/idcheck/inspect -run TestExternalFiles -v
func TestExternalFiles(t *testing.T) {
	dirs := os.Getenv("IDCHECK_EXTERNAL_DIR")
	if dirs == "" {
		t.Skip("set IDCHECK_EXTERNAL_DIR to a directory of files to inspect")
	}
	m := modeIDCopy
	if os.Getenv("IDCHECK_EXTERNAL_MODE") == "extract" {
		m = modeExtract
	}
	var paths []string
	for _, dir := range filepath.SplitList(dirs) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				paths = append(paths, filepath.Join(dir, e.Name()))
			}
		}
	}
	slices.Sort(paths)
	counts := map[string]int{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b := newBudget(MemoryBudget, time.Minute)
		start := time.Now()
		doc, err := b.inspectAs(context.Background(), data, m)
		elapsed := time.Since(start)
		verdict := externalVerdict(doc, err)
		counts[strings.Fields(verdict)[0]+" "+strings.TrimLeft(strings.Fields(verdict + " -")[1], "0123456789")]++
		if doc != nil && len(doc.Removed) > 0 {
			verdict += ", removed " + strings.Join(doc.Removed, " ")
		}
		t.Logf("%-60s %8dK %6.0f ms  %s", filepath.Base(path), len(data)>>10, float64(elapsed.Microseconds())/1000, verdict)
		if elapsed > externalMaxTime && len(data) <= idcheck.MaxSize {
			t.Errorf("%s: took %v", path, elapsed)
		}
		if doc != nil && m.removeActive {
			if code := checkRewrittenPDF(context.Background(), doc.Data); code != "" {
				t.Errorf("%s: the extract's copy is refused by the ID copy's final check: %s", path, code)
			}
		}
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n%5d %s", counts[k], k)
	}
	t.Logf("%d files:%s", len(paths), b.String())
}

// TestInspectTestdata: the real files in testdata/ (see its README) get
// the verdicts they should.
func TestInspectTestdata(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"annotation-freetext.pdf": "accepted 1",
		"blendmode.pdf":           "accepted 1",
		"bomb_giant.pdf":          "refused " + idcheck.CodePDFCorrupt,
		"issue19326.pdf":          "accepted 1",
		"Walden.pdf":              "accepted 2",
		"blank-scan.pdf":          "accepted 1",
		"testRot.pdf":             "accepted 1",
		"imageWithBPC.pdf":        "accepted 1",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc, err := heavy.inspect(context.Background(), readTestdata(t, name))
			if got := externalVerdict(doc, err); got != want {
				t.Fatalf("Inspect() = %s, want %s", got, want)
			}
			if doc != nil {
				// What staff open passes on its own.
				again, err := heavy.inspect(context.Background(), doc.Data)
				if got := externalVerdict(again, err); got != want {
					t.Errorf("Inspect(sanitised) = %s, want %s", got, want)
				}
			}
		})
	}
}

// externalMaxTime is how long any upload may take to be answered.
const externalMaxTime = 2 * time.Second

func externalVerdict(doc *idcheck.Document, err error) string {
	var rej *idcheck.Rejection
	switch {
	case errors.As(err, &rej):
		return "refused " + rej.Code
	case errors.Is(err, idcheck.ErrBusy):
		return "busy"
	case err != nil:
		return "error " + err.Error()
	}
	return fmt.Sprintf("accepted %d", doc.Pages)
}
