package accessresult

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/privacyloket/privacyloket/shared/csvfile"
)

var update = flag.Bool("update", false, "rewrite testdata/README.golden.txt")

const org = "Vallei Wonen"

// generated is 2 April 2026, 14:03:07 in Amsterdam (summer time, UTC+2).
var generated = time.Date(2026, 4, 2, 12, 3, 7, 0, time.UTC)

// sampleInfo is a profile's GDPR 15(1) answers, shortened.
var sampleInfo = Info{
	Purposes:           Text{NL: "Voor het verhuren van woningen.", EN: "To let homes."},
	Categories:         Text{NL: "Naam en adres.", EN: "Name and address."},
	Recipients:         Text{NL: "WoningNet en de gemeente.", EN: "WoningNet and the municipality."},
	Retention:          Text{NL: "Tot 2 jaar na de huur.", EN: "Until 2 years after the tenancy."},
	Source:             Text{NL: "Van uzelf.", EN: "From you."},
	AutomatedDecisions: Text{NL: "Geen.", EN: "None."},
	Particular:         "De melding kwam van een buurtbewoner.",
}

// The README carries GDPR 15(1)(a)-(h) and 15(2) beside the data: the profile's answers in
// both languages, what staff added, and the rights (issue 10 item 9).
func TestReadmeHoldsGDPR15Information(t *testing.T) {
	t.Parallel()
	text := string(readme(org, "PL-1", time.Date(2026, 4, 2, 12, 0, 0, 0, time.UTC), sampleInfo, true, false))
	for _, want := range []string{
		"Voor het verhuren van woningen.", "To let homes.", "Naam en adres.", "Name and address.",
		"WoningNet en de gemeente.", "WoningNet and the municipality.", "Tot 2 jaar na de huur.",
		"Until 2 years after the tenancy.", "Van uzelf.", "From you.", "Geen.", "None.",
		"De melding kwam van een buurtbewoner.", "te beperken", "bezwaar maken", "restrict", "object to",
		"Autoriteit Persoonsgegevens", "Kenmerk: PL-1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	for _, line := range strings.Split(text, "\r\n") {
		if n := len([]rune(line)); n > 76 {
			t.Errorf("README line of %d characters: %q", n, line)
		}
	}
}

func sampleOwn() Own {
	return Own{
		Reference: "PL-2026-ABC123", RequestType: "access", Status: "decided",
		ReceivedOn: "2026-03-27", DueDate: "2026-04-27",
		Requests: []OwnRequest{
			{Reference: "PL-2025-XYZ789", Type: "rectification", Status: "closed", ReceivedOn: "2025-11-03"},
			{Reference: "PL-2026-ABC123", Type: "access", Status: "decided", ReceivedOn: "2026-03-27"},
		},
		Letters: []OwnLetter{
			{Kind: "receipt", At: "2026-03-27T09:12:00Z", Status: "sent"},
			{Kind: "decision", At: "2026-04-02T12:03:07Z", Status: "queued"},
		},
		Events: []OwnEvent{
			{At: "2026-03-27T09:10:00Z", Actor: "requester", Action: "submitted"},
			{At: "2026-04-02T12:03:07Z", Actor: "staff", Action: "decide"},
		},
		Subject: map[string]string{
			"name":      `=HYPERLINK("http://evil.example","Jan")`, // typed into the form by anyone
			"email":     "jan@example.nl",
			"birthDate": "1970-01-31",
			"phone":     "+31 6 12345678",
		},
	}
}

func parseFixture(t testing.TB, name string) *Result {
	t.Helper()
	r, err := Parse(fixture(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return r
}

type entry struct {
	header *zip.FileHeader
	data   []byte
}

// unzip opens the package the way a requester's tool would.
func unzip(t *testing.T, b []byte) (names []string, files map[string]entry) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	files = map[string]entry{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc) // also checks the CRC
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		names = append(names, f.Name)
		files[f.Name] = entry{&f.FileHeader, data}
	}
	return names, files
}

// readCSV reads a package CSV with encoding/csv and undoes the formula
// neutralisation, so it can be compared with the JSON.
func readCSV(t *testing.T, b []byte) (cols []string, rows []map[string]string) {
	t.Helper()
	if !bytes.HasPrefix(b, utf8BOM) {
		t.Fatal("CSV has no UTF-8 BOM")
	}
	cr := csv.NewReader(bytes.NewReader(b[len(utf8BOM):]))
	cr.Comma = ';' // the form Dutch Excel opens as columns (docs/contract.md §3)
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not read back: %v", err)
	}
	for i := range recs {
		for j, c := range recs[i] {
			if rest, ok := strings.CutPrefix(c, "'"); ok && csvfile.Cell(rest) == c {
				recs[i][j] = rest
			}
		}
	}
	cols = recs[0]
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for j, c := range rec {
			m[cols[j]] = c
		}
		rows = append(rows, m)
	}
	return cols, rows
}

