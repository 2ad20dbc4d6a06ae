// Package accessresult turns the data file that staff upload when they grant
// an access request into the machine-readable package the requester downloads
// (docs/rules.md §4 "Access result"; GDPR 15(3), 20; A §13): the organisation's data
// as JSON and CSV, plus what Privacyloket itself keeps about the requester.
package accessresult

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxResultSize is the largest result file staff may upload, in bytes.
const MaxResultSize = 5 << 20

// maxDepth bounds JSON nesting; no honest export nests deeper, and the bound
// keeps the recursive decoder's stack small.
const maxDepth = 64

// MaxCells bounds the cells of the table a result file or an extract makes, and the values of
// a JSON file: what reading one costs grows with its cells (a few hundred bytes each, as rows,
// the readable table and JSON), which its size alone does not bound. A file past it is
// ErrTooLarge, found before its table is made.
const MaxCells = 500_000

// Sentinel errors, wrapped with detail. The detail names lines, columns and
// offsets only, never cell contents: the contents are personal data and errors
// end up in logs.
var (
	ErrTooLarge    = errors.New("accessresult: result file too large")
	ErrUnsupported = errors.New("accessresult: result file is neither JSON nor CSV")
	ErrInvalid     = errors.New("accessresult: result file is invalid")
	// ErrTooManyCells is ErrTooLarge for a file whose table would pass MaxCells.
	ErrTooManyCells = fmt.Errorf("%w: more than %d cells", ErrTooLarge, MaxCells)
)

// Formats of an uploaded result.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// Result is a parsed, validated result file. Parse fills Columns/Rows and JSON
// from the same data, so Build can write both formats without reparsing.
type Result struct {
	Format  string     // FormatJSON or FormatCSV, as uploaded
	Columns []string   // column names for tabular output
	Rows    [][]string // one slice per row, len(Columns) each
	// JSON is the data as a JSON value: for JSON uploads what encoding/json
	// produces with UseNumber (so numbers keep their exact text), for CSV
	// uploads a []map[string]string keyed by column name.
	JSON any
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// signatures of files staff might pick by mistake; named so the error says what
// was uploaded instead.
var signatures = []struct {
	prefix string
	what   string
}{
	{"PK\x03\x04", "a ZIP archive or Office document (save a spreadsheet as CSV UTF-8)"},
	{"PK\x05\x06", "an empty ZIP archive"},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old Office document (save a spreadsheet as CSV UTF-8)"},
	{"%PDF-", "a PDF"},
	{"{\\rtf", "an RTF document"},
	{"\x1F\x8B", "a gzip file"},
	{"\x89PNG", "a PNG image"},
	{"\xFF\xD8\xFF", "a JPEG image"},
	{"GIF8", "a GIF image"},
	{"\xFE\xFF", "UTF-16 text (save as UTF-8)"},
	{"\xFF\xFE", "UTF-16 text (save as UTF-8)"},
}

// Parse validates an uploaded result by its content, never by its file name
// or declared type, and returns it as a uniform table and as a JSON value.
//
// JSON must be an object or an array, valid UTF-8 and nested at most 64 deep.
// A single object becomes one row, an array one row per element; nested
// objects flatten into dotted column names, arrays of scalars are joined with
// "; " and other arrays are numbered from 1 ("contracts.1.start").
//
// CSV follows RFC 4180 in UTF-8 (a BOM is allowed) with a header row and at
// least one data row. The delimiter (',', ';' or tab) is read from the header
// line, or from Excel's "sep=;" line, so Excel's semicolon exports work. Rows
// with only empty cells and nameless columns with only empty cells are
// dropped: Excel writes them for formatted but empty cells. Staff must save
// as "CSV UTF-8"; other encodings are refused rather than guessed.
func Parse(data []byte) (*Result, error) {
	return parseUpTo(data, MaxResultSize)
}

// parseUpTo is Parse for a file of at most max bytes.
func parseUpTo(data []byte, max int) (*Result, error) {
	if len(data) > max {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), max)
	}
	for _, s := range signatures {
		if bytes.HasPrefix(data, []byte(s.prefix)) {
			return nil, fmt.Errorf("%w: %s", ErrUnsupported, s.what)
		}
	}
	body := bytes.TrimPrefix(data, utf8BOM)
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, fmt.Errorf("%w: empty file", ErrUnsupported)
	case binary(body):
		return nil, fmt.Errorf("%w: binary content", ErrUnsupported)
	case trimmed[0] == '<':
		return nil, fmt.Errorf("%w: HTML or XML", ErrUnsupported)
	case trimmed[0] == '{' || trimmed[0] == '[':
		return parseJSON(trimmed)
	case json.Valid(trimmed):
		return nil, fmt.Errorf("%w: JSON must be an object or an array", ErrInvalid)
	}
	return parseCSV(body)
}

