package accessresult

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/i18n"
)

// Paper is an access package read back for printing, for a requester who gets the answer by
// post: the organisation's result as Parse read it, Privacyloket's own records, and each
// system's extracts as far as they print (PaperFieldsPerFile).
type Paper struct {
	Data    *Result
	Own     Own
	Systems []PaperSystem
}

// PaperSystem is one system searched, on paper: its name, what its search found, its files.
type PaperSystem struct {
	Name, Result string
	Files        []PaperFile
}

// PaperFile is one extract on paper: its readable table as records (a list of names and values
// fits a page; a wide table does not), as far as the page cap allows. A PDF is not printed here:
// Records is empty and Cut true.
type PaperFile struct {
	Name    string // in the package
	Kind    string // "json", "csv" or "pdf"
	Records [][]Field
	// Rows is how many rows the whole table has; Printed how many of them are printed.
	Rows, Printed int
	// Cut: the file is not printed in full.
	Cut bool
}

// PaperFieldsPerFile caps what one extract prints: about ten A4 pages of names and values.
// Beyond it the page says how much is left out and how to get the whole file.
const PaperFieldsPerFile = 400

// Field is one named value of a record on paper.
type Field struct{ Name, Value string }

// ReadPaper reads a stored package (the stored plan from r, its extracts from open) back into
// what is printed. The data comes from the readable CSVs, parsed as an upload is: columns keep
// the order staff or the owner gave them, and the apostrophes that defuse formulas for
// spreadsheets are taken off again, since paper runs no formulas. Each extract is read only as
// far as it prints.
func ReadPaper(r io.Reader, open Opener) (*Paper, error) {
	plan, err := ReadPlan(r)
	if err != nil {
		return nil, err
	}
	p := &Paper{Data: &Result{}}
	var ownJSON []byte
	for _, it := range plan.Items {
		if it.Extract != "" {
			continue
		}
		name, size := it.Names[0], it.Sizes[0]
		if name != FileDataC && name != FileOwnJSON {
			if _, err := io.CopyN(io.Discard, r, size); err != nil {
				return nil, fmt.Errorf("accessresult: read %s: %w", name, err)
			}
			continue
		}
		// NewPlan wrote at most MaxResultSize of data; its CSV is guarded, so allow some more.
		if size > 4*MaxResultSize {
			return nil, fmt.Errorf("%w: %s of %d bytes", ErrInvalid, name, size)
		}
		b := make([]byte, size)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("accessresult: read %s: %w", name, err)
		}
		if name == FileOwnJSON {
			ownJSON = b
			continue
		}
		// A searched package may hold no result file of staff's own: then the paper has
		// Privacyloket's own records and the systems' extracts.
		res, err := parseCSV(bytes.TrimPrefix(b, utf8BOM), MaxCells, false)
		if err != nil {
			return nil, fmt.Errorf("accessresult: %s: %w", FileDataC, err)
		}
		if listed(res.Columns) {
			one := &Result{Format: res.Format, Columns: []string{}, Rows: [][]string{{}}}
			for _, row := range res.Rows {
				f := listedField(row)
				one.Columns = append(one.Columns, f.Name)
				one.Rows[0] = append(one.Rows[0], f.Value)
			}
			res = one
		}
		for _, row := range res.Rows {
			for i, c := range row {
				row[i] = unguard(c)
			}
		}
		p.Data = res
	}
	if err := atEnd(r); err != nil {
		return nil, fmt.Errorf("accessresult: stored package: %w", err)
	}
	if ownJSON == nil {
		return nil, fmt.Errorf("%w: package has no %s", ErrInvalid, FileOwnJSON)
	}
	if err := json.Unmarshal(ownJSON, &p.Own); err != nil {
		return nil, fmt.Errorf("accessresult: %s: %w", FileOwnJSON, err)
	}
	for _, sys := range plan.Systems {
		ps := PaperSystem{Name: sys.Name, Result: sys.Result}
		for _, it := range plan.Items {
			if it.Extract == "" || !strings.HasPrefix(it.Names[0], sys.Folder+"/") {
				continue
			}
			f, err := paperFile(it, open)
			if err != nil {
				return nil, err
			}
			ps.Files = append(ps.Files, *f)
		}
		p.Systems = append(p.Systems, ps)
	}
	return p, nil
}

