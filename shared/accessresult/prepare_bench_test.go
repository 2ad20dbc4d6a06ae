package accessresult

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmarks below measure what an owner's extract costs at upload (PrepareExtract), for
// extracts of MaxExtractSize, beside a floor in the same run: csv.Reader.ReadAll of the same
// CSV, json.Unmarshal of the same JSON. Each reports, besides -benchmem's B/op, the peak of the
// heap's objects above the heap before it (peak-MiB, sampled every 100 µs, garbage not yet
// collected included, as the process holds it) and that per cell of the table (peak-B/cell).
//
//	go test ./shared/accessresult -run '^$' -bench PrepareExtract -benchmem -count 1

// extractCSV is a CSV of about size bytes: an export of a rent system with cols columns.
func extractCSV(size, cols int) []byte {
	var b bytes.Buffer
	names := []string{"contract", "naam", "ingangsdatum", "huur", "adres", "postcode", "plaats", "status",
		"telefoon", "email", "opmerking", "einddatum"}
	b.WriteString(strings.Join(names[:cols], ";") + "\r\n")
	cell := func(i, c int) string {
		switch c % 12 {
		case 0:
			return fmt.Sprintf("HV-%07d", i)
		case 1:
			return "Jansen"
		case 2:
			return fmt.Sprintf("20%02d-%02d-%02d", 10+i%16, 1+i%12, 1+i%28)
		case 3:
			return fmt.Sprintf("%d,%02d", 400+i%700, i%100)
		case 4:
			return fmt.Sprintf("Dorpsstraat %d", i%300)
		case 5:
			return fmt.Sprintf("%04d AB", 1000+i%9000)
		case 6:
			return "Ede"
		case 7:
			return "actief"
		case 8:
			return fmt.Sprintf("06-%08d", i)
		case 9:
			return fmt.Sprintf("h%d@voorbeeld.nl", i)
		case 10:
			return "geen"
		default:
			return ""
		}
	}
	row := make([]string, cols)
	for i := 0; b.Len() < size-200; i++ {
		for c := range row {
			row[c] = cell(i, c)
		}
		b.WriteString(strings.Join(row, ";") + "\r\n")
	}
	return b.Bytes()
}

