package accessresult

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestReadPackageForPaper(t *testing.T) {
	t.Parallel()
	r, err := Parse([]byte("naam;adres;notitie\r\nJan de Vries;Dorpsstraat 1, Ede;=1+1\r\nJan de Vries;;-5\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	own := Own{Reference: "PL-AAAA-BBBB", RequestType: "access", Events: []OwnEvent{{At: "2026-03-01T10:00:00Z", Actor: "staff", Action: "intake"}}}
	p := readPaper(t, r, own, nil)
	want := [][]Field{
		{{"naam", "Jan de Vries"}, {"adres", "Dorpsstraat 1, Ede"}, {"notitie", "=1+1"}},
		{{"naam", "Jan de Vries"}, {"notitie", "-5"}},
	}
	if diff := cmp.Diff(want, p.Data.Records()); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if p.Own.Reference != own.Reference || len(p.Own.Events) != 1 || p.Own.Events[0].Action != "intake" {
		t.Errorf("own records = %+v", p.Own)
	}
	if _, err := ReadPaper(strings.NewReader("not a package"), nil); err == nil {
		t.Error("ReadPaper(garbage) = nil error")
	}
}

// gegevens.csv lists a record's values one per row; paper reads the record back as one.
func TestReadPackageForPaperFromAList(t *testing.T) {
	t.Parallel()
	p := readPaper(t, parseFixture(t, "nested.json"), Own{Reference: "PL-AAAA-BBBB"}, nil)
	recs := p.Data.Records()
	if len(recs) != 1 || len(recs[0]) != 12 || recs[0][0] != (Field{"klant naam", "Anna Bakker"}) || recs[0][6] != (Field{"contracten 2 nummer", "P-2"}) {
		t.Errorf("nested data on paper: %q", recs)
	}
	r, err := Parse([]byte("contract;adres;huur\r\nHV-1;Dorpsstraat 1;712,50\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	p = readPaper(t, r, Own{Reference: "PL-AAAA-BBBB"}, nil)
	want := [][]Field{{{"contract", "HV-1"}, {"adres", "Dorpsstraat 1"}, {"huur", "712,50"}}}
	if diff := cmp.Diff(want, p.Data.Records()); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// readPaper stores the plan of a package with extracts kept in memory and reads it for paper.
func readPaper(t *testing.T, r *Result, own Own, s *Searches) *Paper {
	t.Helper()
	plan, open, err := planInMemory("Vallei Wonen", r, own, Info{}, s, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	var stored bytes.Buffer
	if _, err := plan.WriteTo(&stored); err != nil {
		t.Fatal(err)
	}
	p, err := ReadPaper(&stored, open)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