// binary reports control bytes that text never holds. Non-UTF-8 text (a
// Windows-1252 export) is not binary: it is refused later with a hint to save
// as UTF-8.
func binary(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			return true
		}
	}
	return false
}

func parseJSON(data []byte) (*Result, error) {
	if !utf8.Valid(data) {
		// encoding/json would silently replace the bad bytes with U+FFFD.
		return nil, fmt.Errorf("%w: JSON is not valid UTF-8", ErrInvalid)
	}
	if !json.Valid(data) {
		// Unmarshal says where the syntax breaks; Valid alone is faster.
		err := json.Unmarshal(data, new(json.RawMessage))
		var syn *json.SyntaxError
		switch {
		case !errors.As(err, &syn):
			return nil, fmt.Errorf("%w: JSON: %v", ErrInvalid, err)
		case syn.Offset >= int64(len(data)):
			return nil, fmt.Errorf("%w: JSON ends early", ErrInvalid)
		default:
			return nil, fmt.Errorf("%w: JSON syntax error at byte %d", ErrInvalid, syn.Offset)
		}
	}
	root, err := (&jsonReader{b: data}).value(0)
	switch {
	case errors.Is(err, errTooMany):
		return nil, fmt.Errorf("%w (JSON values)", ErrTooManyCells)
	case err != nil:
		return nil, fmt.Errorf("%w: JSON nested deeper than %d levels", ErrInvalid, maxDepth)
	}
	cols, rows, err := tabulate(root)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 || len(rows) == 0 {
		return nil, fmt.Errorf("%w: the JSON holds no data", ErrInvalid)
	}
	return &Result{Format: FormatJSON, Columns: cols, Rows: rows, JSON: plain(root)}, nil
}

var errTooDeep, errTooMany = errors.New("too deep"), errors.New("too many values")

// object keeps the keys in document order: staff order their export the way
// they read it, and the CSV columns should follow.
type object struct {
	keys []string
	vals map[string]any
}

// jsonReader builds an ordered tree (*object, []any, string, json.Number,
// bool, nil) from JSON that encoding/json has already validated, so it only
// has to find boundaries, not report syntax errors. json.Decoder.Token would
// keep the key order too, but at a tenth of the speed.
type jsonReader struct {
	b []byte
	i int
	n int // values read, at most MaxCells
}

