package policy_test

import (
	"fmt"
	"testing"

	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/testenv/fresh"
)

// TestColdLoadChild is BenchmarkColdLoad's subprocess; run otherwise, it skips.
func TestColdLoadChild(t *testing.T) {
	fresh.Child(t, func() error {
		p, err := policy.Load("vallei-wonen")
		if err == nil && p.ID != "vallei-wonen" {
			err = fmt.Errorf("ID = %q, want vallei-wonen", p.ID)
		}
		return err
	})
}

// BenchmarkColdLoad times the first policy.Load of an embedded profile in a fresh process, the
// cost the profile adds to every function's cold start (fnkit.Start), once per iteration in
// a new process, and reports the median:
//
//	go test -run '^$' -bench ColdLoad -benchtime 20x ./shared/policy
func BenchmarkColdLoad(b *testing.B) {
	fresh.Median(b, "TestColdLoadChild", "first-load-ns")
}
