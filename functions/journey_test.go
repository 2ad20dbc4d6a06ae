package functions_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"maps"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

var updateJourney = flag.Bool("update", false, "rewrite docs/journey.md from a fresh run of TestJourney")

// journeyDoc is the document TestJourney writes and keeps in step with the code.
const journeyDoc = "../docs/journey.md"

// The people of the journey. Staff are the profile's own team, so the letters read as they
// would at Vallei Wonen; the privacy officer approves what four eyes ask (docs/rules.md §8).
const (
	carla       = "carla@tenant.test"
	privacyTeam = "privacyteam@valleiwonen.example"
)

// TestJourney follows one access request and one erasure request through the functions over
// HTTP, on the real stores with the vallei-wonen profile and a fixed clock, and writes what
// each person got and saw to docs/journey.md (issue 21 "Done when"): the letters each owner got,
// the task pages, the package's manifest and an erasure decision's list of systems. The
// document is a golden file: a run that writes anything else fails, so it never drifts from the
// code; `go test ./functions -run TestJourney -update` writes it again. Every backend must
// write the same document.
func TestJourney(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	docs := map[testenv.Backend]string{}
	t.Run("run", func(t *testing.T) {
		testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
			doc := runJourney(t, b)
			mu.Lock()
			defer mu.Unlock()
			docs[b] = doc
		})
	})
	if t.Failed() {
		return
	}
	backends := testenv.Backends(t)
	first := docs[backends[0]]
	for _, b := range backends[1:] {
		if d := lineDiff(first, docs[b]); d != "" {
			t.Fatalf("the journey on %s differs from the one on %s (-%[2]s +%[1]s):\n%s", b, backends[0], d)
		}
	}
	if *updateJourney {
		if err := os.WriteFile(journeyDoc, []byte(first), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(journeyDoc)
	if err != nil {
		t.Fatalf("%v (write it with: go test ./functions -run TestJourney -update)", err)
	}
	if d := lineDiff(string(want), first); d != "" {
		t.Errorf("docs/journey.md is not what a run shows (-file +run); if the change is meant, write it again with "+
			"go test ./functions -run TestJourney -update and read the diff:\n%s", d)
	}
}

// lineDiff is the difference between two documents, line by line ("" when they are the same).
func lineDiff(a, b string) string {
	return cmp.Diff(strings.Split(a, "\n"), strings.Split(b, "\n"))
}

// journeyAt is a moment of the journey in 2026, in the organisation's time zone.
func journeyAt(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, deadline.Location())
}

// journey drives one env and writes what happens to a Markdown document.
type journey struct {
	t  *testing.T
	e  *env
	md strings.Builder
	// refs are the cases' references in the order they were made, written as placeholders.
	refs []string
	// shown are the indexes of the captured mails already in the document.
	shown map[int]bool
	// sent lists every letter shown, for the overview.
	sent []string
}

// overview marks where the overview of every letter goes, once the journey has sent them.
const journeyOverview = "<!-- overview -->\n"

func runJourney(t *testing.T, b testenv.Backend) string {
	e := newEnv(t, testenv.Options{Backend: b, Casework: true, FourEyes: true, Staff: []string{privacyTeam}, Now: journeyAt(time.March, 27, 10, 0)})
	j := &journey{t: t, e: e, shown: map[int]bool{}}
	j.intro()
	j.access()
	j.erasure()
	return j.normalised()
}

// placeholders stand for the references, which are random, in the order the cases were made.
var journeyRefs = []string{"PL-XXXX-XXXX", "PL-YYYY-YYYY"}

// journeyTokens are the link tokens, which differ between runs like the references.
var journeyTokens = regexp.MustCompile(`token=[A-Za-z0-9_.~%-]+`)

func (j *journey) normalised() string {
	rows := "| when | letter | to | subject |\n|---|---|---|---|\n" + strings.Join(j.sent, "")
	doc := strings.Replace(j.md.String(), journeyOverview, rows, 1)
	for i, ref := range j.refs {
		doc = strings.ReplaceAll(doc, ref, journeyRefs[i])
	}
	return journeyTokens.ReplaceAllString(doc, "token=…")
}

