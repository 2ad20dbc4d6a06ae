package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

// RunSessions runs the contract of app.SessionStore against fresh stores from newStore, one per
// subtest.
func RunSessions(t *testing.T, newStore func(t *testing.T) app.SessionStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s app.SessionStore)
	}{
		{"OpenReadEnd", sessionsOpenReadEnd},
		{"SignOutEverywhere", sessionsSignOutEverywhere},
		{"SignOutMomentOnlyMovesOn", sessionsSignOutMovesOn},
		{"OpenRacesSignOut", sessionsOpenRacesSignOut},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

func session(id, staff string, created time.Time) app.DeskSession {
	return app.DeskSession{ID: id, Staff: staff, Created: created, Expires: created.Add(app.DeskSessionLife)}
}

func sessionsOpenReadEnd(t *testing.T, s app.SessionStore) {
	if _, err := s.Session(ctx, "nope"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Session of nothing: %v, want ErrNotFound", err)
	}
	want := session("s1", "k1", t0)
	if err := s.OpenSession(ctx, want, time.Time{}); err != nil {
		t.Fatalf("OpenSession (no sign-out recorded, issue moment unknown): %v", err)
	}
	got, err := s.Session(ctx, "s1")
	if err != nil || got.ID != want.ID || got.Staff != want.Staff || !got.Created.Equal(want.Created) || !got.Expires.Equal(want.Expires) {
		t.Errorf("Session = %+v, %v; want %+v", got, err, want)
	}
	if at, err := s.SignedOutAt(ctx, "k1"); err != nil || !at.IsZero() {
		t.Errorf("SignedOutAt of someone who never signed out: %v, %v", at, err)
	}
	if err := s.EndSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "s1"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("Session after EndSession: %v, want ErrNotFound", err)
	}
	if err := s.EndSession(ctx, "s1"); err != nil {
		t.Errorf("EndSession of nothing: %v", err)
	}
}

func sessionsSignOutEverywhere(t *testing.T, s app.SessionStore) {
	for _, sess := range []app.DeskSession{session("a1", "ka", t0), session("a2", "ka", t0.Add(time.Minute)), session("b1", "kb", t0)} {
		if err := s.OpenSession(ctx, sess, t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	out := t0.Add(time.Hour)
	if err := s.SignOutEverywhere(ctx, "ka", out, out.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a1", "a2"} {
		if _, err := s.Session(ctx, id); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("session %s after its holder signed out everywhere: %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.Session(ctx, "b1"); err != nil {
		t.Errorf("someone else's session: %v", err)
	}
	if at, err := s.SignedOutAt(ctx, "ka"); err != nil || !at.Equal(out) {
		t.Errorf("SignedOutAt = %v, %v; want %v", at, err, out)
	}
	// A link issued before (or at) the sign-out opens nothing; one issued after does.
	for _, issued := range []time.Time{{}, t0, out} {
		if err := s.OpenSession(ctx, session("a3", "ka", out.Add(time.Minute)), issued); !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("OpenSession with a link issued %v: %v, want ErrLinkRevoked", issued, err)
		}
		if _, err := s.Session(ctx, "a3"); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("a refused OpenSession stored the session: %v", err)
		}
	}
	if err := s.OpenSession(ctx, session("a4", "ka", out.Add(time.Minute)), out.Add(time.Millisecond)); err != nil {
		t.Errorf("OpenSession with a link issued after the sign-out: %v", err)
	}
	if err := s.OpenSession(ctx, session("b2", "kb", out.Add(time.Minute)), time.Time{}); err != nil {
		t.Errorf("someone else opens a session: %v", err)
	}
}

func sessionsSignOutMovesOn(t *testing.T, s app.SessionStore) {
	later, earlier := t0.Add(2*time.Hour), t0.Add(time.Hour)
	if err := s.SignOutEverywhere(ctx, "k", later, later.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.SignOutEverywhere(ctx, "k", earlier, earlier.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if at, err := s.SignedOutAt(ctx, "k"); err != nil || !at.Equal(later) {
		t.Errorf("SignedOutAt = %v, %v; want the later %v", at, err, later)
	}
}

// A session opened while its holder signs out everywhere either comes before the sign-out
// (and is deleted by it) or is refused: never does it survive with a link from before.
func sessionsOpenRacesSignOut(t *testing.T, s app.SessionStore) {
	out := t0.Add(time.Hour)
	var wg sync.WaitGroup
	const n = 4
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = s.OpenSession(ctx, session(string(rune('a'+i)), "k", t0), t0)
		})
	}
	wg.Go(func() {
		if err := s.SignOutEverywhere(ctx, "k", out, out.AddDate(1, 0, 0)); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, app.ErrLinkRevoked) {
			t.Errorf("open %d: %v", i, err)
		}
		if _, err := s.Session(ctx, string(rune('a'+i))); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("session %d outlived a sign-out everywhere that came with it: %v", i, err)
		}
	}
}
