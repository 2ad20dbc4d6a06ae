package accessresult

import (
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
	pkg, err := Build("Vallei Wonen", r, own, Info{}, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPackage(pkg)
	if err != nil {
		t.Fatal(err)
	}
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
	if _, err := ReadPackage([]byte("not a zip")); err == nil {
		t.Error("ReadPackage(garbage) = nil error")
	}
}
