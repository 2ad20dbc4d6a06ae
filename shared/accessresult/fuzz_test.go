package accessresult

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tricky holds JSON that a hand-written reader gets wrong first: escapes in
// keys and values, surrogate pairs, odd whitespace, exponents.
var tricky = []string{
	`{"a\"b": "c\\d", "e\/f": "\u00eb\ud83d\ude00", "g": "tab\there"}`,
	"[\r\n\t1e3 ,\t-0.5E-2,0 , true,false,null,\"\"\n]",
	`{"":{"":[{}]} , "x":[[],[[]],{"y":[1,{"z":"\n"}]}]}`,
	`[{"a":1,"a":2,"b":{"a":3}}]`,
	`{"k":"\u0000 nul escaped is fine"}`,
	`{"long":123456789012345678901234567890.123456789e-10}`,
	`{"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k1":10,"k3":{"a":1,"b":2,"a":3}}`,
	"[\"\\b\\f\\u007f\\u0080 \u007f\\u2028\\u2029\\ud800x\\\\\\\"\\/\"]",
}

func TestJSONReaderMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, in := range tricky {
		r, err := Parse([]byte(in))
		if err != nil {
			t.Errorf("Parse(%s): %v", in, err)
			continue
		}
		if diff := cmp.Diff(stdDecode(t, []byte(in)), r.JSON); diff != "" {
			t.Errorf("Parse(%s) JSON (-encoding/json +got):\n%s", in, diff)
		}
	}
}

func stdDecode(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// FuzzParse checks that no input panics, that every error is one of the
// sentinels, that an accepted table is rectangular, and that accepted JSON
// means what encoding/json says it means.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.[jct]s*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range tricky {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		if len(r.Columns) == 0 || len(r.Rows) == 0 {
			t.Fatalf("accepted without data: %+v", r)
		}
		for _, row := range r.Rows {
			if len(row) != len(r.Columns) {
				t.Fatalf("row of %d cells for %d columns", len(row), len(r.Columns))
			}
		}
		if r.Format == FormatJSON {
			if diff := cmp.Diff(stdDecode(t, bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM))), r.JSON); diff != "" {
				t.Fatalf("JSON (-encoding/json +got):\n%s", diff)
			}
		}
		if _, err := Build(org, r, sampleOwn(), sampleInfo, generated); err != nil {
			t.Fatalf("Build of a parsed result: %v", err)
		}
	})
}