func asMaps(cols []string, rows [][]string) []map[string]string {
	out := make([]map[string]string, len(rows))
	for i, r := range rows {
		out[i] = map[string]string{}
		for j, c := range r {
			out[i][cols[j]] = c
		}
	}
	return out
}

func TestBuildEntries(t *testing.T) {
	t.Parallel()
	b, err := Build(org, parseFixture(t, "object.json"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	names, files := unzip(t, b)
	want := []string{"README.txt", "gegevens.csv", "gegevens.json", "privacyloket.csv", "privacyloket.json"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	for _, name := range names {
		h := files[name].header
		if got, want := h.Modified.Unix(), generated.Unix(); got != want {
			t.Errorf("%s modified %v, want %v", name, h.Modified, generated)
		}
		if got, want := h.Method, zip.Deflate; got != want {
			t.Errorf("%s method %d, want %d", name, got, want)
		}
	}
}

// TestBuildDataRoundTrip checks that both data files parse back, and that the
// CSV holds exactly the data of the JSON.
func TestBuildDataRoundTrip(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"object.json", "array.json", "nested.json", "scalars.json", "comma.csv", "semicolon.csv", "injection.csv"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			in := parseFixture(t, file)
			b, err := Build(org, in, sampleOwn(), sampleInfo, generated)
			if err != nil {
				t.Fatal(err)
			}
			_, files := unzip(t, b)

			// The JSON file, parsed on its own, yields the table of the upload.
			back, err := Parse(files[FileDataJ].data)
			if err != nil {
				t.Fatalf("gegevens.json does not parse back: %v", err)
			}
			if diff := cmp.Diff(asMaps(in.Columns, in.Rows), asMaps(back.Columns, back.Rows)); diff != "" {
				t.Errorf("gegevens.json differs from the upload (-upload +json):\n%s", diff)
			}
			// The CSV is the readable table of the upload (readable_test.go has its form).
			wantCols, wantRows := readableTable(in, "nl")
			cols, csvRows := readCSV(t, files[FileDataC].data)
			if diff := cmp.Diff(wantCols, cols); diff != "" {
				t.Errorf("CSV columns (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(asMaps(wantCols, wantRows), csvRows); diff != "" {
				t.Errorf("CSV rows (-want +got):\n%s", diff)
			}

			// And it is the uploaded value itself.
			var got any
			dec := json.NewDecoder(bytes.NewReader(files[FileDataJ].data))
			dec.UseNumber()
			if err := dec.Decode(&got); err != nil {
				t.Fatal(err)
			}
			want, err := roundTrip(in.JSON)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("gegevens.json differs from the upload (-want +got):\n%s", diff)
			}
		})
	}
}

// roundTrip gives v the shape decoding produces ([]map[string]string becomes
// []any of map[string]any).
func roundTrip(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	return out, dec.Decode(&out)
}

func TestBuildJSONKeepsText(t *testing.T) {
	t.Parallel()
	b, err := Build(org, parseFixture(t, "nested.json"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, b)
	// No HTML escaping (\u003c) and numbers as written.
	for _, want := range []string{`"Zoë's ‘stad’ <&>"`, `"huur": 812.4`} {
		if !bytes.Contains(files[FileDataJ].data, []byte(want)) {
			t.Errorf("gegevens.json lacks %s", want)
		}
	}
}

// TestBuildOwnRoundTrip rebuilds Own from each of its files: the JSON and the
// CSV must both hold all of it.
func TestBuildOwnRoundTrip(t *testing.T) {
	t.Parallel()
	for _, own := range []Own{sampleOwn(), {Reference: "PL-2026-EMPTY1"}} {
		t.Run(own.Reference, func(t *testing.T) {
			t.Parallel()
			b, err := Build(org, parseFixture(t, "array.json"), own, sampleInfo, generated)
			if err != nil {
				t.Fatal(err)
			}
			_, files := unzip(t, b)
			want := normalise(own)

			var fromJSON Own
			if err := json.Unmarshal(files[FileOwnJSON].data, &fromJSON); err != nil {
				t.Fatalf("privacyloket.json: %v", err)
			}
			if diff := cmp.Diff(want, fromJSON); diff != "" {
				t.Errorf("privacyloket.json (-want +got):\n%s", diff)
			}

			// privacyloket.csv holds the same in the reader's words (readable_test.go).
			wantCols, wantRows := ownTable(own)
			cols, rows := readCSV(t, files[FileOwnCSV].data)
			if diff := cmp.Diff(wantCols, cols); diff != "" {
				t.Errorf("privacyloket.csv columns (-want +got):\n%s", diff)
			}
			if got, want := len(rows), len(wantRows); got != want {
				t.Errorf("privacyloket.csv has %d rows, want %d", got, want)
			}
		})
	}
}

func TestBuildNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	b, err := Build(org, parseFixture(t, "injection.csv"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, b)
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(files[FileDataC].data, utf8BOM)))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"naam", "telefoon", "bedrag", "opmerking", "'=kolom"},
		{`'=HYPERLINK("http://example.com","klik")`, "'+31 6 12345678", "-12.50", "'@SUM(A1)", "x"},
		{"'\ttab", "'-2+3", "'-", "'al", "y"},
		{"'\n=1+1", "'＝SUM(A1)", "'＠x", "'－1", "z"},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("gegevens.csv (-want +got):\n%s", diff)
	}

	// The form data typed by the requester is just as dangerous.
	own := string(files[FileOwnCSV].data)
	if !strings.Contains(own, `"'=HYPERLINK(""http://evil.example"",""Jan"")"`) {
		t.Errorf("privacyloket.csv does not neutralise the name:\n%s", own)
	}
	// JSON is not a spreadsheet: it keeps the text as given.
	if !bytes.Contains(files[FileDataJ].data, []byte(`"=HYPERLINK(\"http://example.com\",\"klik\")"`)) {
		t.Errorf("gegevens.json changed the text:\n%s", files[FileDataJ].data)
	}
}

