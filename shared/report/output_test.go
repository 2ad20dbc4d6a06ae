package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Personal data seeded into the case: none of it may reach a report, CSV or export.
var personal = []string{"Johanna", "Testpersoon", "johanna@example.nl", "Kerkstraat", "1234 AB",
	"Pieter", "pieter@example.nl", "0612345678", "Gerda", "gerda@example.nl", "Geheime motivering", "Derde Partij"}

// namedCase is a decided access request, full of personal data, and its audit trail.
func namedCase() (*request.Case, []request.Event) {
	c := &request.Case{
		Reference: "PL-2026-ABCD", Type: request.Access, Status: request.Closed, Lang: "nl",
		Subject:        request.Person{Name: "Johanna Testpersoon", Email: "johanna@example.nl", Phone: "0612345678", Address: "Kerkstraat 1, 1234 AB Dorp"},
		Representative: &request.Representative{Name: "Pieter Testpersoon", Email: "pieter@example.nl", Capacity: request.CapacityParent},
		Details:        "Alles over Johanna", Received: d("2026-03-02"), DueDate: d("2026-06-02"), Extended: true,
		ThirdParty: &request.ThirdParty{Name: "Derde Partij", Email: "gerda@example.nl"},
		Decision: &request.Decision{Outcome: request.PartlyGranted, Ground: request.ProtectionOfRights,
			Motivation: "Geheime motivering over Johanna", DecidedBy: "gerda@example.nl", DecidedAt: ts("2026-04-20T10:00:00Z")},
		UpdatedAt: ts("2026-04-21T10:00:00Z"),
	}
	staff := "staff@corporatie.example"
	events := []request.Event{
		{At: ts("2026-03-02T09:00:00Z"), Actor: "requester", Action: request.ActSubmitted, Detail: "access"},
		{At: ts("2026-03-02T10:00:00Z"), Actor: "requester", Action: request.ActConfirmed, Detail: "awaiting_identity"},
		{At: ts("2026-03-03T10:00:00Z"), Actor: "requester", Action: "id_uploaded", Detail: "image/jpeg"},
		{At: ts("2026-03-04T10:00:00Z"), Actor: staff, Action: request.ActIDCopyViewed},
		{At: ts("2026-03-04T10:05:00Z"), Actor: staff, Action: request.ActIDCopyViewed},
		{At: ts("2026-03-04T10:10:00Z"), Actor: staff, Action: request.ActVerifyIdentity, Detail: "passport"},
		{At: ts("2026-03-05T10:00:00Z"), Actor: "system", Action: "id_copy_deleted", Detail: "term ended"},
		{At: ts("2026-03-10T10:00:00Z"), Actor: staff, Action: request.ActConsult, Detail: "third party consulted until 2026-03-24"},
		{At: ts("2026-03-20T10:00:00Z"), Actor: "third_party", Action: "third_party_object"},
		{At: ts("2026-03-25T10:00:00Z"), Actor: staff, Action: request.ActExtend, Detail: "complex"},
		{At: ts("2026-04-20T10:00:00Z"), Actor: staff, Action: request.ActDecide, Detail: "partly_granted (protection_of_rights)"},
		{At: ts("2026-04-21T10:00:00Z"), Actor: staff, Action: request.ActClose},
	}
	return c, events
}

