// Package csvfile holds what every CSV the product writes shares: the guard that keeps a cell
// from running as a formula when a spreadsheet opens the file.
package csvfile

import (
	"strings"
	"unicode/utf8"
)

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