func (j *journey) printf(format string, a ...any) { fmt.Fprintf(&j.md, format, a...) }

// block writes text in a fenced block.
func (j *journey) block(lang, text string) {
	j.printf("```%s\n%s\n```\n\n", lang, strings.TrimRight(text, "\n"))
}

// setClock moves the clock to when the next step happens, never back.
func (j *journey) setClock(t time.Time) {
	j.t.Helper()
	if t.Before(j.e.Clock.Now()) {
		j.t.Fatalf("the journey goes back in time: %s before %s", t, j.e.Clock.Now())
	}
	j.e.Quiet(j.t) // a letter in flight finishes on the old clock
	j.e.Clock.Set(t)
}

// settle waits until every letter of the cases is sent, and returns the mails not yet shown
// (letters about no case too, which a step awaits itself), ordered by recipient and kind: they
// are sent in parallel.
func (j *journey) settle() []testenv.Mail {
	j.t.Helper()
	ctx := context.Background()
	testenv.Eventually(j.t, "every letter sent", func() bool {
		for _, ref := range j.refs {
			ls, err := j.e.Store.Letters(ctx, ref)
			if err != nil {
				j.t.Fatal(err)
			}
			sent := 0
			for _, l := range ls {
				switch l.Status {
				case outbox.Pending, outbox.Sending:
					return false
				case outbox.Sent:
					sent++
				}
			}
			if j.e.Mail.Count("", "", ref) < sent {
				return false
			}
		}
		return true
	})
	j.e.Quiet(j.t)
	var out []testenv.Mail
	for i, m := range j.e.Mail.All() {
		if ref := m.Args["reference"]; !j.shown[i] && (ref == "" || slices.Contains(j.refs, ref)) {
			j.shown[i] = true
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b testenv.Mail) int {
		return strings.Compare(a.To+" "+a.Kind()+" "+a.Subject+" "+a.Text, b.To+" "+b.Kind()+" "+b.Subject+" "+b.Text)
	})
	return out
}

// letters shows the letters the last step sent, each with its subject and text, and returns
// them.
func (j *journey) letters() []testenv.Mail {
	j.t.Helper()
	ms := j.settle()
	if len(ms) == 0 {
		j.printf("No letter.\n\n")
		return nil
	}
	when := j.e.Clock.Now().In(deadline.Location()).Format("Mon 2 Jan 15:04")
	for _, m := range ms {
		j.sent = append(j.sent, fmt.Sprintf("| %s | `%s` | %s | %s |\n", when, m.Kind(), m.To, m.Subject))
		j.printf("#### `%s` to %s\n\nSubject: **%s**\n\n", m.Kind(), m.To, m.Subject)
		j.block("text", m.Text)
	}
	return ms
}

// letter is the one mail of kind to addr among ms.
func (j *journey) letter(ms []testenv.Mail, kind, addr string) testenv.Mail {
	j.t.Helper()
	for _, m := range ms {
		if m.Kind() == kind && strings.EqualFold(m.To, addr) {
			return m
		}
	}
	j.t.Fatalf("no %s letter to %s among the step's letters", kind, addr)
	return testenv.Mail{}
}

// staff posts a staff action from the case page (as its form does) and shows it.
func (j *journey) staff(tok string, v url.Values, wantCode int) {
	j.t.Helper()
	shown := url.Values{}
	for k, vs := range v {
		shown[k] = vs
	}
	v.Set("token", tok)
	resp, body := j.e.do(j.t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), asJSON)
	if resp.StatusCode != wantCode {
		j.t.Fatalf("staff %v: %d %s, want %d", shown, resp.StatusCode, body, wantCode)
	}
	j.printf("`POST /StaffCase` (with the staff member's case link):\n\n")
	j.block("text", formLines(shown))
	j.printf("Answer: `%d` `%s`\n\n", resp.StatusCode, strings.TrimSpace(body))
}

