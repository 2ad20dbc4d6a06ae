// Package fresh times a first call in a fresh process: what a package adds to a cold start
// once, which an in-process benchmark cannot see after its first iteration. A benchmark runs
// its own test binary again for each iteration, the child test times the call and prints it,
// and the benchmark reports the median.
package fresh

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// env marks the child process: it holds the name of the child test to run.
const env = "PRIVACYLOKET_FRESH_CHILD"

// Child runs first, timed, when this process is the fresh one Median started for test (the
// calling test's name), and prints the duration; otherwise it skips the test.
func Child(t *testing.T, first func() error) {
	t.Helper()
	if os.Getenv(env) != t.Name() {
		t.Skip("run by a benchmark in a fresh process (fresh.Median)")
	}
	start := time.Now()
	err := first()
	d := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("fresh-ns %d\n", d.Nanoseconds())
}

// Median runs the child test named test once per iteration of b, each in a new process, and
// reports the median of the first calls it timed as unit, with the fastest and slowest.
func Median(b *testing.B, test, unit string) {
	b.Helper()
	var ns []float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
		cmd.Env = append(os.Environ(), env+"="+test)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("subprocess: %v\n%s", err, out)
		}
		var v float64
		for line := range strings.Lines(string(out)) {
			if _, err := fmt.Sscanf(line, "fresh-ns %g", &v); err == nil {
				break
			}
		}
		if v == 0 {
			b.Fatalf("subprocess printed no timing:\n%s", out)
		}
		ns = append(ns, v)
	}
	slices.Sort(ns)
	b.ReportMetric(ns[len(ns)/2], unit)
	b.ReportMetric(ns[0], "min-ns")
	b.ReportMetric(ns[len(ns)-1], "max-ns")
	b.ReportMetric(0, "ns/op")
}
