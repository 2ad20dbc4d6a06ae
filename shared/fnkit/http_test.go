package fnkit_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// An upload that finds the instance's inspection budget full is not judged: the tenant gets
// 503 with Retry-After and a page that says nothing was saved, never a 500.
func TestBusyInspectionAnswers503(t *testing.T) {
	t.Parallel()
	k := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory}).Kit(t, fnlist.RequestForm, fnkit.Options{})
	for _, accept := range []string{"application/json", "text/html"} {
		req := httptest.NewRequest(http.MethodPost, "/RequestForm", nil)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		k.Fail(rec, req, "nl", "", fmt.Errorf("inspect ID copy: %w", idcheck.ErrBusy))
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "2" {
			t.Errorf("%s: %d Retry-After %q, want 503 with Retry-After 2", accept, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
}
