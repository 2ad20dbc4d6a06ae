package accessresult

import (
	be "encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/privacyloket/privacyloket/shared/csvfile"
)

// An owner's extract is checked and written in the package's own form once, when it is
// uploaded (PrepareExtract), and stored so: the package is then streamed from it at download,
// copied and never parsed again, and staff's decision reads only its header (a bounded preview
// for the overview, and which files it holds).
//
// The stored form is a 4-byte big-endian length, the header (JSON) of that length, and then the
// files' bytes one after the other, in the header's order.

// PreviewRows is how many rows of each extract's readable table overzicht.html shows; the
// overview says where the whole file is.
const PreviewRows = 20

// PreviewColumns is how many columns of each extract's table overzicht.html shows; the
// overview says where the others are.
const PreviewColumns = 20

// previewCell bounds one cell of the preview, in characters.
const previewCell = 300

// previewBytes bounds the cells of a preview together: rows past it are left to the file, as
// rows past PreviewRows are. Every extract's header is read when staff decide.
const previewBytes = 64 << 10

// maxHeader bounds a stored header when it is read back: the preview is bounded, so a header is
// far smaller; anything larger is not a header.
const maxHeader = 4 << 20

// ExtractHeader is what a stored extract says about itself.
type ExtractHeader struct {
	// Files are the files the extract gives the package, the uploaded kind first (by its
	// extension: "json", "csv" or "pdf"), then the same data in the other format.
	Files []StoredFile `json:"files"`
	// Preview is the start of its readable table, for the overview; nil for a PDF.
	Preview *Preview `json:"preview,omitempty"`
}

// StoredFile is one file of a stored extract.
type StoredFile struct {
	Ext  string `json:"ext"`
	Size int64  `json:"size"`
}

// Preview is the start of an extract's readable table.
type Preview struct {
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
	// Total is how many rows the whole table has.
	Total int `json:"total"`
	// Width is how many columns the whole table has, when the preview leaves some out.
	Width int `json:"width,omitempty"`
	// Table is the index in Files of the readable table (the CSV).
	Table int `json:"table"`
}

// PreparedExtract is an extract in the package's form, ready to be stored.
type PreparedExtract struct {
	Header ExtractHeader
	data   [][]byte
}

// PrepareExtract checks an owner's JSON or CSV extract as ParseExtract does and writes it in the
// package's form, in the reader's language lang: a JSON extract as JSON and, beside it, its
// readable table as CSV; a CSV extract as its readable table, and with both also as JSON (a
// portability answer gives each system's data in both formats, GDPR 20).
//
// It holds the table once: the readable CSV and the JSON are written from it (and from the
// file's own JSON, element by element) straight into the stored form.
func PrepareExtract(data []byte, lang string, both bool) (*PreparedExtract, error) {
	r, err := parseUpTo(data, MaxExtractSize, MaxCells, false)
	if err != nil {
		return nil, err
	}
	p := &PreparedExtract{}
	add := func(ext string, c *chunks) {
		p.Header.Files = append(p.Header.Files, StoredFile{Ext: ext, Size: c.n})
		p.data = append(p.data, c.bufs...)
	}
	var js *chunks
	if r.Format == FormatJSON || both {
		js = &chunks{}
		if err := writeDataJSON(js, r, data); err != nil {
			return nil, err
		}
	}
	if r.Format == FormatJSON {
		add(FormatJSON, js)
	}
	t := newReadable(r, lang)
	var head [][]string
	total := 0
	table := &chunks{}
	w := csvfile.NewWriter(table)
	err = w.Write(t.cols)
	if err == nil {
		err = t.each(func(row []string) error {
			if total++; total <= PreviewRows {
				head = append(head, slices.Clone(row))
			}
			return w.Write(row)
		})
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return nil, err
	}
	add(FormatCSV, table)
	p.Header.Preview = preview(t.cols, head, total)
	if r.Format == FormatCSV {
		p.Header.Preview.Table = 0
		if both {
			add(FormatJSON, js)
		}
	} else {
		p.Header.Preview.Table = 1
	}
	return p, nil
}

// chunks holds written bytes in pieces of at most chunkSize, so that a file of many MiB grows
// without being copied into ever larger buffers.
type chunks struct {
	bufs [][]byte
	n    int64
}

