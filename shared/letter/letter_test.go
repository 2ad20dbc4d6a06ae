package letter

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"html"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/request"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// profiles are the two organisations of docs/rules.md, each with a fixture in testdata/profiles.
var profiles = []string{"vallei-wonen", "de-alliantie"}

// fixture is a base Data for one organisation plus, per kind, the fields that differ, and what
// differs in English: the organisation's own texts, which it supplies in both languages.
type fixture struct {
	Base  json.RawMessage
	Kinds map[Kind]json.RawMessage
	EN    struct {
		Base  json.RawMessage
		Kinds map[Kind]json.RawMessage
	}
}

func loadFixture(t testing.TB, profile string) fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "profiles", profile+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", profile, err)
	}
	return f
}

// data returns a fresh Data for kind in Dutch: decoding anew each time keeps subtests independent.
func (f fixture) data(t testing.TB, kind Kind) Data {
	t.Helper()
	return f.dataIn(t, kind, "nl")
}

// dataIn is data for a letter in lang.
func (f fixture) dataIn(t testing.TB, kind Kind, lang string) Data {
	t.Helper()
	var d Data
	if err := json.Unmarshal(f.Base, &d); err != nil {
		t.Fatal(err)
	}
	if o, ok := f.Kinds[kind]; ok {
		if err := json.Unmarshal(o, &d); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	if lang == "en" {
		for _, o := range []json.RawMessage{f.EN.Base, f.EN.Kinds[kind]} {
			if o == nil {
				continue
			}
			if err := json.Unmarshal(o, &d); err != nil {
				t.Fatalf("%s (en): %v", kind, err)
			}
		}
	}
	return d
}

func mustRender(t testing.TB, kind Kind, lang string, d Data) Message {
	t.Helper()
	m, err := Render(kind, lang, d)
	if err != nil {
		t.Fatalf("Render(%s, %s): %v", kind, lang, err)
	}
	return m
}

// checkGolden compares m with dir/name.{subject,txt,html}, or rewrites them with -update.
func checkGolden(t *testing.T, dir, name string, m Message) {
	t.Helper()
	for ext, got := range map[string]string{"subject": m.Subject + "\n", "txt": m.Text, "html": m.HTML} {
		path := filepath.Join(dir, name+"."+ext)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s differs from the golden file (-want +got):\n%s", path, diff)
		}
	}
}

// rendered is one letter rendered from a fixture, for the checks that hold for every letter.
type rendered struct {
	name string
	kind Kind
	lang string
	data Data
	msg  Message
}

func renderAll(t *testing.T) []rendered {
	t.Helper()
	var out []rendered
	for _, p := range profiles {
		f := loadFixture(t, p)
		for _, lang := range Languages() {
			for _, k := range Kinds() {
				d := f.dataIn(t, k, lang)
				out = append(out, rendered{name: p + "/" + lang + "/" + string(k), kind: k, lang: lang, data: d, msg: mustRender(t, k, lang, d)})
			}
		}
	}
	return out
}

func TestGolden(t *testing.T) {
	t.Parallel()
	for _, p := range profiles {
		f := loadFixture(t, p)
		for _, lang := range Languages() {
			for _, k := range Kinds() {
				t.Run(p+"/"+lang+"/"+string(k), func(t *testing.T) {
					t.Parallel()
					m := mustRender(t, k, lang, f.dataIn(t, k, lang))
					checkGolden(t, filepath.Join("testdata", "golden", p, lang), string(k), m)
				})
			}
		}
	}
}

// decisionVariants cover every request type and outcome, so every sentence of the decision
// template is in a golden file.
type decisionVariant struct {
	typ, outcome string
	dec          DecisionInfo
	name         string // the golden file's name when not "<typ>-<outcome>"
}