func TestFactsOf(t *testing.T) {
	t.Parallel()
	c, events := namedCase()
	// The trail may arrive in any order; stages follow time.
	events[3], events[7] = events[7], events[3]
	f := FactsOf(c, request.ChannelWeb, events)
	want := CaseFacts{
		Reference: "PL-2026-ABCD", Type: request.Access, Status: request.Closed, Channel: request.ChannelWeb,
		Received: d("2026-03-02"), DueDate: d("2026-06-02"), Extended: true,
		DecidedAt: ts("2026-04-20T10:00:00Z"), Outcome: request.PartlyGranted, Ground: request.ProtectionOfRights,
		Stages: []Stage{
			st(ac, "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
			st(ai, "2026-03-02T10:00:00Z", "2026-03-04T10:10:00Z"),
			st(ip, "2026-03-04T10:10:00Z", "2026-03-10T10:00:00Z"),
			st(atp, "2026-03-10T10:00:00Z", "2026-03-20T10:00:00Z"),
			st(ip, "2026-03-20T10:00:00Z", "2026-04-20T10:00:00Z"),
			st(request.Decided, "2026-04-20T10:00:00Z", "2026-04-21T10:00:00Z"),
			st(request.Closed, "2026-04-21T10:00:00Z", ""),
		},
		IDCopyViews: 2,
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("FactsOf (-want +got):\n%s", diff)
	}
}

func TestStagesFromEvents(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		events []request.Event
		want   []Stage
	}{
		{"none", nil, nil},
		{"intake starts confirmed", []request.Event{
			{At: ts("2026-03-02T09:00:00Z"), Action: request.ActIntake, Detail: "in_progress"},
			{At: ts("2026-03-03T09:00:00Z"), Action: request.ActRequestIdentity},
			{At: ts("2026-03-05T09:00:00Z"), Action: request.ActVerifyIdentity},
		}, []Stage{st(ip, "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z"), st(ai, "2026-03-03T09:00:00Z", "2026-03-05T09:00:00Z"),
			st(ip, "2026-03-05T09:00:00Z", "")}},
		{"third party silent, then withdrawn", []request.Event{
			{At: ts("2026-03-02T09:00:00Z"), Action: request.ActConfirmed, Detail: "in_progress"},
			{At: ts("2026-03-03T09:00:00Z"), Action: request.ActConsult},
			{At: ts("2026-03-17T09:00:00Z"), Action: "third_party_term_ended"},
			{At: ts("2026-03-18T09:00:00Z"), Action: request.ActWithdraw},
		}, []Stage{st(ip, "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z"), st(atp, "2026-03-03T09:00:00Z", "2026-03-17T09:00:00Z"),
			st(ip, "2026-03-17T09:00:00Z", "2026-03-18T09:00:00Z"), st(request.Closed, "2026-03-18T09:00:00Z", "")}},
		{"an action the status does not allow changes nothing", []request.Event{
			{At: ts("2026-03-02T09:00:00Z"), Action: request.ActSubmitted},
			{At: ts("2026-03-03T09:00:00Z"), Action: request.ActDecide},
			{At: ts("2026-03-04T09:00:00Z"), Action: request.ActConfirmed, Detail: "bogus"},
		}, []Stage{st(ac, "2026-03-02T09:00:00Z", "")}},
	}
	for _, tc := range cases {
		if diff := cmp.Diff(tc.want, StagesFromEvents(tc.events)); diff != "" {
			t.Errorf("%s: stages (-want +got):\n%s", tc.name, diff)
		}
	}
}

func assertNoPersonalData(t *testing.T, what, out string) {
	t.Helper()
	for _, p := range personal {
		if strings.Contains(strings.ToLower(out), strings.ToLower(p)) {
			t.Errorf("%s contains %q:\n%s", what, p, out)
		}
	}
}

// readCSV reads a CSV in the form of csvfile: it must start with the byte-order mark and
// split on ';'.
func readCSV(t *testing.T, out string) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(out, "\uFEFF")
	if !ok {
		t.Fatalf("CSV does not start with the UTF-8 byte-order mark: %q", out[:min(len(out), 20)])
	}
	r := csv.NewReader(strings.NewReader(body))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestWriteCSV checks the report's CSV as Dutch Excel opens it (docs/contract.md §3): Dutch
