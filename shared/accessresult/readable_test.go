package accessresult

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// records reads a package CSV as its raw records (BOM, ';').
func records(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, utf8BOM) {
		t.Fatal("CSV has no UTF-8 BOM")
	}
	cr := csv.NewReader(bytes.NewReader(b[len(utf8BOM):]))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not read back: %v", err)
	}
	return recs
}

// Nested data reads as rows of a small table, not as one row of many columns, with dates,
// decimals and yes/no as a Dutch reader writes them (issue 24 item 8).
func TestReadableDataCSV(t *testing.T) {
	t.Parallel()
	b, err := Build(org, parseFixture(t, "nested.json"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, b)
	want := [][]string{
		{"Onderdeel", "Nr.", "Gegeven", "Waarde"},
		{"klant", "", "naam", "Anna Bakker"},
		{"klant", "", "geboren", "29-02-1980"},
		{"klant", "", "voorkeuren taal", "nl"},
		{"klant", "", "voorkeuren post", "nee"},
		{"contracten", "1", "nummer", "H-7"},
		{"contracten", "1", "huur", "812,4"},
		{"contracten", "2", "nummer", "P-2"},
		{"contracten", "2", "huur", "65"},
		{"contracten", "2", "opmerkingen", "sleutel; afstandsbediening"},
		{"codes", "1", "", "1; 2"},
		{"codes", "2", "", "3"},
		{"", "", "stad", "Zoë's ‘stad’ <&>"},
	}
	if diff := cmp.Diff(want, records(t, files[FileDataC].data)); diff != "" {
		t.Errorf("gegevens.csv of nested data (-want +got):\n%s", diff)
	}

	// A single flat record is a list of names and values, without empty columns.
	own := sampleOwn()
	own.Lang = "en"
	b, err = Build(org, parseFixture(t, "object.json"), own, sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files = unzip(t, b)
	recs := records(t, files[FileDataC].data)
	if diff := cmp.Diff([]string{"Part", "Item", "Value"}, recs[0]); diff != "" {
		t.Errorf("English header (-want +got):\n%s", diff)
	}
	for _, row := range [][]string{{"adres", "postcode", "1234 AB"}, {"", "actief", "yes"}, {"", "saldo", "-12.50"}} {
		if !containsRow(recs, row) {
			t.Errorf("gegevens.csv lacks row %q:\n%q", row, recs)
		}
	}

	// A real table stays a table; its dates are local.
	b, err = Build(org, parseFixture(t, "array.json"), sampleOwn(), sampleInfo, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files = unzip(t, b)
	want = [][]string{
		{"contract", "adres", "start", "eind"},
		{"H-1", "Dorpsstraat 1", "01-01-2020", ""},
		{"H-2", "Kerkweg 3", "01-05-2023", "31-01-2024"},
	}
	if diff := cmp.Diff(want, records(t, files[FileDataC].data)); diff != "" {
		t.Errorf("gegevens.csv of a table (-want +got):\n%s", diff)
	}
}

func containsRow(recs [][]string, row []string) bool {
	for _, r := range recs {
		if cmp.Equal(r, row) {
			return true
		}
	}
	return false
}

// privacyloket.csv speaks the reader's language: words for statuses, letters, actors and
// events, local dates and times (never in_progress or UTC), matched against a golden file.
func TestReadableOwnCSV(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"nl", "en"} {
		own := sampleOwn()
		own.Lang = lang
		own.Status = "in_progress"
		b, err := Build(org, parseFixture(t, "array.json"), own, sampleInfo, generated)
		if err != nil {
			t.Fatal(err)
		}
		_, files := unzip(t, b)
		got := files[FileOwnCSV].data
		for _, bad := range []string{"in_progress", "T09:12:00Z", "receipt", "requester", "2026-03-27"} {
			if lang == "nl" && bytes.Contains(got, []byte(bad)) {
				t.Errorf("%s: privacyloket.csv holds the code %q", lang, bad)
			}
		}
		golden := filepath.Join("testdata", "privacyloket."+lang+".golden.csv")
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if diff := cmp.Diff(strings.Split(string(want), "\r\n"), strings.Split(string(got), "\r\n")); diff != "" {
			t.Errorf("privacyloket.csv (%s) (-golden +got):\n%s", lang, diff)
		}
	}
}

// A searched package: each system's CSVs are readable tables, a JSON extract gets a readable
// CSV beside it, and the manifest's times are local (issue 24 item 8).
func TestReadableSystemFiles(t *testing.T) {
	t.Parallel()
	nested, err := os.ReadFile(filepath.Join("testdata", "nested.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := &Searches{Lang: "nl", Systems: []SystemPart{{
		Folder: "huur", Name: Text{NL: "Huuradministratie", EN: "Tenancy"}, Result: "found",
		AnsweredAt: time.Date(2026, 3, 30, 14, 5, 0, 0, time.UTC),
		Files: []PartFile{{Name: "klant.json", Kind: FormatJSON, Data: nested},
			{Name: "betalingen.csv", Kind: FormatCSV, Data: []byte("datum,bedrag\n2026-03-01,812.40\n2026-02-01,812.40\n")}},
	}}}
	b, err := BuildSearched(org, nil, sampleOwn(), sampleInfo, s, generated)
	if err != nil {
		t.Fatal(err)
	}
	names, files := unzip(t, b)
	for _, want := range []string{"huur/01-klant.json", "huur/01-klant.csv", "huur/02-betalingen.csv"} {
		if _, ok := files[want]; !ok {
			t.Errorf("package lacks %s: %v", want, names)
		}
	}
	if recs := records(t, files["huur/01-klant.csv"].data); !containsRow(recs, []string{"contracten", "2", "huur", "65"}) {
		t.Errorf("01-klant.csv is no readable table:\n%q", recs)
	}
	if diff := cmp.Diff([][]string{{"datum", "bedrag"}, {"01-03-2026", "812.40"}, {"01-02-2026", "812.40"}},
		records(t, files["huur/02-betalingen.csv"].data)); diff != "" {
		t.Errorf("02-betalingen.csv (-want +got):\n%s", diff)
	}
	manifest := records(t, files[FileManifest].data)
	if got, want := manifest[1][2], "30-03-2026 16:05"; got != want {
		t.Errorf("manifest answered = %q, want %q (Amsterdam time)", got, want)
	}
	if !strings.Contains(manifest[1][4], "huur/01-klant.csv") {
		t.Errorf("manifest files %q lack the readable CSV", manifest[1][4])
	}
	if !bytes.Contains(files[FileOverview].data, []byte("huur/01-klant.csv")) {
		t.Errorf("overzicht.html does not link the readable CSV")
	}
}

// The download page names the systems and the files, read from the stored package's list.
func TestReadContents(t *testing.T) {
	t.Parallel()
	s := &Searches{Lang: "nl", Systems: []SystemPart{
		{Folder: "huur", Name: Text{NL: "Huuradministratie"}, Result: "found",
			Files: []PartFile{{Name: "betalingen.csv", Kind: FormatCSV, Data: []byte("datum,bedrag\n2026-03-01,812.40\n")}}},
		{Folder: "crm", Name: Text{NL: "Klantcontact"}, Result: "nothing_found"},
	}}
	plan, _, err := planInMemory(org, nil, sampleOwn(), sampleInfo, s, generated)
	if err != nil {
		t.Fatal(err)
	}
	var stored bytes.Buffer
	if _, err := plan.WriteTo(&stored); err != nil {
		t.Fatal(err)
	}
	got, err := ReadContents(&stored)
	if err != nil {
		t.Fatal(err)
	}
	want := &Contents{Files: []string{FileManifest, FileReadme, FileOverview, FileOwnCSV, FileOwnJSON},
		Systems: []ContentsSystem{{Name: "Huuradministratie", Files: []string{"huur/01-betalingen.csv"}}, {Name: "Klantcontact"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("contents (-want +got):\n%s", diff)
	}
}

// overzicht.html shows each system's data as readable tables, for a phone (issue 24 item 8).
func TestOverviewShowsTheDataAsTables(t *testing.T) {
	t.Parallel()
	nested, err := os.ReadFile(filepath.Join("testdata", "nested.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := &Searches{Lang: "nl", Systems: []SystemPart{{Folder: "huur", Name: Text{NL: "Huuradministratie"}, Result: "found",
		Files: []PartFile{{Name: "klant.json", Kind: FormatJSON, Data: nested}}}}}
	b, err := BuildSearched(org, nil, sampleOwn(), sampleInfo, s, generated)
	if err != nil {
		t.Fatal(err)
	}
	_, files := unzip(t, b)
	page := string(files[FileOverview].data)
	for _, want := range []string{`<meta name="viewport"`, `<caption>huur/01-klant.json</caption>`, `<th scope="col">Gegeven</th>`,
		`<tr><td>contracten</td><td>2</td><td>huur</td><td>65</td></tr>`, `<td>29-02-1980</td>`, `Zoë&#39;s ‘stad’ &lt;&amp;&gt;`} {
		if !strings.Contains(page, want) {
			t.Errorf("overzicht.html lacks %s", want)
		}
	}
}
