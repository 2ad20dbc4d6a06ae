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
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxResultSize is the largest result file staff may upload, in bytes.
const MaxResultSize = 5 << 20

// maxDepth bounds JSON nesting; no honest export nests deeper, and the bound
// keeps the recursive decoder's stack small.
const maxDepth = 64

// MaxCells bounds the cells of the table an extract makes (PrepareExtract), and the keys and
// values of a JSON extract: what reading one costs grows with its cells, which its size alone
// does not bound. At the bound one read peaks at about 230 MiB (a wide JSON object, about 300
// bytes a key; a one-column CSV, about 100 bytes a cell; BenchmarkPrepareExtractAtTheBound). An
// ordinary 10 MiB extract (a CSV of 4 columns, a JSON array of flat objects) holds about a
// million. A file past it is ErrTooManyCells, found before its table is made.
const MaxCells = 1_500_000

// MaxResultCells is MaxCells for staff's own result file (Parse): it is held whole, as its table
// and its JSON, while the package is made, which costs up to about 700 bytes a cell
// (BenchmarkDecideAtTheBound).
const MaxResultCells = 500_000

// Sentinel errors, wrapped with detail. The detail names lines, columns and
// offsets only, never cell contents: the contents are personal data and errors
// end up in logs.
var (
	ErrTooLarge    = errors.New("accessresult: result file too large")
	ErrUnsupported = errors.New("accessresult: result file is neither JSON nor CSV")
	ErrInvalid     = errors.New("accessresult: result file is invalid")
	// ErrTooManyCells is ErrTooLarge for a file whose table would pass MaxCells (MaxResultCells).
	ErrTooManyCells = fmt.Errorf("%w: too many cells", ErrTooLarge)
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
	return parseUpTo(data, MaxResultSize, MaxResultCells, true)
}

// parseUpTo is Parse for a file of at most max bytes and cells. Without keepJSON the result's JSON is
// left nil: PrepareExtract writes the JSON from the file itself, element by element, rather
// than hold the whole tree beside the table.
func parseUpTo(data []byte, max, cells int, keepJSON bool) (*Result, error) {
	if len(data) > max {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(data), max)
	}
	for _, s := range signatures {
		if bytes.HasPrefix(data, []byte(s.prefix)) {
			return nil, fmt.Errorf("%w: %s", ErrUnsupported, s.what)
		}
	}
	body, trimmed := bodyOf(data)
	switch {
	case len(trimmed) == 0:
		return nil, fmt.Errorf("%w: empty file", ErrUnsupported)
	case binary(body):
		return nil, fmt.Errorf("%w: binary content", ErrUnsupported)
	case trimmed[0] == '<':
		return nil, fmt.Errorf("%w: HTML or XML", ErrUnsupported)
	case trimmed[0] == '{' || trimmed[0] == '[':
		return parseJSON(trimmed, cells, keepJSON)
	case json.Valid(trimmed):
		return nil, fmt.Errorf("%w: JSON must be an object or an array", ErrInvalid)
	}
	return parseCSV(body, cells, keepJSON)
}