// formLines writes posted form fields one per line, in a fixed order.
func formLines(v url.Values) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(v)) {
		for _, x := range v[k] {
			fmt.Fprintf(&b, "%s = %s\n", k, x)
		}
	}
	return b.String()
}

// answer posts an owner's answer on the task page, with an extract when file is not nil, and
// shows it.
func (j *journey) answer(tok string, fields map[string]string, filename string, file []byte) {
	j.t.Helper()
	fields["token"] = tok
	ct, body := taskPost(j.t, fields, filename, file)
	resp, b := j.e.do(j.t, "POST", "/SearchTask", ct, body, asJSON)
	if resp.StatusCode != 200 {
		j.t.Fatalf("answer %v: %d %s", fields, resp.StatusCode, b)
	}
	delete(fields, "token")
	shown := url.Values{}
	for k, v := range fields {
		shown.Set(k, v)
	}
	if file != nil {
		shown.Set("extract", filename+" (the file below)")
	}
	j.printf("`POST /SearchTask` (multipart, with the owner's task link):\n\n")
	j.block("text", formLines(shown))
	if file != nil {
		j.block("", string(file))
	}
}

// taskPage shows the task page of link as a phone shows it: its visible text.
func (j *journey) taskPage(tok string) {
	j.t.Helper()
	resp, page := j.e.do(j.t, "GET", "/SearchTask?token="+url.QueryEscape(tok), "", nil, nil)
	if resp.StatusCode != 200 {
		j.t.Fatalf("task page: %d", resp.StatusCode)
	}
	j.block("text", visibleText(page))
}

// The parts of a page visibleText reads.
var (
	pageTagRE      = regexp.MustCompile(`<[^>]*>`)
	pageAttrRE     = regexp.MustCompile(`(\w+)="([^"]*)"`)
	pageControlRE  = regexp.MustCompile(`(?s)<input\b[^>]*>|<(?:textarea|button)\b[^>]*>(.*?)</(?:textarea|button)>`)
	pageBlockEndRE = regexp.MustCompile(`(?i)</(h1|h2|h3|p|li|dd|legend|label|fieldset|section|table|tr|div|ul|ol|dl)>|<br>`)
	pageBlockRE    = regexp.MustCompile(`(?i)<(h1|h2|h3|p|li|dt|legend|fieldset|section|table|tr|div|ul|ol|dl)\b`)
	pageSpacesRE   = regexp.MustCompile(`[ \t]+`)
	pageHiddenRE   = regexp.MustCompile(`(?s)<(style|script|head)\b.*?</(style|script|head)>`)
	pageHeadingRE  = regexp.MustCompile(`(?i)<h([1-3])\b[^>]*>`)
	pageTermEndRE  = regexp.MustCompile(`(?i)</dt>`)
	pageCellRE     = regexp.MustCompile(`(?i)</t[dh]>\s*<t[dh]\b`)
)