const chunkSize = 1 << 20

func (c *chunks) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	k := len(p)
	for len(p) > 0 {
		if len(c.bufs) == 0 || len(c.bufs[len(c.bufs)-1]) == cap(c.bufs[len(c.bufs)-1]) {
			// Small files stay small; large ones come in chunkSize pieces.
			c.bufs = append(c.bufs, make([]byte, 0, min(chunkSize, max(4<<10, int(c.n)/2))))
		}
		last := &c.bufs[len(c.bufs)-1]
		m := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:m]...)
		p = p[m:]
	}
	return k, nil
}

// PreparePDF is a PDF extract (already inspected and cleaned) in the package's form: as it is.
func PreparePDF(data []byte) *PreparedExtract {
	return &PreparedExtract{Header: ExtractHeader{Files: []StoredFile{{Ext: "pdf", Size: int64(len(data))}}}, data: [][]byte{data}}
}

// Kind is the kind of the extract as uploaded: "json", "csv" or "pdf".
func (p *PreparedExtract) Kind() string { return p.Header.Files[0].Ext }

// Size is the bytes of its files.
func (p *PreparedExtract) Size() int64 {
	var n int64
	for _, f := range p.Header.Files {
		n += f.Size
	}
	return n
}

// preview is the start of a readable table of total rows, from its first rows.
func preview(cols []string, rows [][]string, total int) *Preview {
	cut := func(s string) string {
		if utf8.RuneCountInString(s) <= previewCell {
			return s
		}
		r := []rune(s)
		return string(r[:previewCell-1]) + "…"
	}
	p := &Preview{Total: total}
	width := min(len(cols), PreviewColumns)
	if width < len(cols) {
		p.Width = len(cols)
	}
	size := 0
	for _, c := range cols[:width] {
		p.Columns = append(p.Columns, cut(c))
		size += len(p.Columns[len(p.Columns)-1])
	}
	for _, row := range rows[:min(len(rows), PreviewRows)] {
		out := make([]string, min(len(row), width))
		for i := range out {
			out[i] = cut(row[i])
			size += len(out[i])
		}
		if size > previewBytes && len(p.Rows) > 0 {
			break
		}
		p.Rows = append(p.Rows, out)
	}
	return p
}

// WriteTo writes the stored form.
func (p *PreparedExtract) WriteTo(w io.Writer) (int64, error) {
	return writeFramed(w, p.Header, p.data)
}

// writeFramed writes header as JSON behind its 4-byte big-endian length, then data: the stored
// form of an extract and of a plan, which readFramed reads back.
func writeFramed(w io.Writer, header any, data [][]byte) (int64, error) {
	h, err := json.Marshal(header)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, b := range append([][]byte{be.BigEndian.AppendUint32(nil, uint32(len(h))), h}, data...) {
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ReadExtractHeader reads a stored extract's header from r, which is then at its first file.
func ReadExtractHeader(r io.Reader) (*ExtractHeader, error) {
	b, err := readFramed(r)
	if err != nil {
		return nil, fmt.Errorf("accessresult: stored extract: %w", err)
	}
	h := &ExtractHeader{}
	if err := json.Unmarshal(b, h); err != nil || len(h.Files) == 0 {
		return nil, fmt.Errorf("%w: stored extract header", ErrInvalid)
	}
	for _, f := range h.Files {
		if f.Size < 0 || (f.Ext != FormatJSON && f.Ext != FormatCSV && f.Ext != "pdf") {
			return nil, fmt.Errorf("%w: stored extract file %q", ErrInvalid, f.Ext)
		}
	}
	if p := h.Preview; p != nil && (p.Table < 0 || p.Table >= len(h.Files) || h.Files[p.Table].Ext != FormatCSV) {
		return nil, fmt.Errorf("%w: stored extract preview", ErrInvalid)
	}
	return h, nil
}

// readFramed reads a 4-byte big-endian length and that many bytes, up to maxHeader.
func readFramed(r io.Reader) ([]byte, error) {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	size := be.BigEndian.Uint32(n[:])
	if size > maxHeader {
		return nil, fmt.Errorf("%w: a header of %d bytes", ErrInvalid, size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}
