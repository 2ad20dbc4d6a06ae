// Package csvfile holds what every CSV the product writes shares (docs/contract.md §3): the
// form Dutch Excel opens as columns (UTF-8 with a byte-order mark, ';' between cells, CRLF line
// ends), cells written in the reader's language (decimals, dates and times in Europe/Amsterdam),
// and the guard that keeps a cell from running as a formula when a spreadsheet opens the file.
package csvfile

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
)

// BOM is the UTF-8 byte-order mark: without it Excel reads a CSV as the Windows code page and
// shows "Ã«" for "ë".
const BOM = "\uFEFF"

// Sep is the cell separator: Excel splits a file on the list separator of the reader's
// Windows locale, and the Dutch one is ';' (',' is the decimal sign there).
const Sep = ';'

// Writer writes a CSV that Dutch Excel opens as columns: the byte-order mark first, ';'
// between cells, CRLF after every row, every cell guarded by Cell.
type Writer struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
	cells   []string
}

// NewWriter writes CSV to w; nothing is written before the first row.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.Comma = Sep
	cw.UseCRLF = true
	return &Writer{w: w, cw: cw}
}

// Write writes one row, each cell through Cell. A row of one empty cell is written as "" so
// that it does not become an empty line, which spreadsheets skip.
func (w *Writer) Write(row []string) error {
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.w, BOM); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	if len(row) == 1 && row[0] == "" {
		w.cw.Flush()
		if err := w.cw.Error(); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
		_, err := io.WriteString(w.w, "\"\"\r\n")
		return err
	}
	w.cells = w.cells[:0]
	for _, c := range row {
		w.cells = append(w.cells, Cell(c))
	}
	if err := w.cw.Write(w.cells); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// Flush writes what is buffered and reports any error of an earlier Write. A file with no
// row at all still gets its byte-order mark.
func (w *Writer) Flush() error {
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.w, BOM); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("csv: %w", err)
	}
	return nil
}

// Date writes a calendar day as a spreadsheet in lang's locale reads it: "28-11-2026" (nl),
// "2026-11-28" (en); the zero date is "".
func Date(d civil.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	if lang == "en" {
		return d.String()
	}
	return fmt.Sprintf("%02d-%02d-%04d", d.Day, int(d.Month), d.Year)
}

// DateTime writes a moment as its Europe/Amsterdam day and time of day, never UTC:
// "28-11-2026 15:39" (nl), "2026-11-28 15:39" (en); the zero time is "".
func DateTime(t time.Time, lang string) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(deadline.Location())
	return Date(civil.DateOf(local), lang) + " " + local.Format("15:04")
}

// Decimal writes x with one decimal in lang's form: "1,5" (nl), "1.5" (en).
func Decimal(x float64, lang string) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if lang == "en" {
		return s
	}
	return strings.Replace(s, ".", ",", 1)
}

// Cell makes a text safe as a CSV cell opened in a spreadsheet (OWASP "CSV injection"): a value
// that starts with a character a spreadsheet reads as the start of a formula (= + - @, a tab, a
// carriage return or a line break, or the full-width ＝ ＋ － ＠ that some spreadsheets fold to
// them) gets a leading apostrophe, so it shows as text and never runs. A plain negative number
// ("-12", "-3,5") is left alone: a spreadsheet reads it as a number, never as a formula. Invalid
// UTF-8 becomes U+FFFD.
func Cell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	r, _ := utf8.DecodeRuneInString(s)
	if s == "" || !strings.ContainsRune("=+-@\t\r\n＝＋－＠", r) || negativeNumber(s) {
		return s
	}
	return "'" + s
}

// negativeNumber reports whether s is an ASCII minus followed by digits with at most decimal
// separators between them.
func negativeNumber(s string) bool {
	if len(s) < 2 || s[0] != '-' {
		return false
	}
	digit := false
	for _, c := range s[1:] {
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c == '.' || c == ',':
		default:
			return false
		}
	}
	return digit
}