// visibleText is what a reader sees of an HTML page, one block a line: the main part (or the
// body), headings marked with #, form controls as [brackets] and ( ) for a choice.
func visibleText(page string) string {
	for _, part := range []string{"main", "body"} {
		if i := strings.Index(page, "<"+part); i >= 0 {
			page = page[i:]
			if k := strings.Index(page, "</"+part+">"); k >= 0 {
				page = page[:k]
			}
			break
		}
	}
	page = pageHiddenRE.ReplaceAllString(page, "")
	page = pageControlRE.ReplaceAllStringFunc(page, func(s string) string {
		attrs := map[string]string{}
		for _, m := range pageAttrRE.FindAllStringSubmatch(s, -1) {
			attrs[m[1]] = m[2]
		}
		inner := pageControlRE.FindStringSubmatch(s)[1]
		switch {
		case strings.HasPrefix(s, "<button"):
			return "[" + strings.TrimSpace(pageTagRE.ReplaceAllString(inner, "")) + "]"
		case strings.HasPrefix(s, "<textarea"):
			return "[text]"
		}
		switch attrs["type"] {
		case "hidden":
			return ""
		case "radio", "checkbox":
			return "( ) "
		case "file":
			return "[choose a file]"
		case "date":
			return "[date]"
		}
		return "[" + attrs["value"] + "]"
	})
	page = pageHeadingRE.ReplaceAllStringFunc(page, func(s string) string {
		return "\n" + strings.Repeat("#", int(s[2]-'0')) + " "
	})
	page = pageTermEndRE.ReplaceAllString(page, ": ")
	page = pageCellRE.ReplaceAllString(page, " | <td")
	page = pageBlockEndRE.ReplaceAllString(page, "\n")
	page = pageBlockRE.ReplaceAllString(page, "\n<$1")
	page = html.UnescapeString(pageTagRE.ReplaceAllString(page, ""))
	var lines []string
	for _, l := range strings.Split(page, "\n") {
		if l = strings.TrimSpace(pageSpacesRE.ReplaceAllString(l, " ")); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// submit posts the form's JSON and shows it; the requester confirms with the link of the
// confirm_email letter. It returns the reference and the staff member's case link.
func (j *journey) submit(form map[string]any) (ref, staffToken string) {
	j.t.Helper()
	b, _ := json.MarshalIndent(form, "", "  ")
	resp, body := j.e.postJSON(j.t, "/RequestForm", form)
	if resp.StatusCode != 201 {
		j.t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	var created struct{ Reference string }
	json.Unmarshal([]byte(body), &created)
	j.refs = append(j.refs, created.Reference)
	j.printf("`POST /RequestForm` (`application/json`):\n\n")
	j.block("json", string(b))
	j.printf("Answer: `%d` `%s`\n\n", resp.StatusCode, strings.TrimSpace(body))
	conf := j.letter(j.letters(), "confirm_email", form["email"].(string))

	j.setClock(j.e.Clock.Now().Add(5 * time.Minute))
	j.printf("### The requester confirms (%s)\n\n", j.when())
	j.printf("The confirm link opens a page with one button; the button posts the token to `ConfirmRequest`. ")
	j.printf("The requester gets a receipt with the due date, staff get the case by e-mail.\n\n")
	resp, body = j.e.do(j.t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"token": {tokenOf(conf.Link("ConfirmRequest"))}}.Encode()), asJSON)
	if resp.StatusCode != 200 {
		j.t.Fatalf("confirm: %d %s", resp.StatusCode, body)
	}
	j.printf("Answer: `%d` `%s`\n\n", resp.StatusCode, strings.TrimSpace(body))
	sc := j.letter(j.letters(), "staff_case", privacyTeam)
	return created.Reference, tokenOf(sc.Link("StaffCase"))
}

// when is the clock as a heading writes it.
func (j *journey) when() string {
	now := j.e.Clock.Now().In(deadline.Location())
	return fmt.Sprintf("%s %d %s %d, %s", now.Weekday(), now.Day(), now.Month(), now.Year(), now.Format("15:04"))
}

// introduced checks what the document says of the search_task letters among ms: an owner's
// first says what Privacyloket is, a later one does not.
func (j *journey) introduced(ms []testenv.Mail, first bool) {
	j.t.Helper()
	for _, m := range ms {
		if m.Kind() == "search_task" && strings.Contains(m.Text, "Wat is Privacyloket?") != first {
			j.t.Errorf("the search_task letter to %s explains Privacyloket: %v, want %v", m.To, !first, first)
		}
	}
}

// taskLinks are the search task links of the letters of kind ms, by system.
func taskLinks(ms []testenv.Mail, kind string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		if m.Kind() == kind {
			out[m.Args["system"]] = tokenOf(m.Link("SearchTask"))
		}
	}
	return out
}

// tick runs the scheduled sweep at the clock's moment, as Cloud Scheduler's tick does. The
// journey's ticks are each the first after 08:00 on a working day: each sends the staff their
// digest, a letter about no single case, awaited here.
func (j *journey) tick() {
	j.t.Helper()
	digests := j.e.Mail.Count("staff_digest", privacyTeam, "")
	if err := j.e.events["Tick"](context.Background(), tickEvent(`{}`, j.e.Clock.Now())); err != nil {
		j.t.Fatal(err)
	}
	testenv.Eventually(j.t, "the staff digest", func() bool { return j.e.Mail.Count("staff_digest", privacyTeam, "") > digests })
}

