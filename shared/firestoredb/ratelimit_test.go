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

// Two instances count under one limit. A submission under counters an instance does not know
// creates them in a transaction that reads nothing; when another instance made them first, that
// commit fails as a whole and the submission reads them and counts on. An instance that wrote
// a counter, or found it full, reads it at once. A counter that vanished (its TTL) while an
// instance remembers it is counted from zero again.
func TestLimitsAcrossInstances(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := t.Context()
	fs, rc := testenv.CountedFirestore(t, testenv.Project(t))
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
	// submit submits one case and returns what it cost: reads billed, commits, failed commits.
	submit := func(s *firestoredb.Store, limits []app.Limit) (cost [3]int64, err error) {
		n++
		c := &request.Case{Reference: fmt.Sprintf("PL-LIM-%d", n), Type: request.Access, Status: request.AwaitingConfirmation,
			Lang: "nl", SubmittedAt: now, UpdatedAt: now, RetainUntil: now.AddDate(0, 0, 8)}
		reads := rc.Billed()
		c0, f0 := rc.Commits()
		err = s.Submit(ctx, c, app.Change{}, limits)
		c1, f1 := rc.Commits()
		return [3]int64{rc.Billed() - reads, c1 - c0, f1 - f0}, err
	}
	counter := fmt.Sprintf("-%d", now.Truncate(time.Hour).Unix())
	count := func(key string) int64 {
		t.Helper()
		snap, err := fs.Collection("ratelimits").Doc(key + counter).Get(ctx)
		if err != nil {
			t.Fatalf("counter %s: %v", key, err)
		}
		v, _ := snap.DataAt("count")
		n, _ := v.(int64)
		return n
	}
	expect := func(what string, cost [3]int64, err error, want [3]int64) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if cost != want {
			t.Errorf("%s cost [reads, commits, failed commits] %v, want %v", what, cost, want)
		}
	}
	cost, err := submit(a, limits)
	expect("the first submission (a)", cost, err, [3]int64{0, 1, 0})
	cost, err = submit(b, limits)
	expect("the second submission (b, which has not seen the counters)", cost, err, [3]int64{2, 2, 1})
	if got := []int64{count("em-x"), count("ip-y")}; got[0] != 2 || got[1] != 2 {
		t.Fatalf("counts after two submissions = %v, want [2 2]", got)
	}
	// One counter new, one that b knows: read at once, both counted.
	cost, err = submit(b, []app.Limit{{Key: "em-z", Max: 3, Window: time.Hour}, limits[1]})
	expect("a submission under a new and a known counter", cost, err, [3]int64{2, 1, 0})
	if got := []int64{count("em-z"), count("ip-y")}; got[0] != 1 || got[1] != 3 {
		t.Fatalf("counts after a new and a known counter = %v, want [1 3]", got)
	}
	cost, err = submit(a, limits)
	expect("the fourth submission (a)", cost, err, [3]int64{2, 1, 0})
	// Over the limit. A third instance that never saw the counters tries to create them once;
	// found full, they are read at once after that, as by the instances that wrote them.
	c, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	var rl *app.RateLimitedError
	for i, try := range []struct {
		s              *firestoredb.Store
		commits, reads int64
	}{{a, 0, 2}, {b, 0, 2}, {c, 1, 2}, {c, 0, 2}} {
		cost, err := submit(try.s, limits)
		if !errors.As(err, &rl) || rl.RetryAfter != 40*time.Minute {
			t.Fatalf("submission %d over the limit: %v, want *RateLimitedError of 40m", i, err)
		}
		if cost != [3]int64{try.reads, try.commits, try.commits} {
			t.Errorf("submission %d over the limit cost [reads, commits, failed commits] %v, want [%d %d %d]", i, cost, try.reads, try.commits, try.commits)
		}
	}
	if count("em-x") != 3 || count("ip-y") != 4 {
		t.Errorf("refused submissions were counted: em-x %d, ip-y %d", count("em-x"), count("ip-y"))
	}
	// The counter's TTL removed it; a remembers it, finds nothing and counts from zero.
	if _, err := fs.Collection("ratelimits").Doc("em-x" + counter).Delete(ctx); err != nil {
		t.Fatal(err)
	}
	cost, err = submit(a, limits)
	expect("a submission after the counter expired", cost, err, [3]int64{2, 1, 0})
	if count("em-x") != 1 {
		t.Errorf("count after the counter expired = %d, want 1", count("em-x"))
	}
}