// paperFile reads one extract's readable table as far as it prints.
func paperFile(it Item, open Opener) (*PaperFile, error) {
	if open == nil {
		return nil, fmt.Errorf("%w: extract %s has no store", ErrInvalid, it.Names[0])
	}
	rc, err := open(it.Extract)
	if err != nil {
		return nil, fmt.Errorf("accessresult: open extract %s: %w", it.Names[0], err)
	}
	defer rc.Close()
	h, err := ReadExtractHeader(rc)
	if err != nil {
		return nil, err
	}
	f := &PaperFile{Name: it.Names[0], Kind: h.Files[0].Ext}
	if h.Preview == nil {
		f.Cut = true // a document: not printed as a table
		return f, nil
	}
	for _, sf := range h.Files[:h.Preview.Table] {
		if _, err := io.CopyN(io.Discard, rc, sf.Size); err != nil {
			return nil, fmt.Errorf("accessresult: extract %s: %w", it.Names[0], err)
		}
	}
	table := bufio.NewReader(io.LimitReader(rc, h.Files[h.Preview.Table].Size))
	if bom, _ := table.Peek(len(utf8BOM)); bytes.Equal(bom, utf8BOM) {
		table.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(table)
	cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = ';', -1, false
	cols, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("accessresult: extract %s: %w", it.Names[0], err)
	}
	for i, c := range cols {
		cols[i] = unguard(c)
	}
	isList := listed(cols)
	if isList {
		f.Records = [][]Field{{}}
	}
	fields := 0
	f.Rows = h.Preview.Total
	for fields < PaperFieldsPerFile {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("accessresult: extract %s: %w", it.Names[0], err)
		}
		for i, c := range row {
			row[i] = unguard(c)
		}
		if isList {
			f.Records[0] = append(f.Records[0], listedField(row))
			fields++
		} else {
			var rec []Field
			for i, v := range row {
				if v != "" && i < len(cols) {
					rec = append(rec, Field{Name: cols[i], Value: v})
				}
			}
			f.Records = append(f.Records, rec)
			fields += max(1, len(rec))
		}
		f.Printed++
	}
	f.Cut = f.Printed < f.Rows
	return f, nil
}

// listedField is one row of readableTable's list of values as a named value: named by its part,
// number and name ("contracten 2 huur"), in the CSV's order.
func listedField(r []string) Field {
	if len(r) == 0 {
		return Field{}
	}
	var name []string
	for _, c := range r[:len(r)-1] {
		if c != "" {
			name = append(name, c)
		}
	}
	return Field{Name: strings.Join(name, " "), Value: r[len(r)-1]}
}

// unguard takes off the apostrophe that csvfile put before a cell a spreadsheet would run.
func unguard(c string) string {
	if rest, ok := strings.CutPrefix(c, "'"); ok && csvfile.Cell(rest) == c {
		return rest
	}
	return c
}

// listed reports whether cols is the header of readableTable's list of values.
func listed(cols []string) bool {
	for _, lang := range i18n.Languages() {
		if len(cols) >= 2 && cols[len(cols)-2] == i18n.T(lang, "csv.data.item") && cols[len(cols)-1] == i18n.T(lang, "csv.data.value") {
			return true
		}
	}
	return false
}

// Records lays the result out for paper: one record per row, each a list of the columns that
// have a value in that row. A wide table does not fit a page; a list of names and values does.
func (r *Result) Records() [][]Field {
	out := make([][]Field, 0, len(r.Rows))
	for _, row := range r.Rows {
		var rec []Field
		for i, v := range row {
			if v != "" && i < len(r.Columns) {
				rec = append(rec, Field{Name: r.Columns[i], Value: v})
			}
		}
		out = append(out, rec)
	}
	return out
}