func TestBuildDeterministic(t *testing.T) {
	t.Parallel()
	first, err := Build(org, parseFixture(t, "nested.json"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		at   time.Time
		same bool
	}{
		{"same input", generated, true},
		{"same instant, other zone", generated.In(time.FixedZone("UTC-5", -5*3600)), true},
		{"below a second", generated.Add(300 * time.Millisecond), true},
		{"a second later", generated.Add(time.Second), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A fresh parse and a fresh Own: map order must not leak into the bytes.
			again, err := Build(org, parseFixture(t, "nested.json"), sampleOwn(), sampleInfo, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := bytes.Equal(first, again), tc.same; got != want {
				t.Errorf("identical = %v, want %v", got, want)
			}
		})
	}
}

func TestBuildReadme(t *testing.T) {
	t.Parallel()
	b, err := Build(org, parseFixture(t, "object.json"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, b)
	got := files[FileReadme].data
	if !bytes.HasPrefix(got, utf8BOM) {
		t.Error("README.txt has no BOM")
	}
	text := string(got)
	for _, want := range []string{
		// Dutch
		"UW GEGEVENS BIJ Vallei Wonen", "Kenmerk: PL-2026-ABC123", "Gemaakt op: 2 april 2026 om 14:03",
		"Inzage is altijd gratis", "In beide bestanden staan dezelfde gegevens",
		"Autoriteit Persoonsgegevens (Postbus 93374, 2509 AJ Den Haag",
		// English
		"YOUR DATA AT Vallei Wonen", "Reference: PL-2026-ABC123", "Generated on: 2 April 2026 at 14:03",
		"Access is always free", "Both files hold the same data", "Dutch Data Protection Authority",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("README lacks %q", want)
		}
	}
	for _, name := range []string{FileDataJ, FileDataC, FileOwnJSON, FileOwnCSV} {
		if got, want := strings.Count(text, name), 2; got < want {
			t.Errorf("README explains %s %d times, want one per language", name, got)
		}
	}
	if strings.Contains(strings.ReplaceAll(text, "\r\n", ""), "\n") {
		t.Error("README has bare LF line ends")
	}
	if nl, en := strings.Index(text, "Inzage"), strings.Index(text, "Access is"); nl > en {
		t.Error("README is not Dutch first")
	}

	golden := filepath.Join("testdata", "README.golden.txt")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), text); diff != "" {
		t.Errorf("README.txt (-golden +got):\n%s", diff)
	}
}

func TestReadmeDates(t *testing.T) {
	t.Parallel()
	cases := []struct {
		at     time.Time
		nl, en string
	}{
		{time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC), "1 januari 2026 om 01:30", "1 January 2026 at 01:30"},   // winter time
		{time.Date(2026, 12, 31, 23, 5, 0, 0, time.UTC), "1 januari 2027 om 00:05", "1 January 2027 at 00:05"}, // the Dutch date, not UTC's
		{time.Date(2026, 5, 15, 9, 0, 0, 0, time.UTC), "15 mei 2026 om 11:00", "15 May 2026 at 11:00"},
	}
	for _, tc := range cases {
		text := string(readme(org, "PL-1", tc.at, sampleInfo, true, false))
		for _, want := range []string{tc.nl, tc.en} {
			if !strings.Contains(text, want) {
				t.Errorf("readme(%v) lacks %q", tc.at, want)
			}
		}
	}
}

