package accessresult

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// storedExtracts prepares each extract as an upload does and keeps its stored form: a store
// of extracts by key, with an Opener.
type storedExtracts map[string][]byte

func (st storedExtracts) put(t *testing.T, key string, p *PreparedExtract) PartFile {
	t.Helper()
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	st[key] = b.Bytes()
	return PartFile{Kind: p.Kind(), Key: key, Header: &p.Header}
}

func (st storedExtracts) open(key string) (io.ReadCloser, error) {
	b, ok := st[key]
	if !ok {
		return nil, errors.New("no such extract")
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func prepare(t *testing.T, data string, lang string, both bool) *PreparedExtract {
	t.Helper()
	p, err := PrepareExtract([]byte(data), lang, both)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rows makes a CSV extract of n rows.
func csvRows(n int) string {
	var b strings.Builder
	b.WriteString("datum;bedrag;omschrijving\n")
	for i := range n {
		fmt.Fprintf(&b, "2026-01-%02d;%d;huur %d\n", i%28+1, 700+i, i)
	}
	return b.String()
}

// streamed stores the plan and streams its ZIP as DownloadResult does.
func streamed(t *testing.T, s *Searches, st storedExtracts) []byte {
	t.Helper()
	plan, err := NewPlan(org, nil, sampleOwn(), sampleInfo, s, generated)
	if err != nil {
		t.Fatal(err)
	}
	var stored bytes.Buffer
	if _, err := plan.WriteTo(&stored); err != nil {
		t.Fatal(err)
	}
	back, err := ReadPlan(&stored)
	if err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := WriteZip(&zip, back, &stored, st.open); err != nil {
		t.Fatal(err)
	}
	return zip.Bytes()
}

// The package streamed from the stored plan and extracts is the package built whole, byte for
// byte; the overview shows a bounded start of each table and says where the rest is.
func TestStreamedPackageIsTheBuiltOne(t *testing.T) {
	t.Parallel()
	big := csvRows(3 * PreviewRows)
	nested := string(mustRead(t, "testdata/nested.json"))
	st := storedExtracts{}
	files := []PartFile{st.put(t, "k1", prepare(t, nested, "nl", false)), st.put(t, "k2", prepare(t, big, "nl", false)),
		st.put(t, "k3", PreparePDF([]byte("%PDF-1.7 document")))}
	files[0].Name, files[1].Name, files[2].Name = "klant.json", "betalingen.csv", "brief.pdf"
	s := &Searches{Lang: "nl", Systems: []SystemPart{{Folder: "huur", Name: Text{NL: "Huuradministratie"}, Result: "found", Files: files}}}
	got := streamed(t, s, st)

	whole := &Searches{Lang: "nl", Systems: []SystemPart{{Folder: "huur", Name: Text{NL: "Huuradministratie"}, Result: "found",
		Files: []PartFile{{Name: "klant.json", Kind: "json", Data: []byte(nested)}, {Name: "betalingen.csv", Kind: "csv", Data: []byte(big)},
			{Name: "brief.pdf", Kind: "pdf", Data: []byte("%PDF-1.7 document")}}}}}
	want, err := BuildSearched(org, nil, sampleOwn(), sampleInfo, whole, generated)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the streamed package differs from the one built whole")
	}
	_, zf := unzip(t, got)
	if n := len(records(t, zf["huur/02-betalingen.csv"].data)); n != 3*PreviewRows+1 {
		t.Errorf("02-betalingen.csv has %d lines, want every row and the header", n)
	}
	if string(zf["huur/03-brief.pdf"].data) != "%PDF-1.7 document" {
		t.Errorf("the PDF is not copied as stored")
	}
	page := string(zf[FileOverview].data)
	if n := strings.Count(page, "<td>huur "); n != PreviewRows {
		t.Errorf("overzicht.html shows %d rows of 02-betalingen.csv, want the first %d", n, PreviewRows)
	}
	if want := fmt.Sprintf(`Hierboven staan de eerste %d van de %d rijen. Alle rijen staan in <a href="huur/02-betalingen.csv">`, PreviewRows, 3*PreviewRows); !strings.Contains(page, want) {
		t.Errorf("overzicht.html does not say where the rest is (%s)", want)
	}
	if strings.Count(page, "Alle rijen staan in") != 1 {
		t.Error("a table shown whole says it is cut")
	}
}

// A portability answer gives each system's data as JSON and as CSV, whichever the owner sent.
func TestPortabilityGivesJSONAndCSV(t *testing.T) {
	t.Parallel()
	fromCSV := prepare(t, "naam;huur\nAnna;712.50\nBert;650\n", "nl", true)
	fromJSON := prepare(t, `[{"naam":"Anna","huur":712.5},{"naam":"Bert","huur":650}]`, "nl", true)
	for _, tc := range []struct {
		p    *PreparedExtract
		exts string
	}{{fromCSV, "csv json"}, {fromJSON, "json csv"}} {
		var exts []string
		for _, f := range tc.p.Header.Files {
			exts = append(exts, f.Ext)
		}
		if got := strings.Join(exts, " "); got != tc.exts {
			t.Errorf("files %s, want %s", got, tc.exts)
		}
	}
	st := storedExtracts{}
	a, b := st.put(t, "a", fromCSV), st.put(t, "b", fromJSON)
	a.Name, b.Name = "huur.csv", "contract.json"
	s := &Searches{Lang: "nl", Systems: []SystemPart{{Folder: "huur", Name: Text{NL: "Huur"}, Result: "found", Files: []PartFile{a, b}}}}
	_, zf := unzip(t, streamed(t, s, st))
	var rows []map[string]string
	if err := json.Unmarshal(zf["huur/01-huur.json"].data, &rows); err != nil || len(rows) != 2 || rows[0]["naam"] != "Anna" || rows[1]["huur"] != "650" {
		t.Errorf("the CSV's JSON: %v %q", err, zf["huur/01-huur.json"].data)
	}
	if recs := records(t, zf["huur/02-contract.csv"].data); len(recs) != 3 || recs[1][0] != "Anna" {
		t.Errorf("the JSON's CSV: %q", recs)
	}
	for _, name := range []string{"huur/01-huur.csv", "huur/02-contract.json"} {
		if _, ok := zf[name]; !ok {
			t.Errorf("package lacks %s", name)
		}
	}
	// An access answer gives a CSV as CSV only, as before.
	if p := prepare(t, "naam;huur\nAnna;712.50\n", "nl", false); len(p.Header.Files) != 1 {
		t.Errorf("an access CSV extract gives %d files", len(p.Header.Files))
	}
}

// An extract that is not what the plan says stops the download with an error.
func TestWriteZipRefusesAnExtractThatChanged(t *testing.T) {
	t.Parallel()
	st := storedExtracts{}
	f := st.put(t, "k1", prepare(t, csvRows(5), "nl", false))
	f.Name = "a.csv"
	s := &Searches{Lang: "nl", Systems: []SystemPart{{Folder: "huur", Name: Text{NL: "Huur"}, Result: "found", Files: []PartFile{f}}}}
	plan, err := NewPlan(org, nil, sampleOwn(), sampleInfo, s, generated)
	if err != nil {
		t.Fatal(err)
	}
	good := st["k1"]
	for name, stored := range map[string][]byte{
		"longer":  append(bytes.Clone(good), 'x'),
		"shorter": good[:len(good)-1],
		"other":   mustStore(t, prepare(t, csvRows(6), "nl", false)),
		"missing": nil,
	} {
		st := storedExtracts{}
		if stored != nil {
			st["k1"] = stored
		}
		if err := WriteZip(io.Discard, plan, plan.builtReader(), st.open); err == nil {
			t.Errorf("%s extract: no error", name)
		}
	}
}

func mustStore(t *testing.T, p *PreparedExtract) []byte {
	var b bytes.Buffer
	if _, err := p.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// On paper each system's extracts print as records, up to a cap, with what is left out said.
func TestPaperPrintsTheExtracts(t *testing.T) {
	t.Parallel()
	st := storedExtracts{}
	small := st.put(t, "k1", prepare(t, "contract;adres\nHV-1;=Dorpsstraat 1\nHV-2;Kerkstraat 2\n", "nl", false))
	big := st.put(t, "k2", prepare(t, csvRows(PaperFieldsPerFile), "nl", false))
	nested := st.put(t, "k3", prepare(t, string(mustRead(t, "testdata/nested.json")), "nl", false))
	pdf := st.put(t, "k4", PreparePDF([]byte("%PDF-1.7")))
	small.Name, big.Name, nested.Name, pdf.Name = "contracten.csv", "betalingen.csv", "klant.json", "brief.pdf"
	s := &Searches{Lang: "nl", Systems: []SystemPart{
		{Folder: "huur", Name: Text{NL: "Huuradministratie"}, Result: "found", Files: []PartFile{small, big, nested}},
		{Folder: "post", Name: Text{NL: "Postkamer"}, Result: "found", Files: []PartFile{pdf}},
		{Folder: "web", Name: Text{NL: "Website"}, Result: "nothing_found"},
	}}
	plan, err := NewPlan(org, nil, sampleOwn(), sampleInfo, s, generated)
	if err != nil {
		t.Fatal(err)
	}
	var stored bytes.Buffer
	plan.WriteTo(&stored)
	p, err := ReadPaper(&stored, st.open)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Systems) != 3 || p.Systems[0].Name != "Huuradministratie" || p.Systems[2].Result != "gezocht, niets gevonden" || len(p.Systems[2].Files) != 0 {
		t.Fatalf("systems on paper: %+v", p.Systems)
	}
	files := p.Systems[0].Files
	if f := files[0]; f.Name != "huur/01-contracten.csv" || f.Cut || f.Rows != 2 || len(f.Records) != 2 ||
		f.Records[0][1] != (Field{"adres", "=Dorpsstraat 1"}) {
		t.Errorf("a small table on paper: %+v", f)
	}
	if f := files[1]; !f.Cut || f.Rows != PaperFieldsPerFile || f.Printed >= f.Rows || f.Printed*3 > PaperFieldsPerFile+3 {
		t.Errorf("a large table on paper: %d of %d rows printed, cut %v", f.Printed, f.Rows, f.Cut)
	}
	if f := files[2]; f.Cut || len(f.Records) != 1 || f.Records[0][0] != (Field{"klant naam", "Anna Bakker"}) {
		t.Errorf("nested data on paper: %+v", f)
	}
	if f := p.Systems[1].Files[0]; f.Kind != "pdf" || !f.Cut || len(f.Records) != 0 {
		t.Errorf("a PDF on paper: %+v", f)
	}
	if p.Own.Reference != sampleOwn().Reference || len(p.Data.Rows) != 0 {
		t.Errorf("paper own %+v, data %+v", p.Own, p.Data)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wideCSV is a CSV extract of cols columns and rows rows, every cell holding cell.
func wideCSV(cols, rows int, cell string) string {
	var b strings.Builder
	for i := range cols {
		if i > 0 {
			b.WriteByte(';')
		}
		fmt.Fprintf(&b, "k%x", i)
	}
	b.WriteByte('\n')
	line := strings.Repeat(cell+";", cols-1) + cell + "\n"
	for range rows {
		b.WriteString(line)
	}
	return b.String()
}

// TestWideExtractsPreviewBounded: an extract of very many columns, or of long cells, is
// accepted at upload and its stored header (the overview's preview) stays small, so the
// decision that reads every extract's header neither fails on it (a header over maxHeader is
// no header) nor holds megabytes per extract; the overview says where the columns it leaves
// out are.
func TestWideExtractsPreviewBounded(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", previewCell)
	cells := make([]string, 60)
	for i := range cells {
		cells[i] = fmt.Sprint(i) + long
	}
	longCells := strings.Join(cells, ";") + "\n" + strings.Repeat(strings.Join(cells, ";")+"\n", PreviewRows)
	for name, data := range map[string]string{"1 000 columns of 300 characters": wideCSV(1000, PreviewRows+1, strings.Repeat("x", previewCell)), "long cells": longCells} {
		p := prepare(t, data, "nl", false)
		var b bytes.Buffer
		if _, err := p.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		h, err := ReadExtractHeader(&b)
		if err != nil {
			t.Fatalf("%s: the stored header does not read back: %v", name, err)
		}
		if js, _ := json.Marshal(h); len(js) > 2*previewBytes {
			t.Errorf("%s: the stored header holds %d bytes, want at most about %d", name, len(js), previewBytes)
		}
		if len(h.Preview.Columns) > PreviewColumns || h.Preview.Width != len(strings.Split(data[:strings.IndexByte(data, '\n')], ";")) {
			t.Errorf("%s: preview of %d columns of %d, want at most %d and the whole width", name, len(h.Preview.Columns), h.Preview.Width, PreviewColumns)
		}
	}
	st := storedExtracts{}
	f := st.put(t, "k1", prepare(t, wideCSV(PreviewColumns+5, 2, "x"), "nl", false))
	f.Name = "breed.csv"
	_, zf := unzip(t, streamed(t, &Searches{Lang: "nl", Systems: []SystemPart{{Folder: "huur", Name: Text{NL: "Huur"}, Result: "found", Files: []PartFile{f}}}}, st))
	page := string(zf[FileOverview].data)
	if want := fmt.Sprintf(`Hierboven staan de eerste %d van de %d kolommen. Alle kolommen staan in <a href="huur/01-breed.csv">`, PreviewColumns, PreviewColumns+5); !strings.Contains(page, want) {
		t.Errorf("overzicht.html does not say where the other columns are (%s)", want)
	}
}