// checklist shows the staff case's list of searches (the case page's checklist, from its JSON).
func (j *journey) checklist(staffToken string) {
	j.t.Helper()
	_, body := j.e.do(j.t, "GET", "/StaffCase?token="+url.QueryEscape(staffToken), "", nil, asJSON)
	var sc struct {
		InternalDate string `json:"internalDate"`
		Searches     []struct {
			System, Phase, State, DueDate, AnsweredAt, AnsweredBy, KeepGround, KeptUntil string
			Result                                                                       *string
		} `json:"searches"`
	}
	if err := json.Unmarshal([]byte(body), &sc); err != nil {
		j.t.Fatalf("staff case JSON: %v %s", err, body)
	}
	j.printf("Internal date (`internalDate`): %s\n\n| system | phase | state | result | kept | due | answered at | by |\n|---|---|---|---|---|---|---|---|\n", sc.InternalDate)
	for _, s := range sc.Searches {
		result := ""
		if s.Result != nil {
			result = *s.Result
		}
		kept := strings.TrimSpace(s.KeepGround + " " + s.KeptUntil)
		j.printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", s.System, s.Phase, s.State, result, kept, s.DueDate, s.AnsweredAt, s.AnsweredBy)
	}
	j.printf("\n")
}

// zipFiles reads the files of a ZIP by name, in the archive's order.
func zipFiles(t *testing.T, body string) (names []string, files map[string]string) {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("the package is no ZIP: %v", err)
	}
	files = map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
		// Shown as text: without the byte-order mark, and with the CSV's and README's CRLF as LF.
		files[f.Name] = strings.ReplaceAll(strings.TrimPrefix(string(b), "\uFEFF"), "\r\n", "\n")
	}
	return names, files
}

func (j *journey) intro() {
	j.printf("# One request's journey\n\n" +
		"<!-- Generated by TestJourney (functions/journey_test.go) from a real run; do not edit.\n" +
		"     Write it again with: go test ./functions -run TestJourney -update -->\n\n" +
		"A test, `TestJourney` in `functions/journey_test.go`, writes this document from a run of the product's\n" +
		"functions over HTTP on the real stores (the Firestore and Pub/Sub emulators, and in memory), with the\n" +
		"vallei-wonen profile as shipped and a fixed clock. Every letter is shown as SendGrid received it (its\n" +
		"subject and text part, in Dutch as sent), every page as a phone shows it (its visible text: headings\n" +
		"marked `#`, form fields in `[brackets]`, a choice as `( )`). The test fails when a run writes anything\n" +
		"else, so the document cannot drift from the code; after a change that is meant, write it again with\n" +
		"`go test ./functions -run TestJourney -update` and read the diff.\n\n" +
		"What differs between runs is written as a placeholder: the access request's reference as PL-XXXX-XXXX,\n" +
		"the erasure request's as PL-YYYY-YYYY, and every link's token as `token=…`.\n\n")
	j.printf("The people: Carla Contract, the requester (%s); the privacy team, staff (%s); the owners of\n"+
		"the five systems in Vallei Wonen's register (on placeholder .example addresses, as the shipped profile has\n"+
		"them); and the privacy officer (%s), who owns the system \"Privacyloket\" and approves what\n"+
		"four eyes ask (docs/rules.md §8).\n\n", carla, privacyTeam, j.e.Profile.Organisation.PrivacyOfficerEmail)
	j.printf("## Every letter at a glance\n\n%s\n", journeyOverview)
}

// Carla's request, as the form posts it.
func carlaForm(typ string, kv ...any) map[string]any {
	return with(map[string]any{"type": typ, "name": "Carla Contract", "email": carla, "birthDate": "1980-05-17",
		"address": "Dorpsstraat 12, 3901 AB Veenendaal", "signature": "Carla Contract", "declaration": true}, kv...)
}

