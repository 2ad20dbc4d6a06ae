package i18n_test

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/i18n"
)

// coldEnv asks a copy of this test binary to time its first lookup and print it.
const coldEnv = "I18N_COLD_LOOKUP"

// TestColdLookupChild is BenchmarkColdLookup's subprocess; without coldEnv it does nothing.
func TestColdLookupChild(t *testing.T) {
	if os.Getenv(coldEnv) == "" {
		t.Skip("run by BenchmarkColdLookup in a fresh process")
	}
	start := time.Now()
	s := i18n.T("nl", "site")
	d := time.Since(start)
	if s == "site" {
		t.Fatal(`no Dutch text for "site"`)
	}
	fmt.Printf("cold-lookup-ns %d\n", d.Nanoseconds())
}

// BenchmarkColdLookup times the first i18n.T of a fresh process, the cost the catalogue adds
// to a cold start, once per iteration in a new process, and reports the median:
//
//	go test -run '^$' -bench ColdLookup -benchtime 20x ./shared/i18n
func BenchmarkColdLookup(b *testing.B) {
	var ns []float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestColdLookupChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), coldEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("subprocess: %v\n%s", err, out)
		}
		var v float64
		for line := range strings.Lines(string(out)) {
			if _, err := fmt.Sscanf(line, "cold-lookup-ns %g", &v); err == nil {
				break
			}
		}
		if v == 0 {
			b.Fatalf("subprocess printed no timing:\n%s", out)
		}
		ns = append(ns, v)
	}
	slices.Sort(ns)
	b.ReportMetric(ns[len(ns)/2], "first-lookup-ns")
	b.ReportMetric(ns[0], "min-ns")
	b.ReportMetric(ns[len(ns)-1], "max-ns")
	b.ReportMetric(0, "ns/op")
}
