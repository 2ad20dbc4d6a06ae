package accessresult

import (
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestTablesAreBoundedBeforeTheyAreMade: what a result file or an extract costs to read is
// bounded by its cells, not only by its bytes. JSON objects that each name a key of their own
// make a table of rows × columns (6 000 of them, 71 KB, took 1.2 GiB and 2 s), and a long
// one-column CSV holds millions of cells in 10 MiB (3 GiB read for portability): either took a
// SearchTask instance (1Gi) down with every request on it. Past MaxCells the file is too large (ErrTooManyCells),
// refused before the table is made; a file within it is read as before, and an ordinary extract
// of MaxExtractSize is within it.
func TestTablesAreBoundedBeforeTheyAreMade(t *testing.T) {
	sparse := func(n int) string {
		var b strings.Builder
		b.WriteString("[")
		for i := range n {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"k` + strconv.Itoa(i) + `":1}`)
		}
		return b.String() + "]"
	}
	column := func(rows int) string { return "a\n" + strings.Repeat("x\n", rows) }
	values := func(n int) string { return "[" + strings.Repeat("1,", n) + "1]" }
	for name, data := range map[string]string{
		"sparse JSON objects":     sparse(6000),
		"a long one-column CSV":   column(MaxExtractSize/2 - 2),
		"an array of many values": values(MaxExtractSize/2 - 2),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := PrepareExtract([]byte(data), "nl", true)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooManyCells) || !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooManyCells", name, err)
		}
		if alloc := (after.TotalAlloc - before.TotalAlloc) >> 20; alloc > 256 {
			t.Errorf("%s: %d MiB allocated to refuse it", name, alloc)
		}
	}
	for name, data := range map[string]string{
		"sparse JSON objects within the bound": sparse(200),
		"a one-column CSV within the bound":    column(MaxCells - 1),
		"a 10 MiB CSV of 4 columns":            string(extractCSV(MaxExtractSize, 4)),
		"a 10 MiB JSON array of flat objects":  string(extractJSON(MaxExtractSize)),
	} {
		if _, err := PrepareExtract([]byte(data), "nl", true); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Staff's own result file is held whole while the package is made: its bound is lower.
	if _, err := Parse([]byte(column(MaxResultCells))); !errors.Is(err, ErrTooManyCells) {
		t.Errorf("a result file past MaxResultCells: %v, want ErrTooManyCells", err)
	}
	if _, err := Parse([]byte(column(MaxResultCells - 1))); err != nil {
		t.Errorf("a result file of MaxResultCells: %v", err)
	}
}