var decisionVariants = []decisionVariant{
	{"access", "granted", DecisionInfo{}, ""},
	{"access", "partly_granted", DecisionInfo{Motivation: "Notes about a criminal investigation are left out.", Ground: "crime_prevention"}, ""},
	{"access", "refused", DecisionInfo{Motivation: "You asked for the same data three times this month.", Ground: "excessive"}, ""},
	{"rectification", "granted", DecisionInfo{Recipients: []string{"Gemeente Ede", "Incassobureau Voorbeeld B.V."}}, ""},
	{"rectification", "partly_granted", DecisionInfo{Motivation: "Your rent history is correct as it stands.", RecipientsNote: "The former contractor no longer exists."}, ""},
	{"rectification", "refused", DecisionInfo{Motivation: "Our rent ledger shows the payment of March on 2 April.", Ground: "accurate",
		Evidence: "A bank statement that shows the payment of March before 1 April."}, ""},
	{"erasure", "granted", DecisionInfo{NoRecipients: true}, ""},
	{"erasure", "partly_granted", DecisionInfo{Motivation: "We must keep the rent payments for 7 years.", Ground: "legal_obligation", Recipients: []string{"WoningNet"}, RecipientsNote: "The old housing association could not be reached."}, ""},
	{"erasure", "refused", DecisionInfo{Motivation: "You still rent the home: we need the data for the tenancy.", Ground: "no_erasure_ground"}, ""},
	{"objection", "granted", DecisionInfo{Motivation: "Your situation outweighs our interest."}, ""},
	{"objection", "partly_granted", DecisionInfo{Motivation: "We need your address for the rent.", Ground: "compelling_grounds"}, ""},
	{"objection", "refused", DecisionInfo{Motivation: "The municipality requires the data for the rent allowance.", Ground: "required_by_law"}, ""},
	{"complaint", "granted", DecisionInfo{Motivation: "We sent your data to the wrong address. We have changed our process."}, ""},
	{"complaint", "partly_granted", DecisionInfo{Motivation: "The letter was late, but it was sent to the right address."}, ""},
	{"complaint", "refused", DecisionInfo{Motivation: "We shared your data only with the contractor that repairs your home."}, ""},
	{"restriction", "granted", DecisionInfo{Motivation: "We check the rent arrears you dispute.", Recipients: []string{"Incassobureau Voorbeeld B.V."}}, ""},
	{"restriction", "partly_granted", DecisionInfo{Motivation: "The address is needed for the repairs.", Ground: "no_restriction_ground", NoRecipients: true}, ""},
	{"restriction", "refused", DecisionInfo{Motivation: "The data is correct and we use it lawfully.", Ground: "no_restriction_ground"}, ""},
	{"portability", "granted", DecisionInfo{TransferTo: "verhuur@nieuwe-corporatie.example", TransferSent: true}, ""},
	{"portability", "partly_granted", DecisionInfo{Motivation: "Notes our staff wrote are not data you gave us.", Ground: "no_portability_ground", TransferTo: "info@onbekend.example"}, ""},
	{"portability", "refused", DecisionInfo{Motivation: "We hold no data you gave us with consent or for a contract.", Ground: "no_portability_ground"}, ""},
	{"access", "partly_granted", DecisionInfo{Motivation: "We leave out the notes for our claim against the former contractor.", Ground: "civil_claims"}, "access-partly_granted-civil_claims"},
	{"access", "refused", DecisionInfo{Motivation: "You sent no court decision that appoints you as guardian.", Ground: "representation_not_proven"}, "access-refused-representation"},
	{"erasure", "granted", DecisionInfo{Recipients: []string{"Gemeente Hilversum (Postbus 9900, 1201 GM Hilversum)"}, Unchanged: []string{"WoningNet", "Aannemer Bouw"}}, "erasure-granted-unchanged"},
	{"erasure", "partly_granted", DecisionInfo{Motivation: "We must keep the rent payments for 7 years.", Ground: "legal_obligation", Unchanged: []string{"WoningNet"}}, "erasure-partly_granted-unchanged-only"},
}

// golden is the name of a decision variant's golden files.
func (v decisionVariant) golden() string {
	if v.name != "" {
		return v.name
	}
	return v.typ + "-" + v.outcome
}

func decisionData(t testing.TB, lang, typ, outcome string, dec DecisionInfo) Data {
	t.Helper()
	d := loadFixture(t, "vallei-wonen").dataIn(t, Decision, lang)
	d.RequestType = request.Type(typ)
	dec.Outcome = request.Outcome(outcome)
	d.Decision = &dec
	return d
}

func TestGoldenDecisions(t *testing.T) {
	t.Parallel()
	for _, v := range decisionVariants {
		for _, lang := range Languages() {
			t.Run(lang+"/"+v.golden(), func(t *testing.T) {
				t.Parallel()
				m := mustRender(t, Decision, lang, decisionData(t, lang, v.typ, v.outcome, v.dec))
				checkGolden(t, filepath.Join("testdata", "golden", "decisions", lang), v.golden(), m)
			})
		}
	}
}

func TestDecisionEscalation(t *testing.T) {
	t.Parallel()
	ap := "Postbus 93374, 2509 AJ Den Haag"
	words := map[string][]string{
		"nl": {ap, "autoriteitpersoonsgegevens.nl", "6 weken", "rechter"},
		"en": {ap, "autoriteitpersoonsgegevens.nl", "6 weeks", "court"},
	}
	for _, v := range decisionVariants {
		for _, lang := range Languages() {
			t.Run(lang+"/"+v.golden(), func(t *testing.T) {
				t.Parallel()
				// Every refusal and partial grant names the escalation routes (docs/rules.md §4);
				// a complaint decision always does (A §16).
				want := v.outcome != "granted" || v.typ == "complaint"
				d := decisionData(t, lang, v.typ, v.outcome, v.dec)
				d.EscalationWeeks = 0 // the statutory default applies
				m := mustRender(t, Decision, lang, d)
				for _, part := range []string{m.Text, m.HTML} {
					for _, w := range words[lang] {
						if got := strings.Contains(part, w); got != want {
							t.Errorf("contains %q = %v, want %v", w, got, want)
						}
					}
				}
			})
		}
	}
}

func TestSubjectHoldsReference(t *testing.T) {
	t.Parallel()
	for _, r := range renderAll(t) {
		if r.kind.AboutACase() && !strings.Contains(r.msg.Subject, r.data.Reference) {
			t.Errorf("%s: subject %q lacks the reference %q", r.name, r.msg.Subject, r.data.Reference)
		}
		if strings.ContainsAny(r.msg.Subject, "\r\n") {
			t.Errorf("%s: subject %q spans lines", r.name, r.msg.Subject)
		}
	}
}

var urlRE = regexp.MustCompile(`https?://\S+`)

func TestTextIsTidy(t *testing.T) {
	t.Parallel()
	for _, r := range renderAll(t) {
		txt := r.msg.Text
		if strings.Contains(txt, "\n\n\n") {
			t.Errorf("%s: a run of blank lines:\n%s", r.name, txt)
		}
		if !strings.HasSuffix(txt, "\n") || strings.HasSuffix(txt, "\n\n") || strings.HasPrefix(txt, "\n") {
			t.Errorf("%s: text must start with a line and end with one newline", r.name)
		}
		for i, l := range strings.Split(strings.TrimSuffix(txt, "\n"), "\n") {
			if l != strings.TrimSpace(l) {
				t.Errorf("%s: line %d has stray whitespace: %q", r.name, i+1, l)
			}
			if strings.Contains(l, "{{") || strings.Contains(l, "<no value>") {
				t.Errorf("%s: line %d has template residue: %q", r.name, i+1, l)
			}
			// Action links stand alone on their line so they can be copied whole.
			for _, u := range r.data.Links {
				if strings.Contains(l, u) && l != u {
					t.Errorf("%s: link %q shares line %d: %q", r.name, u, i+1, l)
				}
			}
		}
		if key, ok := requiredLinks[r.kind]; ok && !slices.Contains(strings.Split(txt, "\n"), r.data.Links[key]) {
			t.Errorf("%s: the %q link is not written out", r.name, key)
		}
	}
}