// headers and words, days as dd-mm-jjjj, decimals with a comma, no personal data, no formula.
func TestWriteCSV(t *testing.T) {
	t.Parallel()
	c, events := namedCase()
	named := FactsOf(c, request.ChannelWeb, events)
	evil := CaseFacts{Reference: "=HYPERLINK(\"http://x\")", Type: "+cmd", Channel: "@SUM(A1)", Status: "-1+1",
		Received: d("2026-03-01"), Outcome: "\tx", Ground: "\r=1"}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, append(seeded(), named, evil), "nl"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	assertNoPersonalData(t, "CSV", out)
	rows := readCSV(t, out)
	if diff := cmp.Diff(CSVHeader("nl"), rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if got := rows[0][:4]; !cmp.Equal(got, []string{"Kenmerk", "Soort verzoek", "Binnengekomen via", "Status"}) {
		t.Errorf("Dutch header starts %q", got)
	}
	if got, want := len(rows), 1+len(seeded())+2; got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	byRef := map[string][]string{}
	for _, r := range rows[1:] {
		byRef[r[0]] = r
		for i, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %s column %s starts a formula: %q", r[0], rows[0][i], cell)
			}
		}
	}
	if got, want := rows[1][0], "X"; got != want {
		t.Errorf("first row %s, want the oldest receipt %s", got, want)
	}
	nl := func(k string) string { return i18n.T("nl", k) }
	wantRows := map[string][]string{
		"B": {"B", "Verwijdering", "E-mail", "Gesloten", "05-03-2026", "07-04-2026", "nee", "10-04-2026", "afgewezen", nl("ground.excessive"), "36", "nee", "1,0", "", "", "35,0", "0"},
		"F": {"F", "Correctie", "E-mail", "In behandeling", "20-03-2026", "20-04-2026", "nee", "", "", "", "", "", "", "", "", "", "0"},
		"PL-2026-ABCD": {"PL-2026-ABCD", "Inzage", "Website", "Gesloten", "02-03-2026", "02-06-2026", "ja", "20-04-2026", "gedeeltelijk toegewezen",
			nl("ground.protection_of_rights"), "49", "ja", "0,0", "2,0", "10,0", "37,0", "2"},
		"'=HYPERLINK(\"http://x\")": {"'=HYPERLINK(\"http://x\")", "'+cmd", "'@SUM(A1)", "'-1+1", "01-03-2026", "", "nee", "", "'\tx", "'=1", // CRLF rows: a lone CR is dropped
			"", "", "", "", "", "", "0"},
	}
	for ref, want := range wantRows {
		if diff := cmp.Diff(want, byRef[ref]); diff != "" {
			t.Errorf("row %s (-want +got):\n%s", ref, diff)
		}
	}

	buf.Reset()
	if err := WriteCSV(&buf, []CaseFacts{named}, "en"); err != nil {
		t.Fatal(err)
	}
	en := readCSV(t, buf.String())
	if got, want := en[0][:2], []string{"Reference", "Type of request"}; !cmp.Equal(got, want) {
		t.Errorf("English header starts %q, want %q", got, want)
	}
	if got, want := en[1][1:5], []string{"Access", "Website", "Closed", "2026-03-02"}; !cmp.Equal(got, want) {
		t.Errorf("English row %q, want %q", got, want)
	}
}

// wellFormed parses svg as strict XML and returns the root's attributes and all text inside.
func wellFormed(t *testing.T, svg string) (map[string]string, string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	dec.Strict = true
	attrs := map[string]string{}
	var text strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG not well-formed: %v\n%s", err, svg)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if x.Name.Local != "svg" || x.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root %v, want svg", x.Name)
				}
				for _, a := range x.Attr {
					attrs[a.Name.Local] = a.Value
				}
			}
			if x.Name.Local == "script" || x.Name.Local == "foreignObject" {
				t.Errorf("SVG holds <%s>", x.Name.Local)
			}
			for _, a := range x.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("SVG holds handler %s", a.Name.Local)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(x)
			text.WriteByte('\n')
		}
	}
	if depth != 0 {
		t.Errorf("unbalanced SVG")
	}
	return attrs, text.String()
}

const hostile = `<script>alert("x")</script> & 'o'`

func TestBarChart(t *testing.T) {
	t.Parallel()
	r := Compute(d("2026-03-01"), d("2026-03-31"), now, seeded())
	label := func(k string) string {
		if k == "type.complaint" {
			return hostile + "\x00\x01"
		}
		return "L:" + k
	}
	l := Labels{Title: "Ontvangen " + hostile, Desc: "Per soort " + hostile, X: "Soort", Y: "Aantal"}
	ch := BarChart(l, r.ReceivedBars(label))
	svg := string(ch.SVG)
	if strings.Contains(svg, "<script") || strings.Contains(svg, `"x"`) {
		t.Errorf("label not escaped:\n%s", svg)
	}
	attrs, text := wellFormed(t, svg)
	if got, want := attrs["role"], "img"; got != want {
		t.Errorf("role = %q, want %q", got, want)
	}
	if got, want := attrs["aria-label"], l.Title; got != want {
		t.Errorf("aria-label = %q, want %q", got, want)
	}
	for _, want := range []string{l.Title, l.Desc, "L:type.access", "4", hostile} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG text lacks %q:\n%s", want, text)
		}
	}
	wantRows := [][]string{{"L:type.access", "4"}, {"L:type.rectification", "1"}, {"L:type.erasure", "2"},
		{"L:type.objection", "1"}, {hostile, "1"}, {"L:type.restriction", "0"}, {"L:type.portability", "0"}} // control characters dropped
	if diff := cmp.Diff(wantRows, ch.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Soort", "Aantal"}, ch.Head); diff != "" {
		t.Errorf("head (-want +got):\n%s", diff)
	}

	fig, err := ch.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(fig), "<script") {
		t.Errorf("figure not escaped:\n%s", fig)
	}
	if !strings.Contains(string(fig), `<th scope="row">L:type.access</th><td>4</td>`) {
		t.Errorf("figure lacks the table:\n%s", fig)
	}
	dec := xml.NewDecoder(strings.NewReader(string(fig)))
	for {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("figure not well-formed: %v\n%s", err, fig)
		}
	}

	// No data at all still draws a well-formed chart.
	empty := BarChart(l, Compute(d("2026-03-01"), d("2026-03-31"), now, nil).GroundBars(label))
	wellFormed(t, string(empty.SVG))
	if got, want := len(empty.Rows), len(request.Grounds); got != want {
		t.Errorf("%d ground rows, want %d", got, want)
	}
}