func (r *jsonReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *jsonReader) value(depth int) (any, error) {
	if r.n++; r.n > MaxCells {
		return nil, errTooMany
	}
	r.space()
	switch c := r.b[r.i]; c {
	case '{', '[':
		if depth == maxDepth {
			return nil, errTooDeep
		}
		r.i++
		var o *object
		var a []any
		if c == '{' {
			o = &object{vals: map[string]any{}}
		} else {
			a = []any{}
		}
		for {
			r.space()
			if r.b[r.i] == '}' || r.b[r.i] == ']' {
				r.i++
				if o != nil {
					return o, nil
				}
				return a, nil
			}
			if r.b[r.i] == ',' {
				r.i++
				r.space()
			}
			if o == nil {
				v, err := r.value(depth + 1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
				continue
			}
			k := r.str()
			r.space()
			r.i++ // ':'
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if _, dup := o.vals[k]; !dup {
				o.keys = append(o.keys, k)
			}
			o.vals[k] = v
		}
	case '"':
		return r.str(), nil
	case 't':
		r.i += len("true")
		return true, nil
	case 'f':
		r.i += len("false")
		return false, nil
	case 'n':
		r.i += len("null")
		return nil, nil
	default:
		start := r.i
		for r.i < len(r.b) && strings.IndexByte("+-0123456789.eE", r.b[r.i]) >= 0 {
			r.i++
		}
		return json.Number(r.b[start:r.i]), nil
	}
}

// str reads a string; only strings with escapes go through encoding/json.
func (r *jsonReader) str() string {
	start := r.i
	r.i++
	escaped := false
	for r.b[r.i] != '"' {
		if r.b[r.i] == '\\' {
			escaped = true
			r.i++
		}
		r.i++
	}
	r.i++
	if !escaped {
		return string(r.b[start+1 : r.i-1])
	}
	var s string
	_ = json.Unmarshal(r.b[start:r.i], &s) // valid by construction
	return s
}

// plain converts the ordered tree into the values encoding/json itself would
// produce, for callers that only know the standard shapes.
func plain(v any) any {
	switch v := v.(type) {
	case *object:
		m := make(map[string]any, len(v.keys))
		for _, k := range v.keys {
			m[k] = plain(v.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plain(e)
		}
		return out
	default:
		return v
	}
}

// valueColumn names the column for array elements that are not objects.
const valueColumn = "value"

// tabulate flattens the root into rows, with columns in order of first
// appearance; a row lacking a column gets an empty cell. A table of more than
// MaxCells cells (objects that each have keys of their own) is ErrTooLarge,
// found before it is made.
func tabulate(root any) ([]string, [][]string, error) {
	var elems []any
	if a, ok := root.([]any); ok {
		elems = a
	} else {
		elems = []any{root}
	}
	index := map[string]int{}
	var cols []string
	var rows []map[int]string
	for _, e := range elems {
		r := &row{index: index, cols: &cols, cells: map[int]string{}}
		if _, ok := e.(*object); ok {
			r.flatten("", e)
		} else {
			r.flatten(valueColumn, e)
		}
		// An element without cells ({} or []) still becomes a row, so the
		// CSV keeps one row per element of the JSON.
		rows = append(rows, r.cells)
	}
	if len(cols) > 0 && len(rows) > MaxCells/len(cols) {
		return nil, nil, fmt.Errorf("%w: a table of %d rows and %d columns", ErrTooManyCells, len(rows), len(cols))
	}
	out := make([][]string, len(rows))
	for i, cells := range rows {
		out[i] = make([]string, len(cols))
		for j, c := range cells {
			out[i][j] = c
		}
	}
	return cols, out, nil
}

// row collects one flattened element; index and cols are shared by all rows.
type row struct {
	index map[string]int
	cols  *[]string
	cells map[int]string
}

// set stores a cell. A name already used in this row (a key "a.b" beside an
// object "a" with key "b") gets a "#2" suffix so no value is lost.
func (r *row) set(name, value string) {
	if name == "" {
		name = valueColumn
	}
	base := name
	for n := 2; ; n++ {
		i, ok := r.index[name]
		if !ok {
			i = len(*r.cols)
			r.index[name] = i
			*r.cols = append(*r.cols, name)
		}
		if _, taken := r.cells[i]; !taken {
			r.cells[i] = value
			return
		}
		name = base + "#" + strconv.Itoa(n)
	}
}

func (r *row) flatten(prefix string, v any) {
	switch v := v.(type) {
	case *object:
		if len(v.keys) == 0 && prefix != "" {
			r.set(prefix, "")
		}
		for _, k := range v.keys {
			r.flatten(join(prefix, k), v.vals[k])
		}
	case []any:
		if texts, ok := scalars(v); ok {
			r.set(prefix, strings.Join(texts, "; "))
			return
		}
		for i, e := range v {
			r.flatten(join(prefix, strconv.Itoa(i+1)), e)
		}
	default:
		r.set(prefix, scalarText(v))
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// scalars returns the texts of an array that holds no objects or arrays; an
// empty array counts, and becomes an empty cell.
func scalars(a []any) ([]string, bool) {
	texts := make([]string, len(a))
	for i, e := range a {
		switch e.(type) {
		case *object, []any:
			return nil, false
		}
		texts[i] = scalarText(e)
	}
	return texts, true
}

func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	default: // null
		return ""
	}
}

func parseCSV(body []byte) (*Result, error) {
	if !utf8.Valid(body) {
		return nil, fmt.Errorf("%w: CSV is not UTF-8 (save it as CSV UTF-8)", ErrInvalid)
	}
	comma, ok := sepLine(body)
	if ok {
		body = body[bytes.IndexByte(body, '\n')+1:]
	} else {
		comma = delimiter(body)
	}
	cr := csv.NewReader(bytes.NewReader(body))
	cr.Comma = comma
	records, err := readRecords(cr)
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				return nil, fmt.Errorf("%w: line %d has a different number of columns than the header", ErrInvalid, pe.Line)
			}
			return nil, fmt.Errorf("%w: CSV line %d: %v", ErrInvalid, pe.Line, pe.Err)
		}
		return nil, fmt.Errorf("%w: CSV: %v", ErrInvalid, err)
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("%w: CSV has no header row", ErrInvalid)
	}
	header, data := records[0], records[1:]
	keep := make([]int, 0, len(header))
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if h == "" {
			if !emptyColumn(data, i) {
				return nil, fmt.Errorf("%w: column %d has data but no name", ErrInvalid, i+1)
			}
			continue
		}
		if j, dup := seen[h]; dup {
			return nil, fmt.Errorf("%w: columns %d and %d have the same name", ErrInvalid, j+1, i+1)
		}
		seen[h] = i
		keep = append(keep, i)
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("%w: the header row has no column names", ErrInvalid)
	}
	cols := make([]string, len(keep))
	for k, i := range keep {
		cols[k] = header[i]
	}
	var rows [][]string
	var objs []map[string]string
	for _, rec := range data {
		if emptyRecord(rec) {
			continue
		}
		r := make([]string, len(keep))
		m := make(map[string]string, len(keep))
		for k, i := range keep {
			r[k] = rec[i]
			m[cols[k]] = rec[i]
		}
		rows = append(rows, r)
		objs = append(objs, m)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: CSV has a header but no data rows", ErrInvalid)
	}
	return &Result{Format: FormatCSV, Columns: cols, Rows: rows, JSON: objs}, nil
}