// TestHTMLShape checks what every HTML part must be: well-formed, in the right language,
// self-contained, with one button per action whose address is also written out.
func TestHTMLShape(t *testing.T) {
	t.Parallel()
	hrefRE := regexp.MustCompile(`<a [^>]*href="([^"]*)"`)
	for _, r := range renderAll(t) {
		h := r.msg.HTML
		if !strings.HasPrefix(h, "<!DOCTYPE html>\n<html lang=\""+r.lang+"\">") {
			t.Errorf("%s: HTML does not open with the doctype and lang=%q", r.name, r.lang)
		}
		for _, bad := range []string{"<img", "<script", "<link", "<style", "<iframe", " src=", "url(", "@import", "<no value>"} {
			if strings.Contains(strings.ToLower(h), bad) {
				t.Errorf("%s: HTML contains %q", r.name, bad)
			}
		}
		if err := wellFormed(h); err != nil {
			t.Errorf("%s: HTML is not well-formed: %v", r.name, err)
		}
		var hrefs []string
		for _, m := range hrefRE.FindAllStringSubmatch(h, -1) {
			hrefs = append(hrefs, html.UnescapeString(m[1]))
		}
		links := slices.Collect(maps.Values(r.data.Links))
		var want []string
		for _, u := range urlRE.FindAllString(r.msg.Text, -1) {
			if slices.Contains(links, u) {
				want = append(want, u)
			}
		}
		slices.Sort(want)
		want = slices.Compact(want)
		if diff := cmp.Diff(want, slices.Sorted(slices.Values(hrefs))); diff != "" {
			t.Errorf("%s: one button per action link in the text (-want +got):\n%s", r.name, diff)
		}
		for _, u := range hrefs {
			if !strings.Contains(h, `break-all">`+html.EscapeString(u)+"</span>") {
				t.Errorf("%s: link %q is not written out", r.name, u)
			}
		}
	}
}

// wellFormed parses h as XML: the layout and the renderer write XHTML-compatible markup, so
// any unbalanced or unescaped markup shows up here.
func wellFormed(h string) error {
	dec := xml.NewDecoder(strings.NewReader(h))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestTextMatchesHTML checks that both parts say the same: every line of the text part is
// in the HTML part, once tags and markup are removed.
func TestTextMatchesHTML(t *testing.T) {
	t.Parallel()
	tagRE := regexp.MustCompile(`<[^>]+>`)
	for _, r := range renderAll(t) {
		plain := strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(r.msg.HTML, " "))), " ")
		for _, l := range strings.Split(r.msg.Text, "\n") {
			l = strings.TrimSuffix(strings.TrimPrefix(l, "- "), ":")
			if l == "" || l == "--" {
				continue
			}
			if !strings.Contains(plain, strings.Join(strings.Fields(l), " ")) {
				t.Errorf("%s: text line %q is not in the HTML part", r.name, l)
			}
		}
	}
}

func TestHTMLEscapesUserText(t *testing.T) {
	t.Parallel()
	evil := `<script>alert("x")</script> & <b>bold</b>`
	f := loadFixture(t, "vallei-wonen")
	for _, tc := range []struct {
		kind Kind
		set  func(*Data)
	}{
		{Decision, func(d *Data) { d.Decision.Motivation = evil }},
		{Decision, func(d *Data) {
			d.Decision.Outcome, d.RequestType = "granted", "rectification"
			d.Decision.Recipients = []string{evil}
		}},
		{IDRequested, func(d *Data) { d.Reason = evil }},
		{DelayNotice, func(d *Data) { d.Explanation = evil }},
		{Receipt, func(d *Data) { d.RecipientName = evil }},
		{StaffCase, func(d *Data) { d.Staff.SubjectName = evil }},
		{CorrectionNotice, func(d *Data) { d.Correction.Summary = evil }},
		{Receipt, func(d *Data) { d.Org.Name = evil }},
		{Receipt, func(d *Data) { d.Links[LinkStatus] += `&x="><script>` }},
	} {
		for _, lang := range Languages() {
			t.Run(lang+"/"+string(tc.kind), func(t *testing.T) {
				t.Parallel()
				d := f.data(t, tc.kind)
				tc.set(&d)
				m := mustRender(t, tc.kind, lang, d)
				for _, bad := range []string{"<script", "<b>", `"x"`} {
					if strings.Contains(m.HTML, bad) {
						t.Errorf("HTML contains unescaped %q", bad)
					}
				}
				if !strings.Contains(m.HTML, "&lt;script&gt;") {
					t.Errorf("HTML lacks the escaped text")
				}
				if err := wellFormed(m.HTML); err != nil {
					t.Errorf("HTML is not well-formed: %v", err)
				}
				if !strings.Contains(m.Text, "<script>") {
					t.Errorf("text part should carry the words as written")
				}
			})
		}
	}
}