func TestLineChart(t *testing.T) {
	t.Parallel()
	r := Compute(d("2026-03-01"), d("2026-03-31"), now, seeded())
	x, series := r.WeekLines("Ontvangen", hostile, nil)
	l := Labels{Title: "Per week", Desc: "Ontvangen en besloten per week", X: "Week", Y: "Aantal"}
	ch := LineChart(l, x, series)
	svg := string(ch.SVG)
	if strings.Contains(svg, "<script") {
		t.Errorf("series name not escaped:\n%s", svg)
	}
	attrs, text := wellFormed(t, svg)
	if attrs["role"] != "img" || attrs["aria-label"] != "Per week" {
		t.Errorf("svg attributes %v", attrs)
	}
	for _, want := range []string{"Ontvangen", hostile, "2026-03-02"} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG text lacks %q", want)
		}
	}
	if got, want := strings.Count(svg, "<polyline"), 2; got != want {
		t.Errorf("%d lines, want %d", got, want)
	}
	if !strings.Contains(svg, "stroke-dasharray") {
		t.Error("second series not dashed: lines differ by colour only")
	}
	wantRows := [][]string{{"2026-03-01", "0", "0"}, {"2026-03-02", "3", "0"}, {"2026-03-09", "2", "0"},
		{"2026-03-16", "2", "1"}, {"2026-03-23", "1", "0"}, {"2026-03-30", "1", "0"}}
	if diff := cmp.Diff(wantRows, ch.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Week", "Ontvangen", hostile}, ch.Head); diff != "" {
		t.Errorf("head (-want +got):\n%s", diff)
	}

	// A two-year period (105 weeks) and a single point stay well-formed.
	long := Compute(d("2024-01-01"), d("2025-12-31"), now, seeded())
	lx, ls := long.WeekLines("a", "b", nil)
	wellFormed(t, string(LineChart(l, lx, ls).SVG))
	wellFormed(t, string(LineChart(l, []string{"2026-03-01"}, []Series{{Name: "a", Values: []int{3}}}).SVG))
}

