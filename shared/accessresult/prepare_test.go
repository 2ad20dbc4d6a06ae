package accessresult

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// preparedInputs are extracts of every shape the parser knows: the test files, JSON that a
// hand-written reader gets wrong first, nested and ragged data, and large regular tables.
func preparedInputs(t testing.TB) map[string][]byte {
	t.Helper()
	in := map[string][]byte{}
	files, err := filepath.Glob(filepath.Join("testdata", "*.[jct]s*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in[f] = b
	}
	for i, s := range tricky {
		in[fmt.Sprintf("tricky %d", i)] = []byte(s)
	}
	for i, s := range []string{
		`[{"a":{"b":1}},{"a":{"b":2},"c":[1,2]}]`,
		`[{"x":"2024-01-02","y":"2024-01-02T10:00:00Z","z":1.5,"t":true,"f":false,"n":null}, {"x":"=1","y":"-3"}]`,
		`{"a":{"1":{"b":"c"}},"d":[{"e":1},{"e":2}]}`,
		`[{},{"a":1},[],[1,2],[{"q":1}],"s",1]`,
		`[{"a.b":1,"a":{"b":2}}]`,
		`[{"<>&":"<>&\u2028\u2029\u0001 \ufffd"},{"<>&":"x"}]`,
		`[{"b":1,"a":2,"c":{"z":1,"y":[],"x":{}}}]`,
		"[\n  {\"a\": 1},\n  {\"a\": 2}\n]",
		`{"a":1}`,
		`[{"b":1},{"a":2,"b":3},{"c":"4"}]`,
		"a;b\r\n2024-01-02;1.5\r\n=x;true\r\n",
		"a\n\"\"\n\n x\n",
		"sep=;\na;b;\n1;2;\n;;\n3;;\n",
		"k,v\nx,\"multi\nline\"\ny,\"q\"\"q\"\n",
		"naam\nJansen\n",
		"b;a;<&>\n1;2;3\n4;5;6\n",
		"a\tb\nx\\y\t\"z\"\"\\u2028\u2028\"\n",
		`[{"a.1.b":1,"a":[{"b":2}]},{"a.+1":3,"a.-1":4,"a.01":5}]`,
	} {
		in[fmt.Sprintf("extra %d", i)] = []byte(s)
	}
	in["CSV of 4 columns"] = extractCSV(1<<20, 4)
	in["CSV of 12 columns"] = extractCSV(1<<20, 12)
	in["JSON of flat objects"] = extractJSON(1 << 20)
	in["JSON of nested objects"] = bigResult(1 << 20)
	return in
}

// TestPrepareExtractWritesTheWholeTable: PrepareExtract writes its files row by row and value by
// value, without holding the data as a tree or its readable table as a copy; what it writes is
// what the whole table writes (Parse, readableTable, writeCSV, marshal), byte for byte.
func TestPrepareExtractWritesTheWholeTable(t *testing.T) {
	t.Parallel()
	for name, data := range preparedInputs(t) {
		for _, lang := range []string{"nl", "en"} {
			for _, both := range []bool{false, true} {
				want, wantErr := wholeTable(data, lang, both)
				got, err := PrepareExtract(data, lang, both)
				if (err != nil) != (wantErr != nil) {
					t.Errorf("%s, %s, both %t: %v, want %v", name, lang, both, err, wantErr)
					continue
				}
				if err != nil {
					continue
				}
				var g, w bytes.Buffer
				if _, err := got.WriteTo(&g); err != nil {
					t.Fatal(err)
				}
				if _, err := want.WriteTo(&w); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(g.Bytes(), w.Bytes()) {
					t.Errorf("%s, %s, both %t: stored form differs; header %s", name, lang, both,
						cmp.Diff(want.Header, got.Header))
				}
			}
		}
	}
}

// wholeTable prepares an extract from its whole table and its JSON as one value.
func wholeTable(data []byte, lang string, both bool) (*PreparedExtract, error) {
	r, err := ParseExtract(data)
	if err != nil {
		return nil, err
	}
	cols, rows := readableTable(r, lang)
	table, err := writeCSV(cols, rows)
	if err != nil {
		return nil, err
	}
	js, err := marshal(r.JSON)
	if err != nil {
		return nil, err
	}
	p := &PreparedExtract{}
	add := func(ext string, b []byte) {
		p.Header.Files = append(p.Header.Files, StoredFile{Ext: ext, Size: int64(len(b))})
		p.data = append(p.data, b)
	}
	if r.Format == FormatJSON {
		add(FormatJSON, js)
	}
	add(FormatCSV, table)
	if r.Format == FormatCSV && both {
		add(FormatJSON, js)
	}
	p.Header.Preview = preview(cols, rows[:min(len(rows), PreviewRows)], len(rows))
	if r.Format == FormatJSON {
		p.Header.Preview.Table = 1
	}
	return p, nil
}
