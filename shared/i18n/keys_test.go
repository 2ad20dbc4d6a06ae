package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Keys the code builds at run time never appear whole in a source file. They are documented
// here, and only here, in three forms.
//
// families: a prefix the code joins with a value of the vocabulary, e.g. "type." + t in Go or
// printf "type.%s" in a template. Every value of the list must have a key (a new status
// without a label fails here), and the prefix itself must appear in a source file.
var families = []struct {
	prefix string
	values []string
}{
	{"type.", request.Strings(request.Types)},                                  // request form and staff page
	{"relation.", append([]string{""}, request.Strings(request.Relations)...)}, // "" is the form's "Choose…"
	{"capacity.", append([]string{""}, request.Strings(request.Capacities)...)},
	{"st.", request.Strings(request.Statuses)},  // status page
	{"sst.", request.Strings(request.Statuses)}, // staff page
	{"outcome.", request.Strings(request.Outcomes)},
	{"ground.", request.Strings(request.Grounds)},
	{"doc.", request.Strings(request.DocumentTypes)},
	{"method.", request.Strings(request.VerificationMethods)}, // staff page: how identity was established
	{"id.outcome.", request.Strings(request.IdentityOutcomes)},
	{"tp.answer.", request.Strings([]request.ThirdPartyAnswer{request.ThirdPartyAgrees, request.ThirdPartyObjects, request.ThirdPartySilent})},
	{"act.", request.Strings(request.StaffActions)},
	{"act.", []string{"add_search", "waive_search"}}, // the checklist's forms (shared/web/casework_page.go)
	{"event.", request.Strings(request.Recorded)},    // the audit trail on the staff page and the paper result
	{"help.", request.Strings(request.StaffActions)},
	{"letter.", request.Strings(letter.Kinds())}, // letter names on the status and staff pages
	{"sent.", request.Strings([]outbox.Status{outbox.Pending, outbox.Sending, outbox.Sent, outbox.Failed, outbox.ToPost, outbox.Posted})},
	{"upload.reject.", idcheck.Codes},
	{"mail.ground.", request.Strings(request.Grounds)},
	{"mail.status.", request.Strings(request.Statuses)},
	{"mail.capacity.", request.Strings([]request.Capacity{request.CapacityParent, request.CapacityGuardian, request.CapacityCurator, request.CapacityMentor})},
	{"mail.type.", product(request.Strings(request.Types), "name", "what", "short", "explain", "explain_rep")},
	{"month.", numbers(1, 12)},
	{"weekday.", numbers(0, 6)},                                                                 // web.DayDate: a due date with its weekday
	{"month.short.", numbers(1, 12)},                                                            // web.ShortDate: the report's weeks
	{"channel.", request.Strings(request.Channels)},                                             // desk overview and intake
	{"mail.via.", []string{"email", "letter", "phone", "counter"}},                              // withdrawn: how the requester told us
	{"fee.", request.Strings([]request.FeeBasis{request.FeeExcessive, request.FeeFurtherCopy})}, // staff page: why a fee may be charged
	{"waiting.", []string{"requester", "third_party", "staff", "system_owner", "approver"}},     // desk overview: app.WaitingOn*
	{"unit.", product([]string{"day", "week", "month"}, "one", "many")},
	{"csv.report.", report.CSVColumns},       // report.WriteCSV's header
	{"csv.export.", report.ExportCSVColumns}, // report.Export.WriteCSV's header
	{"csv.own.", []string{"table", "reference", "type", "status", "receivedOn", "dueDate", "at", "kind", "letterStatus", "actor", "action", "field", "value", // accessresult: privacyloket.csv
		"part.request", "part.requests", "part.letters", "part.events", "part.subject"}},
	{"download.file.", []string{"README.txt", "overzicht.html", "MANIFEST.csv", "gegevens.csv", "gegevens.json", "privacyloket.csv", "privacyloket.json"}}, // web.NewDownloadPage
	{"csv.kind.", []string{report.KindEvent, report.KindLetter, report.KindView}},                                                                          // a case export's entries
	{"csv.actor.", []string{"requester", "system", "third_party", "staff"}},                                                                                // who did it, in a case export
	{"status.next.", request.Strings(request.Statuses)},                                                                                                    // status page: what happens next
	// The search tasks: the owner's task page and the staff checklist.
	{"search.ask.", searchTypes},
	{"search.note.hint.", searchTypes},
	{"search.extract.hint.", []string{"access", "portability"}},
	{"search.phase.", request.Strings([]request.SearchPhase{request.PhaseSearch, request.PhaseCarryOut})},
	{"search.state.", request.Strings([]request.SearchState{request.TaskOpen, request.TaskAnswered, request.TaskWaived, request.TaskCancelled})},
	{"search.result.", request.Strings([]request.SearchResult{request.ResultFound, request.ResultNothingFound, request.ResultHeld,
		request.ResultRestricted, request.ResultDone, request.ResultNotPossible})},
}

// searchTypes are the request types a system is searched for.
var searchTypes = []string{"access", "rectification", "erasure", "objection", "restriction", "portability"}

// codePrefixes are prefixes the code joins with a code that is a string literal elsewhere in
// the sources: a field name (`"documentType"`), a field-error code (`"too_long"`) or a refusal
// reason (`"extend_once"`). Such a key counts as used when that literal appears.
var codePrefixes = []string{"form.", "field.", "fielderr.", "err.conflict.", "event."}

// suffixes are joined to another key or name: web.Problem adds ".heading" to its message key,
// the form adds ".hint" to a field's label key, and web.Render adds ".title" to a page name.
var suffixes = []string{".heading", ".hint", ".title"}

func product(a []string, b ...string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+"."+y)
		}
	}
	return out
}

func numbers(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// sources returns the text of every production .go file and every template in the repository,
// except this package: a key only a test mentions is not used.
func sources(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	var b strings.Builder
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "vendor", "testdata":
				return filepath.SkipDir
			}
			if path == filepath.Join(root, "shared", "i18n") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, "_test.go") || !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".tmpl")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b.Write(data)
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestEveryKeyIsUsed(t *testing.T) {
	t.Parallel()
	src := sources(t)
	quoted := func(s string) bool { return strings.Contains(src, `"`+s+`"`) || strings.Contains(src, "`"+s+"`") }

	generated := map[string]bool{}
	for _, f := range families {
		if !strings.Contains(src, `"`+f.prefix) {
			t.Errorf("family %q: no source builds keys with this prefix; remove it from the list", f.prefix)
		}
		for _, v := range f.values {
			k := f.prefix + v
			generated[k] = true
			if !i18n.Has(k) {
				t.Errorf("key %q is built from %q + %q but the catalogue has no text for it", k, f.prefix, v)
			}
		}
	}

	var used func(k string) bool
	used = func(k string) bool {
		if quoted(k) || generated[k] {
			return true
		}
		for _, p := range codePrefixes {
			if code, ok := strings.CutPrefix(k, p); ok && strings.Contains(src, `"`+p) && quoted(code) {
				return true
			}
		}
		for _, s := range suffixes {
			base, ok := strings.CutSuffix(k, s)
			if !ok {
				continue
			}
			if s == ".title" && quoted(base) { // a page name
				return true
			}
			if i18n.Has(base) && used(base) {
				return true
			}
		}
		return false
	}
	for _, k := range i18n.Keys(i18n.Default) {
		if !used(k) {
			t.Errorf("key %q is not used: no source names it, and it matches no documented dynamic key", k)
		}
	}
}