func TestExportCase(t *testing.T) {
	t.Parallel()
	c, events := namedCase()
	f := FactsOf(c, request.ChannelWeb, events)
	letters := []outbox.Letter{
		{ID: "PL-2026-ABCD-receipt-0a1b", Reference: c.Reference, Kind: letter.Receipt, To: "pieter@example.nl",
			Data:   letter.Data{RecipientName: "Pieter Testpersoon", Reason: "Geheime motivering"},
			Status: outbox.Sent, CreatedAt: ts("2026-03-02T10:00:01Z"), SentAt: ts("2026-03-02T10:00:05Z"),
			LastError: "bounce for johanna@example.nl"},
		{ID: "PL-2026-ABCD-delay_notice-9f8e", Reference: c.Reference, Kind: letter.DelayNotice, To: "Kerkstraat 1, 1234 AB Dorp",
			Status: outbox.Pending, CreatedAt: ts("2026-03-25T10:00:00Z")},
	}
	x := ExportCase(f, events, letters)

	if got, want := len(x.Timeline), len(events)+len(letters); got != want {
		t.Fatalf("%d entries, want %d", got, want)
	}
	for i := 1; i < len(x.Timeline); i++ {
		if x.Timeline[i].At.Before(x.Timeline[i-1].At) {
			t.Errorf("entry %d before entry %d", i, i-1)
		}
	}
	kinds := map[string]int{}
	for _, e := range x.Timeline {
		kinds[e.Kind]++
	}
	if diff := cmp.Diff(map[string]int{KindEvent: 10, KindView: 2, KindLetter: 2}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	wantReceipt := Entry{At: ts("2026-03-02T10:00:01Z"), Kind: KindLetter, Actor: "system", Action: "receipt",
		LetterID: "PL-2026-ABCD-receipt-0a1b", LetterStatus: "sent", SentAt: ptr(ts("2026-03-02T10:00:05Z"))}
	if diff := cmp.Diff(wantReceipt, x.Timeline[2]); diff != "" {
		t.Errorf("receipt entry (-want +got):\n%s", diff)
	}
	if loc := x.Timeline[0].At.Location().String(); loc != "Europe/Amsterdam" {
		t.Errorf("times in %s, want Europe/Amsterdam", loc)
	}

	var js, cs bytes.Buffer
	if err := x.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	if err := x.WriteCSV(&cs, "nl"); err != nil {
		t.Fatal(err)
	}
	for what, out := range map[string]string{"JSON": js.String(), "CSV": cs.String()} {
		assertNoPersonalData(t, what, out)
	}
	var back Export
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Reference != c.Reference || back.DecidedOn != "2026-04-20" || back.IDCopyViews != 2 || !back.Extended {
		t.Errorf("export facts %+v", back)
	}
	rows := readCSV(t, cs.String())
	if diff := cmp.Diff(ExportCSVHeader("nl"), rows[0]); diff != "" {
		t.Errorf("export header (-want +got):\n%s", diff)
	}
	if got, want := len(rows), 1+len(x.Timeline); got != want {
		t.Errorf("%d CSV rows, want %d", got, want)
	}
	if got, want := rows[1][1], "02-03-2026 10:00"; got != want {
		t.Errorf("first time %s, want %s (Amsterdam, Dutch form)", got, want)
	}
	if got, want := rows[5], []string{"PL-2026-ABCD", "04-03-2026 11:00", "Bekeken", "staff@corporatie.example", i18n.T("nl", "event.id_copy_viewed"), "", "", "", ""}; !cmp.Equal(got, want) {
		t.Errorf("view row = %q, want %q", got, want)
	}
	if got, want := rows[3], []string{"PL-2026-ABCD", "02-03-2026 11:00", "Brief", "Privacyloket (automatisch)", "Ontvangstbevestiging", "",
		"PL-2026-ABCD-receipt-0a1b", "verstuurd", "02-03-2026 11:00"}; !cmp.Equal(got, want) {
		t.Errorf("letter row = %q, want %q", got, want)
	}
}

// Labels are never cut (issue 24 item 7): a long ground wraps onto a second line above its
// bar; and a line chart writes no "0" at every empty week.
func TestChartsReadInFull(t *testing.T) {
	t.Parallel()
	long := "kennelijk ongegrond (het verzoek gaat duidelijk niet over uw privacyrechten, en ook niet over iets anders)"
	ch := BarChart(Labels{Title: "Afwijzingen", X: "Grond", Y: "Aantal"}, []Bar{{Label: long, Value: 2}, {Label: "buitensporig", Value: 0}})
	_, text := wellFormed(t, string(ch.SVG))
	if strings.Contains(text, "…") {
		t.Errorf("a label is cut: %q", text)
	}
	for _, w := range strings.Fields(long) {
		if !strings.Contains(text, w) {
			t.Errorf("the chart lacks %q of the label: %q", w, text)
		}
	}
	if got := wrap(long, labelRunes); len(got) != 2 {
		t.Errorf("wrap gives %q, want two lines", got)
	}
	x := []string{"1 mrt", "8 mrt", "15 mrt", "22 mrt", "29 mrt"}
	lc := LineChart(Labels{Title: "Per week"}, x, []Series{{Name: "In", Values: []int{0, 3, 0, 0, 1}}, {Name: "Uit", Values: []int{0, 0, 0, 0, 0}}})
	if got, want := strings.Count(string(lc.SVG), ">0</text>"), 1; got != want {
		t.Errorf("%d zeros written in the line chart, want %d (the axis only):\n%s", got, want, lc.SVG)
	}
	if !strings.Contains(string(lc.SVG), ">3</text>") || !strings.Contains(string(lc.SVG), ">1</text>") {
		t.Errorf("the values that are not zero are not written at their points:\n%s", lc.SVG)
	}
}