// delimiter picks the most frequent of ',', ';' and tab outside quotes on the
// header line; header names rarely contain any of them, so the count is a
// reliable vote. Ties and single-column files fall back to the RFC's comma.
func delimiter(body []byte) rune {
	line := bytes.TrimLeft(body, "\r\n")
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	var comma, semi, tab int
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			comma++
		case c == ';':
			semi++
		case c == '\t':
			tab++
		}
	}
	switch {
	case semi > comma && semi >= tab:
		return ';'
	case tab > comma && tab > semi:
		return '\t'
	default:
		return ','
	}
}

// sepLine reads Excel's optional first line "sep=;", which names the
// delimiter and is not part of the data.
func sepLine(body []byte) (rune, bool) {
	i := bytes.IndexByte(body, '\n')
	if i < 0 {
		return 0, false
	}
	line := bytes.TrimSuffix(body[:i], []byte("\r"))
	if len(line) != len("sep=;") || !bytes.HasPrefix(line, []byte("sep=")) {
		return 0, false
	}
	switch c := rune(line[4]); c {
	case ',', ';', '\t':
		return c, true
	}
	return 0, false
}

func emptyRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func emptyColumn(data [][]string, i int) bool {
	for _, rec := range data {
		if strings.TrimSpace(rec[i]) != "" {
			return false
		}
	}
	return true
}

// readRecords is ReadAll that stops past MaxCells cells, with ErrTooLarge.
func readRecords(cr *csv.Reader) ([][]string, error) {
	var records [][]string
	cells := 0
	for {
		rec, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			return records, nil
		case err != nil:
			return nil, err
		}
		if cells += max(1, len(rec)); cells > MaxCells {
			return nil, fmt.Errorf("%w (CSV)", ErrTooManyCells)
		}
		records = append(records, rec)
	}
}
