package i18n_test

import (
	"errors"
	"testing"

	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/testenv/fresh"
)

// TestColdLookupChild is BenchmarkColdLookup's subprocess; run otherwise, it skips.
func TestColdLookupChild(t *testing.T) {
	fresh.Child(t, func() error {
		if i18n.T("nl", "site") == "site" {
			return errors.New(`no Dutch text for "site"`)
		}
		return nil
	})
}

// BenchmarkColdLookup times the first i18n.T of a fresh process, the cost the catalogue adds
// to a cold start, once per iteration in a new process, and reports the median:
//
//	go test -run '^$' -bench ColdLookup -benchtime 20x ./shared/i18n
func BenchmarkColdLookup(b *testing.B) {
	fresh.Median(b, "TestColdLookupChild", "first-lookup-ns")
}