// extractJSON is a JSON array of flat objects of about size bytes, as a system exports them.
func extractJSON(size int) []byte {
	var b bytes.Buffer
	b.WriteString("[")
	for i := 0; b.Len() < size-200; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"contract":"HV-%07d","naam":"Jansen","ingangsdatum":"20%02d-%02d-%02d","huur":%d.%02d}`,
			i, 10+i%16, 1+i%12, 1+i%28, 400+i%700, i%100)
	}
	b.WriteString("]")
	return b.Bytes()
}

// peakHeap runs f and returns the most the heap's objects grew above where they were before.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	peak := base
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	if v := read(); v > peak {
		peak = v
	}
	return peak - base
}

// benchPeak runs f b.N times and reports its highest peak, in MiB and per cell.
func benchPeak(b *testing.B, data []byte, cells int, f func() error) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		var err error
		if p := peakHeap(func() { err = f() }); p > peak {
			peak = p
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(peak)/float64(cells), "peak-B/cell")
}

func BenchmarkPrepareExtract(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"CSV4", extractCSV(MaxExtractSize, 4)},
		{"CSV12", extractCSV(MaxExtractSize, 12)},
		{"JSON", extractJSON(MaxExtractSize)},
	} {
		cells := 0
		if bc.data[0] == '[' {
			var v []map[string]any
			if err := json.Unmarshal(bc.data, &v); err != nil {
				b.Fatal(err)
			}
			cells = len(v) * len(v[0])
			b.Run(bc.name+"/floor", func(b *testing.B) {
				benchPeak(b, bc.data, cells, func() error {
					var v any
					return json.Unmarshal(bc.data, &v)
				})
			})
		} else {
			records, err := newCSVReader(bc.data).ReadAll()
			if err != nil {
				b.Fatal(err)
			}
			cells = (len(records) - 1) * len(records[0])
			b.Run(bc.name+"/floor", func(b *testing.B) {
				benchPeak(b, bc.data, cells, func() error {
					_, err := newCSVReader(bc.data).ReadAll()
					return err
				})
			})
		}
		for _, both := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/both=%t", bc.name, both), func(b *testing.B) {
				benchPeak(b, bc.data, cells, func() error {
					_, err := PrepareExtract(bc.data, "nl", both)
					return err
				})
			})
		}
	}
}

func newCSVReader(data []byte) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	return r
}

// BenchmarkPrepareExtractAtTheBound measures the shapes that cost the most per cell, each as
// large as MaxCells lets it be: a one-column CSV and an array of numbers (a row per value), a
// nested array (a list row per value), the widest object or CSV row (a column per value), each for a portability answer (both).
func BenchmarkPrepareExtractAtTheBound(b *testing.B) {
	n := MaxCells
	nested := func() string {
		var s strings.Builder
		s.WriteString("[")
		for i := range n/5 - 1 { // two objects, a key of each and a value
			if i > 0 {
				s.WriteString(",")
			}
			s.WriteString(`{"a":{"b":1}}`)
		}
		return s.String() + "]"
	}
	// The widest object and CSV row MaxCells and MaxExtractSize let through: short keys of
	// their own, each with one value.
	wideObject := func() (string, int) {
		var s strings.Builder
		s.WriteString("{")
		i := 0
		for ; i < (n-1)/2 && s.Len() < MaxExtractSize-16; i++ { // a key and its value
			if i > 0 {
				s.WriteString(",")
			}
			s.WriteString(`"` + strconv.FormatInt(int64(i), 36) + `":1`)
		}
		return s.String() + "}", i
	}
	wideRow := func() (string, int) {
		var head, row strings.Builder
		i := 0
		for ; i < n/2-1 && head.Len()+row.Len() < MaxExtractSize-16; i++ {
			if i > 0 {
				head.WriteString(",")
				row.WriteString(",")
			}
			head.WriteString(strconv.FormatInt(int64(i), 36))
			row.WriteString("1")
		}
		return head.String() + "\n" + row.String() + "\n", 2 * i
	}
	// The most objects that each have a key of their own that make a table within MaxCells.
	sparse := func() (string, int) {
		side := int(math.Sqrt(float64(n)))
		var s strings.Builder
		s.WriteString("[")
		for i := range side {
			if i > 0 {
				s.WriteString(",")
			}
			s.WriteString(`{"k` + strconv.Itoa(i) + `":1}`)
		}
		return s.String() + "]", side * side
	}
	sparseObjects, sparseCells := sparse()
	object, keys := wideObject()
	csvRow, cells := wideRow()
	for _, bc := range []struct {
		name  string
		data  string
		cells int
	}{
		{"CSV1", "a\n" + strings.Repeat("x\n", n-1), n - 1},
		{"JSONValues", "[" + strings.Repeat("1,", n-2) + "1]", n - 1},
		{"JSONNested", nested(), n/5 - 1},
		{"JSONWideObject", object, keys},
		{"CSVWideRow", csvRow, cells},
		{"JSONSparse", sparseObjects, sparseCells},
	} {
		data := []byte(bc.data)
		if len(data) > MaxExtractSize {
			b.Fatalf("%s: %d bytes", bc.name, len(data))
		}
		b.Run(bc.name, func(b *testing.B) {
			benchPeak(b, data, bc.cells, func() error {
				_, err := PrepareExtract(data, "nl", true)
				return err
			})
		})
	}
}

// BenchmarkDecideAtTheBound measures staff's own result file at decide: Parse, then the
// package's plan written (NewPlan, WriteTo), for the shapes that cost the most per cell within
// MaxResultSize and MaxResultCells.
func BenchmarkDecideAtTheBound(b *testing.B) {
	rows := min(MaxResultCells-1, MaxResultSize/2-2)
	for _, bc := range []struct {
		name  string
		data  []byte
		cells int
	}{
		{"CSV1", []byte("a\n" + strings.Repeat("x\n", rows)), rows},
		{"JSONValues", []byte("[" + strings.Repeat("1,", rows-1) + "1]"), rows},
		{"CSV4", extractCSV(4<<20, 4), 0},
		{"JSON", extractJSON(4 << 20), 0},
	} {
		if bc.cells == 0 {
			r, err := Parse(bc.data)
			if err != nil {
				b.Fatal(err)
			}
			bc.cells = len(r.Rows) * len(r.Columns)
		}
		b.Run(bc.name, func(b *testing.B) {
			own := sampleOwn()
			benchPeak(b, bc.data, bc.cells, func() error {
				r, err := Parse(bc.data)
				if err != nil {
					return err
				}
				p, err := NewPlan(org, r, own, sampleInfo, nil, generated)
				if err != nil {
					return err
				}
				_, err = p.WriteTo(io.Discard)
				return err
			})
		})
	}
}
