package firestoredb_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Two instances count under one limit: each creates a counter it has not seen, and the
// second, finding it made by the first, counts on it. A counter that vanished (its TTL) while
// an instance remembers it is counted from zero again.
func TestLimitsAcrossInstances(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := t.Context()
	fs := testenv.Firestore(t, testenv.Project(t))
	a, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	b, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 27, 10, 20, 0, 0, time.UTC)
	limits := []app.Limit{{Key: "em-x", Max: 3, Window: time.Hour}, {Key: "ip-y", Max: 10, Window: time.Hour}}
	n := 0
	submit := func(s *firestoredb.Store, limits []app.Limit) error {
		n++
		c := &request.Case{Reference: fmt.Sprintf("PL-LIM-%d", n), Type: request.Access, Status: request.AwaitingConfirmation,
			Lang: "nl", SubmittedAt: now, UpdatedAt: now, RetainUntil: now.AddDate(0, 0, 8)}
		return s.Submit(ctx, c, app.Change{}, limits)
	}
	count := func(key string) int64 {
		t.Helper()
		snap, err := fs.Collection("ratelimits").Doc(fmt.Sprintf("%s-%d", key, now.Truncate(time.Hour).Unix())).Get(ctx)
		if err != nil {
			t.Fatalf("counter %s: %v", key, err)
		}
		v, _ := snap.DataAt("count")
		n, _ := v.(int64)
		return n
	}
	if err := submit(a, limits); err != nil {
		t.Fatalf("first submission, instance a: %v", err)
	}
	// b has not seen the counters: its attempt to create them fails as a whole, and it counts on.
	if err := submit(b, limits); err != nil {
		t.Fatalf("second submission, instance b: %v", err)
	}
	if got := []int64{count("em-x"), count("ip-y")}; got[0] != 2 || got[1] != 2 {
		t.Fatalf("counts after two submissions = %v, want [2 2]", got)
	}
	// One counter new, one known: still one count each.
	if err := submit(b, []app.Limit{{Key: "em-z", Max: 3, Window: time.Hour}, limits[1]}); err != nil {
		t.Fatalf("third submission: %v", err)
	}
	if got := []int64{count("em-z"), count("ip-y")}; got[0] != 1 || got[1] != 3 {
		t.Fatalf("counts after a new and a known counter = %v, want [1 3]", got)
	}
	if err := submit(a, limits); err != nil {
		t.Fatalf("fourth submission: %v", err)
	}
	var rl *app.RateLimitedError
	for _, s := range []*firestoredb.Store{a, b} {
		if err := submit(s, limits); !errors.As(err, &rl) || rl.RetryAfter != 40*time.Minute {
			t.Fatalf("a submission over the limit: %v, want *RateLimitedError of 40m", err)
		}
	}
	if count("em-x") != 3 || count("ip-y") != 4 {
		t.Errorf("refused submissions were counted: em-x %d, ip-y %d", count("em-x"), count("ip-y"))
	}
	// The counter's TTL removed it; a remembers it, reads nothing and counts from zero.
	if _, err := fs.Collection("ratelimits").Doc(fmt.Sprintf("em-x-%d", now.Truncate(time.Hour).Unix())).Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := submit(a, limits); err != nil {
		t.Fatalf("submission after the counter expired: %v", err)
	}
	if count("em-x") != 1 {
		t.Errorf("count after the counter expired = %d, want 1", count("em-x"))
	}
}