// TestOutsidersLearnNothing: a third party never learns who asked (docs/rules.md §4), a recipient
// organisation never learns why; whatever else the caller leaves in Data.
func TestOutsidersLearnNothing(t *testing.T) {
	t.Parallel()
	secrets := []string{"Fatima", "Yusuf", "Amrani", "secret-motivation", "secret-reason", "secret-explanation", "StaffCase?", "RequestStatus?", "UploadID?", "DownloadResult?"}
	f := loadFixture(t, "de-alliantie")
	for _, kind := range []Kind{ThirdPartyConsultation, CorrectionNotice} {
		for _, lang := range Languages() {
			t.Run(lang+"/"+string(kind), func(t *testing.T) {
				t.Parallel()
				d := f.data(t, kind)
				d.RecipientName = "Petra Jansen"
				d.Representative = &Representative{Name: "Fatima el Amrani", Capacity: "parent", SubjectName: "Yusuf el Amrani"}
				d.Staff = &StaffInfo{SubjectName: "Yusuf el Amrani"}
				d.Decision = &DecisionInfo{Outcome: "refused", Motivation: "secret-motivation Yusuf", Ground: "excessive"}
				d.Reason, d.Explanation = "secret-reason", "secret-explanation"
				if kind == CorrectionNotice {
					// The recipient learns whose record changed and what changed: nothing else.
					d.Correction.Summary, d.Correction.SubjectName = "Het adres is gewijzigd.", "de bewoner van Lindelaan 8"
				}
				m := mustRender(t, kind, lang, d)
				for _, part := range []string{m.Subject, m.Text, m.HTML} {
					for _, s := range secrets {
						if strings.Contains(part, s) {
							t.Errorf("letter contains %q", s)
						}
					}
				}
				if !strings.Contains(m.Text, "Petra Jansen") {
					t.Errorf("the salutation should name the recipient")
				}
			})
		}
	}
}

func TestRepresentative(t *testing.T) {
	t.Parallel()
	f := loadFixture(t, "de-alliantie")
	want := map[string]string{
		"nl": "U doet dit namens Yusuf el Amrani, als wettelijk vertegenwoordiger (ouder).",
		"en": "You are acting on behalf of Yusuf el Amrani as their legal representative (parent).",
	}
	for _, k := range Kinds() {
		for _, lang := range Languages() {
			m := mustRender(t, k, lang, f.data(t, k))
			if got, w := strings.Contains(m.Text, want[lang]), k.Audience() == ToRequester; got != w {
				t.Errorf("%s/%s: says on whose behalf = %v, want %v", lang, k, got, w)
			}
		}
	}
}

func TestClockSuspended(t *testing.T) {
	t.Parallel()
	paused := map[string]string{"nl": "staat stil", "en": "is paused"}
	for _, k := range []Kind{IDRequested, IDRejected, Receipt} {
		for _, lang := range Languages() {
			for _, suspended := range []bool{true, false} {
				d := loadFixture(t, "vallei-wonen").data(t, k)
				d.ClockSuspended = suspended
				m := mustRender(t, k, lang, d)
				if got := strings.Contains(m.Text, paused[lang]); got != suspended {
					t.Errorf("%s/%s suspended=%v: says the term is paused = %v", lang, k, suspended, got)
				}
			}
		}
	}
}

func TestIDLettersAskForAMaskedCopy(t *testing.T) {
	t.Parallel()
	must := map[string][]string{
		"nl": {"burgerservicenummer (BSN)", "pasfoto", "KopieID", "Stuur de kopie niet per e-mail."},
		"en": {"citizen service number (BSN)", "passport photo", "KopieID", "Do not send the copy by e-mail."},
	}
	for _, r := range renderAll(t) {
		if r.kind != IDRequested && r.kind != IDRejected {
			continue
		}
		for _, w := range append(must[r.lang], r.data.Reason) {
			if !strings.Contains(r.msg.Text, w) {
				t.Errorf("%s: lacks %q", r.name, w)
			}
		}
	}
}

