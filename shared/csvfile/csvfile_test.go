package csvfile

import (
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"
)

func TestCell(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Jansen", "Jansen"},
		{"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"},
		{"+31 6 1234", "'+31 6 1234"},
		{"-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\n=1+1", "'\n=1+1"},
		{"＝1+1", "'＝1+1"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠SUM(A1)", "'＠SUM(A1)"},
		{"-12", "-12"},
		{"-3,5", "-3,5"},
		{"-", "'-"},
		{"a=b", "a=b"},
		{"\xff=1", "\uFFFD=1"},
	} {
		if got := Cell(tc.in); got != tc.want {
			t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWriterDutchExcel checks the form Dutch Excel opens as columns: the byte-order mark, ';'
// between cells, CRLF, quotes where a cell holds the separator, every cell guarded.
func TestWriterDutchExcel(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := NewWriter(&b)
	for _, row := range [][]string{{"Kenmerk", "Naam"}, {"PL-1", "Jansen; Piet"}, {"1,5", "=1+1"}, {""}} {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFKenmerk;Naam\r\nPL-1;\"Jansen; Piet\"\r\n1,5;'=1+1\r\n\"\"\r\n"
	if got := b.String(); got != want {
		t.Errorf("csv = %q, want %q", got, want)
	}
	var empty strings.Builder
	if err := NewWriter(&empty).Flush(); err != nil || empty.String() != BOM {
		t.Errorf("an empty file = %q (%v), want only the byte-order mark", empty.String(), err)
	}
}

func TestLocalForms(t *testing.T) {
	t.Parallel()
	// 14:39 UTC on 28 November is 15:39 in Amsterdam (winter time); 22:30 UTC on 30 June is
	// already 1 July there (summer time).
	winter := time.Date(2026, 11, 28, 14, 39, 0, 0, time.UTC)
	summer := time.Date(2026, 6, 30, 22, 30, 0, 0, time.UTC)
	for _, tc := range []struct{ got, want string }{
		{Date(civil.Date{Year: 2026, Month: 3, Day: 7}, "nl"), "07-03-2026"},
		{Date(civil.Date{Year: 2026, Month: 3, Day: 7}, "en"), "2026-03-07"},
		{Date(civil.Date{}, "nl"), ""},
		{DateTime(winter, "nl"), "28-11-2026 15:39"},
		{DateTime(summer, "nl"), "01-07-2026 00:30"},
		{DateTime(winter, "en"), "2026-11-28 15:39"},
		{DateTime(time.Time{}, "nl"), ""},
		{Decimal(1.26, "nl"), "1,3"},
		{Decimal(0, "nl"), "0,0"},
		{Decimal(2.5, "en"), "2.5"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