// bodyOf is the file without its byte-order mark, and that without the white space around it.
func bodyOf(data []byte) (body, trimmed []byte) {
	body = bytes.TrimPrefix(data, utf8BOM)
	return body, bytes.TrimSpace(body)
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

func parseJSON(data []byte, cells int, keepJSON bool) (*Result, error) {
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
	t := newTable(elementCount(data, cells), cells)
	var elems []any
	array, err := elements(data, cells, func(e any) {
		t.add(e)
		if keepJSON {
			elems = append(elems, plain(e))
		}
	})
	switch {
	case errors.Is(err, errTooMany):
		return nil, fmt.Errorf("%w (JSON keys and values, more than %d)", ErrTooManyCells, cells)
	case err != nil:
		return nil, fmt.Errorf("%w: JSON nested deeper than %d levels", ErrInvalid, maxDepth)
	}
	cols, rows, err := t.fill()
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 || len(rows) == 0 {
		return nil, fmt.Errorf("%w: the JSON holds no data", ErrInvalid)
	}
	r := &Result{Format: FormatJSON, Columns: cols, Rows: rows}
	switch {
	case !keepJSON:
	case array:
		r.JSON = elems
	default:
		r.JSON = elems[0]
	}
	return r, nil
}

// elements reads JSON that encoding/json has validated and gives f, in turn, each element of
// its root array as an ordered tree, or the root itself when it is an object; only one element's
// tree is held at a time. It reports whether the root is an array.
func elements(data []byte, cells int, f func(any)) (array bool, err error) {
	r := &jsonReader{b: data, max: cells}
	r.space()
	if r.b[r.i] != '[' {
		v, err := r.value(0)
		if err != nil {
			return false, err
		}
		f(v)
		return false, nil
	}
	r.n++ // the array is a value too
	r.i++
	for {
		r.space()
		if r.b[r.i] == ']' {
			return true, nil
		}
		if r.b[r.i] == ',' {
			r.i++
		}
		v, err := r.value(1)
		if err != nil {
			return true, err
		}
		f(v)
	}
}

var errTooDeep, errTooMany = errors.New("too deep"), errors.New("too many values")

// object keeps the keys in document order: staff order their export the way
// they read it, and the CSV columns should follow. vals[i] is the value of keys[i].
type object struct {
	keys []string
	vals []any
}

// dedupe keeps each key once, where it first appears, with the value it was given last, as
// encoding/json does. Most objects have no key twice, which is found without a map.
func (o *object) dedupe() {
	if len(o.keys) < 2 {
		return
	}
	if !o.hasDuplicate() {
		return
	}
	at := map[string]int{}
	keys, vals := o.keys[:0], o.vals[:0]
	for i, k := range o.keys {
		v := o.vals[i]
		if j, dup := at[k]; dup {
			vals[j] = v
			continue
		}
		at[k] = len(keys)
		keys, vals = append(keys, k), append(vals, v)
	}
	clear(o.keys[len(keys):])
	clear(o.vals[len(vals):])
	o.keys, o.vals = keys, vals
}

func (o *object) hasDuplicate() bool {
	if len(o.keys) <= 8 {
		for i, k := range o.keys {
			if slices.Contains(o.keys[:i], k) {
				return true
			}
		}
		return false
	}
	sorted := slices.Clone(o.keys)
	slices.Sort(sorted)
	return len(slices.Compact(sorted)) < len(o.keys)
}

// jsonReader builds an ordered tree (*object, []any, string, json.Number,
// bool, nil) from JSON that encoding/json has already validated, so it only
// has to find boundaries, not report syntax errors. json.Decoder.Token would
// keep the key order too, but at a tenth of the speed.
type jsonReader struct {
	b   []byte
	i   int
	n   int // keys and values read, at most max
	max int
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
	if r.n++; r.n > r.max {
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
			o = &object{}
		} else {
			a = []any{}
		}
		for {
			r.space()
			if r.b[r.i] == '}' || r.b[r.i] == ']' {
				r.i++
				if o != nil {
					o.dedupe()
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
			if r.n++; r.n > r.max { // a key costs what a value does: it names a column
				return nil, errTooMany
			}
			k := r.str()
			r.space()
			r.i++ // ':'
			v, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			o.keys, o.vals = append(o.keys, k), append(o.vals, v)
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
		for i, k := range v.keys {
			m[k] = plain(v.vals[i])
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

func parseCSV(body []byte, cells int, keepJSON bool) (*Result, error) {
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
	records, err := readRecords(cr, bytes.Count(body, []byte("\n"))+1, cells)
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
	// The rows take the records' place: a record is its row when every column is kept.
	rows := data[:0]
	for _, rec := range data {
		if emptyRecord(rec) {
			continue
		}
		if len(keep) < len(rec) {
			r := make([]string, len(keep))
			for k, i := range keep {
				r[k] = rec[i]
			}
			rec = r
		}
		rows = append(rows, rec)
	}
	clear(data[len(rows):])
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: CSV has a header but no data rows", ErrInvalid)
	}
	r := &Result{Format: FormatCSV, Columns: cols, Rows: rows}
	if keepJSON {
		objs := make([]map[string]string, len(rows))
		for i, row := range rows {
			objs[i] = rowObject(cols, row)
		}
		r.JSON = objs
	}
	return r, nil
}

// rowObject is a CSV row as a JSON object keyed by column name.
func rowObject(cols, row []string) map[string]string {
	m := make(map[string]string, len(cols))
	for k, c := range cols {
		m[c] = row[k]
	}
	return m
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

// readRecords is ReadAll that stops past limit cells, with ErrTooManyCells; lines, the lines of
// the file, is room for its records (quoted line breaks make it more than enough).
func readRecords(cr *csv.Reader, lines, limit int) ([][]string, error) {
	records := make([][]string, 0, min(lines, limit+1))
	cells := 0
	for {
		rec, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			return records, nil
		case err != nil:
			return nil, err
		}
		if cells += max(1, len(rec)); cells > limit {
			return nil, fmt.Errorf("%w (CSV, more than %d)", ErrTooManyCells, limit)
		}
		records = append(records, rec)
	}
}