func TestRenderRefuses(t *testing.T) {
	t.Parallel()
	f := loadFixture(t, "vallei-wonen")
	tests := []struct {
		name   string
		kind   Kind
		lang   string
		set    func(*Data)
		err    error
		fields []string
	}{
		{name: "unknown kind", kind: "postcard", lang: "nl", err: ErrUnknownKind},
		{name: "unknown language", kind: Receipt, lang: "de", err: ErrUnknownLanguage},
		{name: "no language", kind: Receipt, lang: "", err: ErrUnknownLanguage},
		{name: "receipt without due date", kind: Receipt, set: func(d *Data) { d.DueDate = civil.Date{} }, fields: []string{"DueDate"}},
		{name: "receipt without status link", kind: Receipt, set: func(d *Data) { delete(d.Links, LinkStatus) }, fields: []string{`Links["status"]`}},
		{name: "every problem at once", kind: Receipt, set: func(d *Data) {
			d.Reference, d.Org.Name, d.RequestType, d.Received, d.DueDate, d.Links = " ", "", "", civil.Date{}, civil.Date{}, nil
		}, fields: []string{"Reference", "Org.Name", "RequestType", `Links["status"]`, "Received", "DueDate"}},
		{name: "unknown request type", kind: ConfirmEmail, set: func(d *Data) { d.RequestType = "appeal" }, fields: []string{"RequestType"}},
		{name: "relative link", kind: ConfirmEmail, set: func(d *Data) { d.Links[LinkConfirm] = "/ConfirmRequest?token=x" }, fields: []string{`Links["confirm"]`}},
		{name: "javascript link", kind: ConfirmEmail, set: func(d *Data) { d.Links[LinkConfirm] = "javascript:alert(1)" }, fields: []string{`Links["confirm"]`}},
		{name: "bad unused link", kind: ConfirmEmail, set: func(d *Data) { d.Links[LinkDownload] = "https://x.example/a b" }, fields: []string{`Links["download"]`}},
		{name: "invalid date", kind: Receipt, set: func(d *Data) { d.DueDate = civil.Date{Year: 2026, Month: 13, Day: 1} }, fields: []string{"DueDate"}},
		{name: "id request without reason or link", kind: IDRequested, set: func(d *Data) { d.Reason = ""; delete(d.Links, LinkUpload) }, fields: []string{`Links["upload"]`, "Reason"}},
		{name: "id rejection without reason", kind: IDRejected, set: func(d *Data) { d.Reason = "\n" }, fields: []string{"Reason"}},
		{name: "staff case without staff link", kind: StaffCase, set: func(d *Data) { d.Links = map[string]string{} }, fields: []string{`Links["staff"]`}},
		{name: "staff reminder without staff info", kind: StaffReminder, set: func(d *Data) { d.Staff = nil }, fields: []string{"Staff"}},
		{name: "staff reminder past due", kind: StaffReminder, set: func(d *Data) { d.Staff.DaysLeft = -2 }, fields: []string{"Staff.DaysLeft"}},
		{name: "overdue that is not", kind: StaffOverdue, set: func(d *Data) { d.Staff.DaysOverdue, d.Staff.DaysLeft = 0, 0 }, fields: []string{"Staff.DaysOverdue"}},
		{name: "delay without explanation, dates backwards", kind: DelayNotice, set: func(d *Data) {
			d.Explanation, d.DueDate = "", d.PreviousDueDate.AddDays(-1)
		}, fields: []string{"DueDate", "Explanation"}},
		{name: "delay without previous date", kind: DelayNotice, set: func(d *Data) { d.PreviousDueDate = civil.Date{} }, fields: []string{"PreviousDueDate"}},
		{name: "third party without info", kind: ThirdPartyConsultation, set: func(d *Data) { d.ThirdParty = nil }, fields: []string{"ThirdParty"}},
		{name: "third party term stated but unknown", kind: ThirdPartyConsultation, set: func(d *Data) {
			d.ThirdParty = &ThirdPartyInfo{StateTerm: true}
		}, fields: []string{"ThirdParty.ObjectionDays", "ThirdParty.ObjectionDue"}},
		{name: "decision missing", kind: Decision, set: func(d *Data) { d.Decision = nil }, fields: []string{"Decision"}},
		{name: "refusal without motivation or ground", kind: Decision, set: func(d *Data) {
			d.Decision = &DecisionInfo{Outcome: "refused"}
		}, fields: []string{"Decision.Motivation", "Decision.Ground"}},
		{name: "unknown outcome and ground", kind: Decision, set: func(d *Data) {
			d.Decision = &DecisionInfo{Outcome: "maybe", Motivation: "x", Ground: "whim"}
		}, fields: []string{"Decision.Outcome", "Decision.Ground"}},
		{name: "ground of another right", kind: Decision, set: func(d *Data) {
			d.RequestType, d.Decision = "objection", &DecisionInfo{Outcome: "refused", Motivation: "x", Ground: "state_security"}
			d.Decision.Ground = "accurate"
		}, fields: []string{"Decision.Ground", "Decision.Evidence"}},
		{name: "fee without its basis, and on a refusal", kind: Decision, set: func(d *Data) {
			d.Decision = &DecisionInfo{Outcome: "granted", Fee: "5,00"}
		}, fields: []string{"Decision.FeeBasis"}},
		{name: "fee on a refusal", kind: Decision, set: func(d *Data) {
			d.Decision = &DecisionInfo{Outcome: "refused", Motivation: "x", Ground: "excessive", Fee: "5,00", FeeBasis: "excessive"}
		}, fields: []string{"Decision.Fee"}},
		{name: "complaint with a ground", kind: Decision, set: func(d *Data) {
			d.RequestType, d.Decision = "complaint", &DecisionInfo{Outcome: "refused", Motivation: "x", Ground: "excessive"}
		}, fields: []string{"Decision.Ground"}},
		{name: "partial grant without motivation", kind: Decision, set: func(d *Data) { d.Decision.Motivation = "" }, fields: []string{"Decision.Motivation"}},
		{name: "rectification without recipients", kind: Decision, set: func(d *Data) {
			d.RequestType, d.Decision = "rectification", &DecisionInfo{Outcome: "granted"}
		}, fields: []string{"Decision.Recipients"}},
		{name: "empty recipient", kind: Decision, set: func(d *Data) {
			d.RequestType, d.Decision = "erasure", &DecisionInfo{Outcome: "granted", Recipients: []string{"WoningNet", " "}}
		}, fields: []string{"Decision.Recipients[1]"}},
		{name: "result without expiry or link", kind: ResultReady, set: func(d *Data) { d.LinksExpire = civil.Date{}; d.Links = nil }, fields: []string{`Links["download"]`, "LinksExpire"}},
		{name: "correction notice for access", kind: CorrectionNotice, set: func(d *Data) { d.RequestType = "access" }, fields: []string{"RequestType"}},
		{name: "correction notice without summary", kind: CorrectionNotice, set: func(d *Data) { d.Correction = &CorrectionInfo{SubjectName: "J. de Vries"} }, fields: []string{"Correction.Summary"}},
		{name: "correction notice without the person", kind: CorrectionNotice, set: func(d *Data) { d.Correction = &CorrectionInfo{Summary: "Het adres."} }, fields: []string{"Correction.SubjectName"}},
		{name: "withdrawn without how", kind: Withdrawn, set: func(d *Data) { d.WithdrawnVia = "" }, fields: []string{"WithdrawnVia"}},
		{name: "withdrawn on the web form", kind: Withdrawn, set: func(d *Data) { d.WithdrawnVia = "web" }, fields: []string{"WithdrawnVia"}},
		{name: "identity confirmed without due date", kind: IdentityConfirmed, set: func(d *Data) { d.DueDate = civil.Date{} }, fields: []string{"DueDate"}},
		{name: "representative without subject", kind: Receipt, set: func(d *Data) {
			d.Representative = &Representative{Name: "A", Capacity: "uncle"}
		}, fields: []string{"Representative.SubjectName", "Representative.Capacity"}},
		{name: "negative escalation term", kind: Decision, set: func(d *Data) { d.EscalationWeeks = -6 }, fields: []string{"EscalationWeeks"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := f.data(t, tc.kind)
			if tc.set != nil {
				tc.set(&d)
			}
			lang := tc.lang
			if lang == "" && tc.err == nil {
				lang = "nl"
			}
			m, err := Render(tc.kind, lang, d)
			if err == nil {
				t.Fatalf("Render succeeded: %q", m.Subject)
			}
			if m != (Message{}) {
				t.Errorf("Render returned a message with its error")
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Errorf("error %v is not %v", err, tc.err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidData) {
				t.Errorf("error %v is not ErrInvalidData", err)
			}
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DataError", err)
			}
			if diff := cmp.Diff(tc.fields, de.Fields()); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerror: %v", diff, err)
			}
			for _, field := range tc.fields {
				if !strings.Contains(err.Error(), field) {
					t.Errorf("error %q does not name %s", err, field)
				}
			}
		})
	}
}

