package accessresult

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file string
		want *Result
	}{
		{"object.json", &Result{
			Format:  FormatJSON,
			Columns: []string{"naam", "klantnummer", "adres.straat", "adres.postcode", "adres.plaats", "telefoon", "actief", "notitie", "saldo"},
			Rows:    [][]string{{"Jan de Vries", "12345678901234567890", "Dorpsstraat 1", "1234 AB", "Ede", "0612345678; +31 318 123456", "true", "", "-12.50"}},
			JSON: map[string]any{
				"naam":        "Jan de Vries",
				"klantnummer": json.Number("12345678901234567890"), // beyond float64: kept exact
				"adres":       map[string]any{"straat": "Dorpsstraat 1", "postcode": "1234 AB", "plaats": "Ede"},
				"telefoon":    []any{"0612345678", "+31 318 123456"},
				"actief":      true,
				"notitie":     nil,
				"saldo":       json.Number("-12.50"),
			},
		}},
		{"array.json", &Result{
			Format:  FormatJSON,
			Columns: []string{"contract", "adres", "start", "eind"},
			Rows: [][]string{
				{"H-1", "Dorpsstraat 1", "2020-01-01", ""},
				{"H-2", "Kerkweg 3", "2023-05-01", "2024-01-31"},
			},
			JSON: []any{
				map[string]any{"contract": "H-1", "adres": "Dorpsstraat 1", "start": "2020-01-01"},
				map[string]any{"contract": "H-2", "adres": "Kerkweg 3", "start": "2023-05-01", "eind": "2024-01-31"},
			},
		}},
		{"nested.json", &Result{
			Format: FormatJSON,
			Columns: []string{"klant.naam", "klant.geboren", "klant.voorkeuren.taal", "klant.voorkeuren.post",
				"contracten.1.nummer", "contracten.1.huur", "contracten.2.nummer", "contracten.2.huur", "contracten.2.opmerkingen",
				"reparaties", "extra", "codes.1", "codes.2", "stad"},
			Rows: [][]string{{"Anna Bakker", "1980-02-29", "nl", "false",
				"H-7", "812.4", "P-2", "65", "sleutel; afstandsbediening",
				"", "", "1; 2", "3", "Zoë's ‘stad’ <&>"}},
			JSON: map[string]any{
				"klant": map[string]any{"naam": "Anna Bakker", "geboren": "1980-02-29",
					"voorkeuren": map[string]any{"taal": "nl", "post": false}},
				"contracten": []any{
					map[string]any{"nummer": "H-7", "huur": json.Number("812.4")},
					map[string]any{"nummer": "P-2", "huur": json.Number("65"), "opmerkingen": []any{"sleutel", "afstandsbediening"}},
				},
				"reparaties": []any{},
				"extra":      map[string]any{},
				"codes":      []any{[]any{json.Number("1"), json.Number("2")}, []any{json.Number("3")}},
				"stad":       "Zoë's ‘stad’ <&>",
			},
		}},
		{"scalars.json", &Result{
			Format:  FormatJSON,
			Columns: []string{"value"},
			Rows:    [][]string{{"Jan"}, {"3"}, {""}},
			JSON:    []any{"Jan", json.Number("3"), nil},
		}},
		{"comma.csv", &Result{
			Format:  FormatCSV,
			Columns: []string{"naam", "email", "plaats"},
			Rows: [][]string{
				{"Jan de Vries", "jan@example.nl", "Ede"},
				{"Bakker, Anna", "anna@example.nl", "Den\nHaag"},
			},
			JSON: []map[string]string{
				{"naam": "Jan de Vries", "email": "jan@example.nl", "plaats": "Ede"},
				{"naam": "Bakker, Anna", "email": "anna@example.nl", "plaats": "Den\nHaag"},
			},
		}},
		// Excel's "CSV UTF-8" in a Dutch locale: BOM, semicolons, CRLF, a
		// trailing nameless empty column and an empty formatted row.
		{"semicolon.csv", &Result{
			Format:  FormatCSV,
			Columns: []string{"naam", "huur", "opmerking"},
			Rows: [][]string{
				{"Jan de Vries", "812,40", "sleutel; pas"},
				{"Zoë Jansen", "65,00", ""},
			},
			JSON: []map[string]string{
				{"naam": "Jan de Vries", "huur": "812,40", "opmerking": "sleutel; pas"},
				{"naam": "Zoë Jansen", "huur": "65,00", "opmerking": ""},
			},
		}},
		{"bom.csv", &Result{
			Format:  FormatCSV,
			Columns: []string{"naam", "plaats"},
			Rows:    [][]string{{"José", "Wageningen"}},
			JSON:    []map[string]string{{"naam": "José", "plaats": "Wageningen"}},
		}},
		{"sepline.csv", &Result{
			Format:  FormatCSV,
			Columns: []string{"naam,voluit", "plaats"},
			Rows:    [][]string{{"Vries, Jan de", "Ede"}},
			JSON:    []map[string]string{{"naam,voluit": "Vries, Jan de", "plaats": "Ede"}},
		}},
		{"tab.tsv", &Result{
			Format:  FormatCSV,
			Columns: []string{"naam", "plaats"},
			Rows:    [][]string{{"Jan", "Ede"}},
			JSON:    []map[string]string{{"naam": "Jan", "plaats": "Ede"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(fixture(t, tc.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("gegevens.csv")
	w.Write(fixture(t, "comma.csv"))
	zw.Close()

	cases := []struct {
		name   string
		data   []byte
		want   error
		detail string // a part of the message that tells staff what to fix
	}{
		{"empty", nil, ErrUnsupported, "empty"},
		{"whitespace", []byte(" \r\n\t\n"), ErrUnsupported, "empty"},
		{"BOM only", utf8BOM, ErrUnsupported, "empty"},
		{"html", fixture(t, "page.html"), ErrUnsupported, "HTML"},
		{"xml", []byte(`<?xml version="1.0"?><a/>`), ErrUnsupported, "HTML or XML"},
		{"zip", zipped.Bytes(), ErrUnsupported, "ZIP"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrUnsupported, "PNG"},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n"), ErrUnsupported, "PDF"},
		{"rtf", []byte(`{\rtf1\ansi naam}`), ErrUnsupported, "RTF"},
		{"utf16", []byte("\xff\xfen\x00a\x00a\x00m\x00"), ErrUnsupported, "UTF-16"},
		{"binary", []byte("naam,plaats\nJan,\x00\x01\x02"), ErrUnsupported, "binary"},
		{"ragged", fixture(t, "ragged.csv"), ErrInvalid, "line 3"},
		{"header only", fixture(t, "headeronly.csv"), ErrInvalid, "no data rows"},
		{"nameless column with data", fixture(t, "nameless.csv"), ErrInvalid, "column 2"},
		{"duplicate column", fixture(t, "duplicate.csv"), ErrInvalid, "columns 1 and 3"},
		{"windows-1252", fixture(t, "windows1252.csv"), ErrInvalid, "UTF-8"},
		{"bad quote", fixture(t, "badquote.csv"), ErrInvalid, "line"},
		{"NaN", fixture(t, "nan.json"), ErrInvalid, "syntax error at byte 10"},
		{"two values", fixture(t, "trailing.json"), ErrInvalid, "syntax error at byte 17"},
		{"invalid UTF-8 in JSON", fixture(t, "badutf8.json"), ErrInvalid, "UTF-8"},
		{"truncated", fixture(t, "truncated.json"), ErrInvalid, "ends early"},
		{"scalar", fixture(t, "scalar.json"), ErrInvalid, "object or an array"},
		{"empty array", fixture(t, "emptyarray.json"), ErrInvalid, "no data"},
		{"empty object", fixture(t, "emptyobject.json"), ErrInvalid, "no data"},
		{"too deep", nest(maxDepth + 1), ErrInvalid, "deeper than 64"},
		{"too large", bytes.Repeat([]byte("a"), MaxResultSize+1), ErrTooLarge, "5242881 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tc.data)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse = %v, %v; want %v", got, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("error %q does not mention %q", err, tc.detail)
			}
		})
	}
}

// TestParseErrorsHideContent keeps personal data out of error messages, which
// end up in logs.
func TestParseErrorsHideContent(t *testing.T) {
	t.Parallel()
	for _, data := range []string{
		"naam,plaats\nGeheime Naam,Ede,extra\n",
		`{"naam": "Geheime Naam" "x"}`,
		`{"naam": Geheime}`,
		"Geheime Naam,Geheime Naam\nx,y\n",
	} {
		_, err := Parse([]byte(data))
		if err == nil {
			t.Fatalf("Parse(%q) accepted", data)
		}
		if strings.Contains(err.Error(), "Geheim") {
			t.Errorf("Parse(%q) error %q echoes the content", data, err)
		}
	}
}

func TestParseDepthLimit(t *testing.T) {
	t.Parallel()
	r, err := Parse(nest(maxDepth))
	if err != nil {
		t.Fatalf("Parse at the depth limit: %v", err)
	}
	if got, want := r.Columns[0], strings.Repeat("a.", maxDepth-1)+"a"; got != want {
		t.Errorf("column = %q, want %q", got, want)
	}
}

// nest returns an object nested depth levels deep: {"a":{"a":...1}}.
func nest(depth int) []byte {
	return []byte(strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth))
}

func TestParseSizeLimitIsInclusive(t *testing.T) {
	t.Parallel()
	head := "naam\n"
	line := "Jan de Vries\n"
	var b strings.Builder
	b.WriteString(head)
	for b.Len()+len(line) <= MaxResultSize {
		b.WriteString(line)
	}
	b.WriteString(strings.Repeat("x", MaxResultSize-b.Len()))
	if got, want := b.Len(), MaxResultSize; got != want {
		t.Fatalf("fixture is %d bytes, want %d", got, want)
	}
	if _, err := Parse([]byte(b.String())); err != nil {
		t.Errorf("Parse of exactly MaxResultSize: %v", err)
	}
}

func TestDelimiter(t *testing.T) {
	t.Parallel()
	cases := []struct {
		header string
		want   rune
	}{
		{"naam,plaats", ','},
		{"naam;plaats", ';'},
		{"naam\tplaats", '\t'},
		{"naam", ','},
		{`"naam, voluit";plaats`, ';'}, // the comma is quoted and does not vote
		{"\r\n\r\nnaam;plaats", ';'},
		{"a,b;c", ','}, // a tie falls back to the RFC
	}
	for _, tc := range cases {
		if got := delimiter([]byte(tc.header + "\nx")); got != tc.want {
			t.Errorf("delimiter(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

func TestTabulateCollision(t *testing.T) {
	t.Parallel()
	r, err := Parse([]byte(`{"a.b": "x", "a": {"b": "y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{Format: FormatJSON, Columns: []string{"a.b", "a.b#2"}, Rows: [][]string{{"x", "y"}},
		JSON: map[string]any{"a.b": "x", "a": map[string]any{"b": "y"}}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