// The extracts the owners upload: the rent administration's contract as CSV, the arrears
// file's reminders as JSON.
const (
	rentCSV = "contractnummer;adres;ingangsdatum;huurprijs\n" +
		"HV-2019-0412;Dorpsstraat 12, 3901 AB Veenendaal;2019-06-01;712,40\n"
	arrearsJSON = `[{"datum":"2025-11-03","soort":"Herinnering","bedrag":"712,40","status":"betaald op 2025-11-10"},` +
		`{"datum":"2026-01-05","soort":"Betalingsregeling","bedrag":"1424,80","status":"afgelost"}]`
)

func (j *journey) access() {
	j.printf("## Part 1: an access request\n\n")
	j.printf("### Carla submits the form (%s)\n\n", j.when())
	j.printf("The form asks for the e-mail address to be confirmed first.\n\n")
	_, stok := j.submit(carlaForm("access"))

	j.setClock(journeyAt(time.March, 27, 11, 0))
	j.printf("### Staff establish identity (%s)\n\n", j.when())
	j.printf("The details match what Vallei Wonen holds (`known_data`). Identity established starts the search: every system\n")
	j.printf("in the register that is searched for an access request gets a task, and each owner a `search_task` letter\n")
	j.printf("with a personal link. An owner's first task letter says what Privacyloket is.\n\n")
	j.staff(stok, url.Values{"action": {"verify_identity"}, "method": {"known_data"}}, 200)
	ms := j.letters()
	links := taskLinks(ms, "search_task")
	j.introduced(ms, true)
	if got := slices.Sorted(maps.Keys(links)); !slices.Equal(got, []string{"dossiers-huurschuld", "dossiers-overlast", "huuradministratie", "privacyloket", "website"}) {
		j.t.Fatalf("search tasks for %v, want the five systems of the register", got)
	}

	j.printf("### The rent administration's task page\n\n")
	j.printf("The owner of the rent administration opens the letter's link on a phone (`GET /SearchTask?token=…`):\n\n")
	j.taskPage(links["huuradministratie"])

	j.setClock(journeyAt(time.March, 30, 9, 30))
	j.printf("### The owners answer\n\n")
	j.printf("%s: the rent administration finds the tenancy agreement and uploads it as CSV.\n\n", j.when())
	j.answer(links["huuradministratie"], map[string]string{"result": "found", "note": "Het huurcontract uit ons huurpakket."}, "huurcontract.csv", []byte(rentCSV))
	j.setClock(journeyAt(time.March, 31, 14, 0))
	j.printf("%s: debt collection finds two letters about arrears and uploads them as JSON.\n\n", j.when())
	j.answer(links["dossiers-huurschuld"], map[string]string{"result": "found"}, "huurschuld.json", []byte(arrearsJSON))
	j.setClock(journeyAt(time.April, 1, 10, 0))
	j.printf("%s: neighbourhood management and the privacy officer find nothing.\n\n", j.when())
	j.answer(links["dossiers-overlast"], map[string]string{"result": "nothing_found"}, "", nil)
	j.answer(links["privacyloket"], map[string]string{"result": "nothing_found", "note": "Geen eerdere verzoeken."}, "", nil)
	j.letters()
	j.printf("The rent administration's page after its answer:\n\n")
	j.taskPage(links["huuradministratie"])

	j.setClock(journeyAt(time.April, 16, 9, 0))
	j.printf("### The website's owner does not answer: reminder (%s)\n\n", j.when())
	j.printf("The tasks are due on the internal date. The scheduled sweep (`Tick`) on the working day before reminds the owner who has\n")
	j.printf("not answered, with a fresh link.\n\n")
	j.tick()
	j.letter(j.letters(), "search_reminder", "webbeheer@valleiwonen.example")

	j.setClock(journeyAt(time.April, 20, 9, 0))
	j.printf("### Overdue (%s)\n\n", j.when())
	j.printf("The working day after the due date the case's staff hear which owner has not answered.\n\n")
	j.tick()
	j.letter(j.letters(), "search_overdue", privacyTeam)
	j.printf("The checklist on the staff case page (its JSON, `GET /StaffCase` with `Accept: application/json`):\n\n")
	j.checklist(stok)

	j.setClock(journeyAt(time.April, 20, 10, 0))
	j.printf("### Staff waive the website's search and grant the request (%s)\n\n", j.when())
	j.printf("A grant while a task is open is refused with `409`:\n\n")
	j.staff(stok, url.Values{"action": {"decide"}, "outcome": {"granted"}}, 409)
	j.printf("Staff waive the open task with a reason, and grant:\n\n")
	j.staff(stok, url.Values{"action": {"waive_search"}, "system": {"website"}, "reason": {"De eigenaar is met verlof; wij beslissen binnen de termijn zonder de website."}}, 200)
	j.letters()
	j.staff(stok, url.Values{"action": {"decide"}, "outcome": {"granted"}}, 200)
	ms = j.letters()
	dl := j.letter(ms, "result_ready", carla).Link("DownloadResult")

	j.setClock(journeyAt(time.April, 20, 19, 0))
	j.printf("### Carla downloads her data (%s)\n\n", j.when())
	j.printf("The link opens a page that names the files (never the data) with a download button:\n\n")
	u, _ := url.Parse(dl)
	resp, page := j.e.do(j.t, "GET", "/DownloadResult?"+u.RawQuery, "", nil, nil)
	if resp.StatusCode != 200 {
		j.t.Fatalf("download page: %d", resp.StatusCode)
	}
	j.block("text", visibleText(page))
	resp, pkg := j.e.do(j.t, "POST", "/DownloadResult", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tokenOf(dl)}}.Encode()), nil)
	if resp.StatusCode != 200 {
		j.t.Fatalf("download: %d", resp.StatusCode)
	}
	names, files := zipFiles(j.t, pkg)
	j.printf("The button posts the token; the answer is the ZIP. Its files:\n\n")
	j.block("text", strings.Join(names, "\n"))
	j.printf("#### MANIFEST.csv\n\n")
	j.block("csv", files["MANIFEST.csv"])
	j.printf("#### overzicht.html (the start, as text)\n\n")
	j.block("text", firstLines(visibleText(files["overzicht.html"]), 60))
	j.printf("#### privacyloket.csv (the start)\n\n")
	j.block("csv", firstLines(files["privacyloket.csv"], 12))
	j.printf("#### README.txt\n\n")
	j.block("text", files["README.txt"])
	j.letters()
}

