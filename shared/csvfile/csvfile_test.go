package csvfile

import "testing"

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
