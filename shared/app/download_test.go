package app_test

import (
	"errors"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// TestDownloadsAreBounded: a download link posted over and over (scripted, or shared) cannot
// download without end. Each download is an event in the case's document, which Firestore
// bounds at 1 MiB (a case grown to it takes no change any more, not even the result's deletion
// at the end of its term), and holds an instance for as long as the package streams. A day's
// downloads are bounded, and each day of the link's term gives as many again.
func TestDownloadsAreBounded(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testDownloadsAreBounded)
}

func testDownloadsAreBounded(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend})
	c := ready(t, s, access("veel@tenant.test"))
	c = decide(t, s, c.Reference, app.StaffInput{Outcome: "granted", ResultFile: []byte(`[{"contract":"HV-1"}]`)})
	download := func() error {
		d, err := s.App.Intake.OpenDownload(ctx, c.Reference)
		if err == nil {
			d.Close()
		}
		return err
	}
	for i := range app.DownloadsPerDay {
		if err := download(); err != nil {
			t.Fatalf("download %d: %v", i+1, err)
		}
	}
	var rl *app.RateLimitedError
	if err := download(); !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > 24*time.Hour {
		t.Fatalf("download %d the same day: %v, want rate limited for at most a day", app.DownloadsPerDay+1, err)
	}
	events, _ := s.Store.Events(ctx, c.Reference)
	n := 0
	for _, e := range events {
		if e.Action == "result_downloaded" {
			n++
		}
	}
	if n != app.DownloadsPerDay {
		t.Errorf("%d downloads in the timeline, want %d (a refused one is not recorded)", n, app.DownloadsPerDay)
	}
	s.Clock.Add(rl.RetryAfter)
	if err := download(); err != nil {
		t.Errorf("download the next day: %v", err)
	}
}