// firstLines is the first n lines of s, and a line that says how many more there are.
func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "\n") + fmt.Sprintf("\n[… %d more lines]", len(lines)-n)
}

func (j *journey) erasure() {
	j.printf("## Part 2: an erasure request\n\n")
	j.setClock(journeyAt(time.April, 21, 10, 0))
	j.printf("### Carla asks to erase her data (%s)\n\n", j.when())
	j.printf("Vallei Wonen's own regulation answers an erasure request sooner than the GDPR's month (the profile's `terms`):\n")
	j.printf("see the due date in the receipt.\n\n")
	_, stok := j.submit(carlaForm("erasure", "details",
		"Ik huur sinds 1 maart 2026 niet meer bij Vallei Wonen. Verwijder alstublieft alle gegevens die u over mij heeft."))

	j.setClock(journeyAt(time.April, 21, 11, 0))
	j.printf("### Staff establish identity; the search starts (%s)\n\n", j.when())
	j.printf("For an erasure the owners only report what their system holds and what must be kept; nothing is erased before the decision.\n")
	j.printf("These owners had a task before, so their letters no longer explain what Privacyloket is.\n\n")
	j.staff(stok, url.Values{"action": {"verify_identity"}, "method": {"known_data"}}, 200)
	ms := j.letters()
	links := taskLinks(ms, "search_task")
	j.introduced(ms, false)

	j.printf("### The rent administration's task page\n\n")
	j.printf("For an erasure the page shows the request's own words and asks what must be kept:\n\n")
	j.taskPage(links["huuradministratie"])

	j.setClock(journeyAt(time.April, 22, 9, 0))
	j.printf("### The owners answer (%s)\n\n", j.when())
	j.answer(links["huuradministratie"], map[string]string{"result": "held", "note": "Huurcontract, betalingen 2019-2026, contactgegevens en bankrekeningnummer.",
		"keepGround": "legal_obligation", "keptUntil": "2033-03-01"}, "", nil)
	j.answer(links["dossiers-overlast"], map[string]string{"result": "held", "note": "Twee meldingen over geluidsoverlast uit 2023."}, "", nil)
	j.answer(links["website"], map[string]string{"result": "held", "note": "Een account op de oude huurdersportal."}, "", nil)
	j.answer(links["dossiers-huurschuld"], map[string]string{"result": "nothing_found"}, "", nil)
	j.answer(links["privacyloket"], map[string]string{"result": "nothing_found"}, "", nil)
	j.letters()
	j.printf("The checklist on the staff case page:\n\n")
	j.checklist(stok)

	j.setClock(journeyAt(time.April, 22, 11, 0))
	j.printf("### Staff decide: partly granted (%s)\n\n", j.when())
	j.printf("What the rent administration must keep is kept (`legal_obligation`). The nuisance reports went to the municipality's\n")
	j.printf("neighbour mediation, which is told what was erased (GDPR 19). Vallei Wonen's profile asks four eyes for every partial\n")
	j.printf("grant: the decision waits for the privacy officer's approval.\n\n")
	j.staff(stok, url.Values{"action": {"decide"}, "outcome": {"partly_granted"}, "ground": {"legal_obligation"},
		"motivation":        {"Wij verwijderen wat wij niet meer nodig hebben. Uw huurcontract en betalingen moeten wij volgens de wet 7 jaar bewaren."},
		"recipients":        {"buurtbemiddeling@gemeente-veenendaal.example"},
		"correctionSummary": {"De meldingen over geluidsoverlast uit 2023 over Carla Contract zijn verwijderd."}}, 202)
	approval := j.letter(j.letters(), "approval_request", j.e.Profile.Organisation.PrivacyOfficerEmail)

	j.setClock(journeyAt(time.April, 22, 14, 0))
	j.printf("### The privacy officer approves (%s)\n\n", j.when())
	j.printf("The approval starts the carry-out: each system that holds data gets a `carry_out_task`. The decision letter waits\n")
	j.printf("until every carry-out task is answered.\n\n")
	resp, body := j.e.postJSON(j.t, "/ApproveDecision", map[string]any{"token": tokenOf(approval.Link("ApproveDecision")), "verdict": "approve"})
	if resp.StatusCode != 200 {
		j.t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	j.printf("`POST /ApproveDecision` `verdict = approve` → `%d` `%s`\n\n", resp.StatusCode, strings.TrimSpace(body))
	carry := taskLinks(j.letters(), "carry_out_task")
	if got := slices.Sorted(maps.Keys(carry)); !slices.Equal(got, []string{"dossiers-overlast", "huuradministratie", "website"}) {
		j.t.Fatalf("carry-out tasks for %v, want the three systems that hold data", got)
	}
	j.printf("The rent administration's carry-out page:\n\n")
	j.taskPage(carry["huuradministratie"])

	j.setClock(journeyAt(time.April, 23, 10, 0))
	j.printf("### The owners carry it out (%s)\n\n", j.when())
	j.answer(carry["huuradministratie"], map[string]string{"result": "done", "backups": "included",
		"note": "Contactgegevens en bankrekeningnummer verwijderd; contract en betalingen blijven tot 1 maart 2033."}, "", nil)
	j.answer(carry["dossiers-overlast"], map[string]string{"result": "done", "backups": "included"}, "", nil)
	j.answer(carry["website"], map[string]string{"result": "not_possible",
		"note": "De oude huurdersportal kan geen accounts verwijderen; het account is geblokkeerd en gaat weg als de portal in juni stopt."}, "", nil)
	j.printf("The last answer sends the decision, with its list of systems, and the notice to the recipient:\n\n")
	ms = j.letters()
	j.letter(ms, "decision", carla)
	j.letter(ms, "correction_notice", "buurtbemiddeling@gemeente-veenendaal.example")
}
