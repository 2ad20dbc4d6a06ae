package policy_test

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/policy"
)

// coldEnv asks a copy of this test binary to time its first Load and print it.
const coldEnv = "POLICY_COLD_LOAD"

// TestColdLoadChild is BenchmarkColdLoad's subprocess; without coldEnv it does nothing.
func TestColdLoadChild(t *testing.T) {
	if os.Getenv(coldEnv) == "" {
		t.Skip("run by BenchmarkColdLoad in a fresh process")
	}
	start := time.Now()
	p, err := policy.Load("vallei-wonen")
	d := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "vallei-wonen" {
		t.Fatalf("ID = %q, want vallei-wonen", p.ID)
	}
	fmt.Printf("cold-load-ns %d\n", d.Nanoseconds())
}

// BenchmarkColdLoad times the first policy.Load of an embedded profile in a fresh process, the
// cost the profile adds to every function's cold start (handlers.FromEnv), once per iteration in
// a new process, and reports the median:
//
//	go test -run '^$' -bench ColdLoad -benchtime 20x ./shared/policy
func BenchmarkColdLoad(b *testing.B) {
	var ns []float64
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestColdLoadChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), coldEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("subprocess: %v\n%s", err, out)
		}
		var v float64
		for line := range strings.Lines(string(out)) {
			if _, err := fmt.Sscanf(line, "cold-load-ns %g", &v); err == nil {
				break
			}
		}
		if v == 0 {
			b.Fatalf("subprocess printed no timing:\n%s", out)
		}
		ns = append(ns, v)
	}
	slices.Sort(ns)
	b.ReportMetric(ns[len(ns)/2], "first-load-ns")
	b.ReportMetric(ns[0], "min-ns")
	b.ReportMetric(ns[len(ns)-1], "max-ns")
	b.ReportMetric(0, "ns/op")
}