func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	good := parseFixture(t, "array.json")
	ragged := &Result{Format: FormatCSV, Columns: []string{"a", "b"}, Rows: [][]string{{"x"}}, JSON: []map[string]string{{"a": "x"}}}
	noRef := sampleOwn()
	noRef.Reference = ""
	cases := []struct {
		name string
		org  string
		r    *Result
		own  Own
		at   time.Time
	}{
		{"no result", org, nil, sampleOwn(), generated},
		{"empty result", org, &Result{}, sampleOwn(), generated},
		{"no JSON", org, &Result{Columns: good.Columns, Rows: good.Rows}, sampleOwn(), generated},
		{"ragged rows", org, ragged, sampleOwn(), generated},
		{"no organisation", " \n", good, sampleOwn(), generated},
		{"no reference", org, good, noRef, generated},
		{"no time", org, good, sampleOwn(), time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := Build(tc.org, tc.r, tc.own, sampleInfo, tc.at); !errors.Is(err, ErrInvalid) {
				t.Errorf("Build = %v, want %v", err, ErrInvalid)
			}
		})
	}
}

// bigResult is a JSON export of about size bytes: contracts with nested
// addresses and payment lists, the shape a housing corporation exports.
func bigResult(size int) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"contract":"H-%06d","adres":{"straat":"Dorpsstraat %d","postcode":"%04d AB","plaats":"Ede"},`+
			`"start":"2020-01-01","huur":%d.%02d,"betalingen":["2026-01-01","2026-02-01","2026-03-01"],"opmerking":"=geen"}`,
			i, i%300, 1000+i%9000, 500+i%700, i%100)
	}
	b.WriteString("]")
	return b.Bytes()
}

func BenchmarkBuild1MB(b *testing.B) {
	data := bigResult(1 << 20)
	r, err := Parse(data)
	if err != nil {
		b.Fatal(err)
	}
	own := sampleOwn()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var size int
	for b.Loop() {
		pkg, err := Build(org, r, own, sampleInfo, generated)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pkg)
	}
	b.ReportMetric(float64(size), "zip-bytes")
}

func BenchmarkParse(b *testing.B) {
	jsonData := bigResult(1 << 20)
	r, err := Parse(jsonData)
	if err != nil {
		b.Fatal(err)
	}
	// The same data as an Excel export would hold it.
	var csvData bytes.Buffer
	w := csv.NewWriter(&csvData)
	w.Comma, w.UseCRLF = ';', true
	w.Write(r.Columns)
	w.WriteAll(r.Rows)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"JSON1MB", jsonData}, {"CSVSemicolon", csvData.Bytes()}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseAndBuildMax is the worst a staff upload can cost: a result of
// MaxResultSize, parsed and packaged.
func BenchmarkParseAndBuildMax(b *testing.B) {
	data := bigResult(MaxResultSize - 1024)
	own := sampleOwn()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Parse(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Build(org, r, own, sampleInfo, generated); err != nil {
			b.Fatal(err)
		}
	}
}

// A README for a legal representative speaks to them about the person represented, never as
// if the data were theirs (docs/rules.md §1, issue 23 Language), and keeps a profile's list as
// a list.
func TestReadmeForARepresentative(t *testing.T) {
	t.Parallel()
	info := sampleInfo
	info.Subject = "Yusuf el Amrani"
	info.Purposes = Text{NL: "Wij gebruiken de gegevens voor:\n- de huur;\n- het onderhoud.", EN: "We use the data for:\n- the rent;\n- maintenance."}
	b, err := Build(org, parseFixture(t, "object.json"), sampleOwn(), info, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, b)
	text := strings.ReplaceAll(string(files[FileReadme].data), "\r\n", "\n")
	flat := strings.Join(strings.Fields(text), " ")
	for _, want := range []string{"inzage in de persoonsgegevens van Yusuf el Amrani", "Wat doen wij met de gegevens van Yusuf el Amrani?",
		"the personal data of Yusuf el Amrani", "What do we do with the data of Yusuf el Amrani?"} {
		if !strings.Contains(flat, want) {
			t.Errorf("README for a representative lacks %q", want)
		}
	}
	for _, never := range []string{"inzage in uw persoonsgegevens", "uw gegevens", "over u heeft", "your personal data", "your data", "about you."} {
		if strings.Contains(flat, never) {
			t.Errorf("README for a representative says %q", never)
		}
	}
	if !strings.Contains(text, "voor:\n- de huur;\n- het onderhoud.") {
		t.Errorf("the profile's list lost its lines:\n%s", text)
	}
}
