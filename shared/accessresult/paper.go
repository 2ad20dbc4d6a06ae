package accessresult

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/i18n"
)

// Paper is an access package read back for printing, for a requester who gets the answer by
// post: the organisation's result as Parse read it, and Privacyloket's own records.
type Paper struct {
	Data *Result
	Own  Own
}

// Field is one named value of a record on paper.
type Field struct{ Name, Value string }

// ReadPackage reads a package that Build made back into its parts, so that it can be printed.
// The data comes from gegevens.csv, parsed as an upload is: its columns keep the order staff
// gave them (the JSON of a CSV upload sorts them), and the apostrophes that defuse formulas for
// spreadsheets are taken off again, since paper runs no formulas.
func ReadPackage(pkg []byte) (*Paper, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, fmt.Errorf("accessresult: read package: %w", err)
	}
	read := func(name string) ([]byte, error) {
		f, err := zr.Open(name)
		if err != nil {
			return nil, fmt.Errorf("accessresult: package has no %s: %w", name, err)
		}
		defer f.Close()
		// Build wrote at most MaxResultSize of data; its JSON is indented, so allow some more.
		b, err := io.ReadAll(io.LimitReader(f, 4*MaxResultSize+1))
		if err != nil {
			return nil, fmt.Errorf("accessresult: read %s: %w", name, err)
		}
		return b, nil
	}
	res := &Result{}
	// A searched package may hold no result file of staff's own (BuildSearched): then the paper
	// has Privacyloket's own records only, and the systems' extracts go on paper apart.
	if _, err := zr.Open(FileDataC); err == nil {
		data, err := read(FileDataC)
		if err != nil {
			return nil, err
		}
		if res, err = parseCSV(bytes.TrimPrefix(data, utf8BOM)); err != nil {
			return nil, fmt.Errorf("accessresult: %s: %w", FileDataC, err)
		}
		// A CSV that lists values one per row (readableTable) is one record on paper, each
		// value named by its part, number and name ("contracten 2 huur"), in the CSV's order.
		if listed(res.Columns) {
			one := &Result{Format: res.Format, Rows: [][]string{{}}}
			for _, r := range res.Rows {
				var name []string
				for _, c := range r[:len(r)-1] {
					if c != "" {
						name = append(name, c)
					}
				}
				one.Columns = append(one.Columns, strings.Join(name, " "))
				one.Rows[0] = append(one.Rows[0], r[len(r)-1])
			}
			res = one
		}
	}
	for _, row := range res.Rows {
		for i, c := range row {
			if rest, ok := strings.CutPrefix(c, "'"); ok && csvfile.Cell(rest) == c {
				row[i] = rest
			}
		}
	}
	ownJSON, err := read(FileOwnJSON)
	if err != nil {
		return nil, err
	}
	p := &Paper{Data: res}
	if err := json.Unmarshal(ownJSON, &p.Own); err != nil {
		return nil, fmt.Errorf("accessresult: %s: %w", FileOwnJSON, err)
	}
	return p, nil
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