func TestOptionalParts(t *testing.T) {
	t.Parallel()
	f := loadFixture(t, "vallei-wonen")
	tests := []struct {
		name   string
		kind   Kind
		set    func(*Data)
		has    []string
		hasNot []string
	}{
		{name: "neutral salutation", kind: Receipt, set: func(d *Data) { d.RecipientName = "" }, has: []string{"Beste heer/mevrouw,"}},
		{name: "no expiry sentence without a date", kind: Receipt, set: func(d *Data) { d.LinksExpire = civil.Date{} }, hasNot: []string{"Deze link werkt tot en met"}},
		{name: "access is free", kind: Receipt, has: []string{"Inzage is altijd gratis."}},
		{name: "other types say nothing of access", kind: Receipt, set: func(d *Data) { d.RequestType = "erasure" }, hasNot: []string{"Inzage is altijd gratis."}, has: []string{"Verwijdering betekent"}},
		{name: "delay notice with status link", kind: DelayNotice, has: []string{"Bekijk de status:", "RequestStatus?token="}},
		{name: "delay notice without status link", kind: DelayNotice, set: func(d *Data) { delete(d.Links, LinkStatus) }, hasNot: []string{"Bekijk de status", "RequestStatus?token="}},
		{name: "delay notice names the ceiling and the AP", kind: DelayNotice, has: []string{"hoogstens 3 maanden nadat wij uw verzoek hebben ontvangen", "Postbus 93374, 2509 AJ Den Haag", "1 april 2026"}, set: func(d *Data) { d.PreviousDueDate = civil.Date{Year: 2026, Month: 4, Day: 1} }},
		{name: "access decision without download link promises one", kind: Decision, set: func(d *Data) { delete(d.Links, LinkDownload) }, has: []string{"aparte e-mail"}},
		{name: "access decision with download link", kind: Decision, has: []string{"Download de gegevens:", "onleesbaar gemaakt"}, hasNot: []string{"aparte e-mail"}},
		{name: "third party without stated term", kind: ThirdPartyConsultation, set: func(d *Data) { d.ThirdParty = &ThirdPartyInfo{} }, has: []string{"Wilt u zo snel mogelijk reageren?"}, hasNot: []string{"dagen de tijd"}},
		{name: "third party with stated term", kind: ThirdPartyConsultation, has: []string{"U hebt 14 dagen de tijd om bezwaar te maken: tot en met 24 april 2026."}},
		{name: "reminder on the last day", kind: StaffReminder, set: func(d *Data) { d.Staff.DaysLeft = 0 }, has: []string{"Vandaag is de laatste dag."}},
		{name: "reminder one day left", kind: StaffReminder, set: func(d *Data) { d.Staff.DaysLeft = 1 }, has: []string{"U hebt nog 1 dag."}},
		{name: "reminder after extension", kind: StaffReminder, set: func(d *Data) { d.Staff.Extended = true }, has: []string{"(verlengd)", "Nog een keer verlengen kan niet."}},
		{name: "overdue counted from DaysLeft", kind: StaffOverdue, set: func(d *Data) { d.Staff.DaysOverdue, d.Staff.DaysLeft = 0, -4 }, has: []string{"4 dagen geleden"}},
		{name: "unknown status shown as is", kind: StaffCase, set: func(d *Data) { d.Staff.Status = "on_hold" }, has: []string{"Status: on_hold"}},
		{name: "staff letter never names the representative", kind: StaffCase, set: func(d *Data) {
			d.Representative = &Representative{Name: "Karel Voogd", Capacity: "guardian", SubjectName: "Jan de Vries"}
		}, has: []string{"Ingediend door: een wettelijk vertegenwoordiger (voogd)"}, hasNot: []string{"Karel"}},
		{name: "escalation term from data", kind: Decision, set: func(d *Data) { d.EscalationWeeks = 8 }, has: []string{"binnen 8 weken"}},
		{name: "complaints contact on its own line", kind: Decision, has: []string{"U kunt ook eerst een klacht bij ons indienen:\nDe klachtenregeling van Vallei Wonen"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := f.data(t, tc.kind)
			if tc.set != nil {
				tc.set(&d)
			}
			m := mustRender(t, tc.kind, "nl", d)
			for _, w := range tc.has {
				if !strings.Contains(m.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, m.Text)
				}
			}
			for _, w := range tc.hasNot {
				if strings.Contains(m.Text, w) || strings.Contains(m.HTML, w) {
					t.Errorf("letter contains %q", w)
				}
			}
		})
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	// docs/contract.md §5 lists these categories; they are the kinds' values.
	want := []Kind{"confirm_email", "confirm_reminder", "receipt", "staff_case", "id_requested", "id_rejected",
		"staff_reminder", "staff_overdue", "delay_notice", "third_party_consultation", "decision", "result_ready", "correction_notice", "portability_transfer",
		"identity_confirmed", "withdrawn", "term_passed", "decree_days_missing", "desk_link", "staff_digest", "accountability_report",
		"search_task", "search_reminder", "search_overdue", "search_cancelled", "search_reassigned", "carry_out_task",
		"approval_request", "approval_overdue", "decision_returned", "approval_cancelled"}
	got := Kinds()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Kinds() (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if got, want := Kinds()[0], ConfirmEmail; got != want {
		t.Errorf("Kinds() shares its slice: got %q, want %q", got, want)
	}
	for _, k := range want {
		if !k.Valid() {
			t.Errorf("%s: Valid() = false", k)
		}
		if k.Audience() == "" {
			t.Errorf("%s: no audience", k)
		}
	}
	for _, k := range []Kind{"", "Receipt", "receipt ", "postcard"} {
		if k.Valid() {
			t.Errorf("%q: Valid() = true", k)
		}
	}
}

func TestStatesDueDate(t *testing.T) {
	t.Parallel()
	states := map[Kind]bool{Receipt: true, StaffCase: true, StaffReminder: true, StaffOverdue: true, DelayNotice: true, IdentityConfirmed: true, TermPassed: true, SearchOverdue: true,
		ApprovalRequest: true, ApprovalOverdue: true, DecisionReturned: true, ApprovalCancelled: true}
	f := loadFixture(t, "vallei-wonen")
	for _, k := range Kinds() {
		if got, want := k.StatesDueDate(), states[k]; got != want {
			t.Errorf("%s.StatesDueDate() = %v, want %v", k, got, want)
		}
		// A letter that states the due date must really show it; the others must not, or
		// custom_args.dueDate and the letter would disagree.
		for _, lang := range Languages() {
			d := f.data(t, k)
			d.DueDate = civil.Date{Year: 2026, Month: 5, Day: 19}
			if k == DelayNotice {
				d.PreviousDueDate = civil.Date{Year: 2026, Month: 4, Day: 24}
			}
			if k == TermPassed {
				d.ExpectedOn = civil.Date{Year: 2026, Month: 5, Day: 26}
			}
			m := mustRender(t, k, lang, d)
			if got, want := strings.Contains(m.Text, FormatDate(d.DueDate, lang)), states[k]; got != want {
				t.Errorf("%s/%s: shows the due date = %v, want %v", lang, k, got, want)
			}
		}
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    civil.Date
		lang string
		want string
	}{
		{civil.Date{Year: 2026, Month: 4, Day: 17}, "nl", "17 april 2026"},
		{civil.Date{Year: 2026, Month: 4, Day: 17}, "en", "17 April 2026"},
		{civil.Date{Year: 2026, Month: 1, Day: 2}, "nl", "2 januari 2026"},
		{civil.Date{Year: 2027, Month: 12, Day: 31}, "en", "31 December 2027"},
		{civil.Date{Year: 2026, Month: 3, Day: 5}, "fr", "2026-03-05"},
		{civil.Date{}, "nl", ""},
		{civil.Date{Year: 2026, Month: 2, Day: 30}, "nl", ""},
	}
	for _, tc := range tests {
		if got, want := FormatDate(tc.d, tc.lang), tc.want; got != want {
			t.Errorf("FormatDate(%v, %q) = %q, want %q", tc.d, tc.lang, got, want)
		}
	}
}

func TestGroundName(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, g := range request.Grounds {
		for _, lang := range Languages() {
			name := GroundName(g, lang)
			if name == "" || seen[name] {
				t.Errorf("GroundName(%q, %q) = %q: empty or not unique", g, lang, name)
			}
			seen[name] = true
		}
	}
	for _, tc := range []struct {
		ground     request.Ground
		lang, want string
	}{
		{"state_security", "nl", "de veiligheid van de staat"},
		{"crime_prevention", "en", "the prevention, detection or prosecution of criminal offences"},
		{"whim", "nl", ""},
		{"excessive", "de", ""},
	} {
		if got := GroundName(tc.ground, tc.lang); got != tc.want {
			t.Errorf("GroundName(%q, %q) = %q, want %q", tc.ground, tc.lang, got, tc.want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	f := loadFixture(b, "vallei-wonen")
	for _, k := range []Kind{Receipt, Decision} {
		d := f.data(b, k)
		b.Run(string(k), func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(k, "nl", d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// The product's own words (issue 10): a decision is a "beslissing", never a "besluit" (which
// suggests a government decision); a request is a "verzoek"; no letter promises mediation by
// the Autoriteit Persoonsgegevens (that was the old Wbp) or states a fixed link lifetime.
func TestPlainWords(t *testing.T) {
	t.Parallel()
	never := map[string][]string{
		"nl": {"besluit", "aanvraag", "aangevraagd", "bemiddel", "7 dagen", "op ons verzoek"},
		"en": {"mediat", "7 days", "The legal reason", "at our request"},
	}
	check := func(name, lang string, m Message) {
		for _, part := range []string{m.Subject, m.Text} {
			for _, w := range never[lang] {
				if strings.Contains(strings.ToLower(part), strings.ToLower(w)) {
					t.Errorf("%s contains %q", name, w)
				}
			}
		}
	}
	for _, r := range renderAll(t) {
		check(r.name, r.lang, r.msg)
	}
	for _, v := range decisionVariants {
		for _, lang := range Languages() {
			check(lang+"/decision/"+v.typ+"-"+v.outcome, lang, mustRender(t, Decision, lang, decisionData(t, lang, v.typ, v.outcome, v.dec)))
		}
	}
}

// Letters speak to a representative about the person they represent, never about "your data"
// (docs/rules.md §1).
func TestRepresentativeReadsAboutTheSubject(t *testing.T) {
	t.Parallel()
	f := loadFixture(t, "de-alliantie")
	never := map[string][]string{"nl": {"uw gegevens", "over u hebben", "Uw gegevens"}, "en": {"your data", "about you", "Your data"}}
	want := map[string]string{"nl": "Yusuf el Amrani", "en": "Yusuf el Amrani"}
	for _, lang := range Languages() {
		for _, k := range []Kind{Receipt, ResultReady, Decision} {
			for _, outcome := range []request.Outcome{request.Granted, request.PartlyGranted, request.Refused} {
				d := f.data(t, k)
				d.RequestType = request.Access
				d.Decision = &DecisionInfo{Outcome: outcome, Motivation: "x", Ground: request.ProtectionOfRights, ThirdPartyMasked: true,
					AccessInfo: &AccessInfo{Purposes: "p", Categories: "c", Recipients: "r", Retention: "t", Source: "s", AutomatedDecisions: "a"}}
				m := mustRender(t, k, lang, d)
				for _, w := range never[lang] {
					if strings.Contains(m.Text, w) {
						t.Errorf("%s/%s/%s: a letter to the representative says %q", lang, k, outcome, w)
					}
				}
				if !strings.Contains(m.Text, want[lang]) {
					t.Errorf("%s/%s: does not name the person represented", lang, k)
				}
			}
		}
	}
}

// Every decision names the privacy officer (GDPR 38(4)): the role, e-mail, phone and postal
// address, by e-mail and on paper (issue 23 item 8).
func TestEveryDecisionNamesThePrivacyOfficer(t *testing.T) {
	t.Parallel()
	for _, p := range profiles {
		for _, lang := range Languages() {
			f := loadFixture(t, p)
			base := f.dataIn(t, Decision, lang)
			for _, v := range decisionVariants {
				d := f.dataIn(t, Decision, lang)
				d.RequestType, d.Decision = request.Type(v.typ), &DecisionInfo{}
				*d.Decision = v.dec
				d.Decision.Outcome = request.Outcome(v.outcome)
				for _, post := range []bool{false, true} {
					dd := d
					if post {
						dd = byPost(d, p)
					}
					m := mustRender(t, Decision, lang, dd)
					for _, w := range []string{base.Org.PrivacyOfficerName, base.Org.PrivacyOfficerEmail, base.Org.PrivacyOfficerPhone, base.Org.PrivacyOfficerAddress} {
						if !strings.Contains(m.Text, w) {
							t.Errorf("%s/%s/%s post=%v: the decision does not name the FG's %q", p, lang, v.golden(), post, w)
						}
					}
				}
			}
		}
	}
}

// A complaint decision names the complaints committee, the AP without a time limit and the
// court, and never gives UAVG 35(2)'s 6 weeks as the term against itself (issue 23 items 4, 9).
func TestComplaintDecisionRoutes(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages() {
		for _, outcome := range request.Outcomes {
			d := decisionData(t, lang, "complaint", string(outcome), DecisionInfo{Motivation: "x"})
			m := mustRender(t, Decision, lang, d)
			must := map[string][]string{
				"nl": {"de klachtencommissie waarbij Vallei Wonen is aangesloten", "Hiervoor geldt geen termijn", "naar de rechter", "Die termijn loopt vanaf die beslissing, niet vanaf deze brief."},
				"en": {"the complaints committee that Vallei Wonen belongs to", "There is no time limit", "go to court", "That term runs from that decision, not from this letter."},
			}
			never := map[string][]string{
				"nl": {"nadat u deze beslissing hebt gekregen", "advies", "bemiddel", "eerst een klacht bij ons"},
				"en": {"of receiving this decision", "advice", "mediat", "complain to us first"},
			}
			for _, w := range must[lang] {
				if !strings.Contains(m.Text, w) {
					t.Errorf("%s/%s: complaint decision lacks %q:\n%s", lang, outcome, w, m.Text)
				}
			}
			for _, w := range never[lang] {
				if strings.Contains(m.Text, w) {
					t.Errorf("%s/%s: complaint decision says %q:\n%s", lang, outcome, w, m.Text)
				}
			}
		}
	}
}

// The receipt says what the requester can do when no answer comes by the due date; for a
// complaint the AP neither advises nor mediates, and a complaint to it has no time limit
// (issue 23 items 4, 10).
func TestReceiptNamesTheRoutesAfterTheDueDate(t *testing.T) {
	t.Parallel()
	f := loadFixture(t, "vallei-wonen")
	for _, lang := range Languages() {
		for _, typ := range request.Types {
			d := f.dataIn(t, Receipt, lang)
			d.RequestType = typ
			m := mustRender(t, Receipt, lang, d)
			want := map[string][]string{"nl": {"Hiervoor geldt geen termijn", "Postbus 93374"}, "en": {"There is no time limit", "Postbus 93374"}}[lang]
			court := map[string]string{"nl": "binnen 6 weken na 24 april 2026", "en": "within 6 weeks after 24 April 2026"}[lang]
			if typ != request.Complaint {
				want = append(want, court)
			} else if strings.Contains(m.Text, court) || strings.Contains(m.Text, "advies") || strings.Contains(m.Text, "advice") {
				t.Errorf("%s/%s: a complaint's receipt gives the court term or the AP's advice:\n%s", lang, typ, m.Text)
			}
			for _, w := range want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("%s/%s: receipt lacks %q", lang, typ, w)
				}
			}
		}
	}
}
