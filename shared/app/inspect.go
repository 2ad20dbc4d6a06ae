package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// ErrInspecting refuses an upload while the same client has another one being inspected on
// this instance. It wraps idcheck.ErrBusy: the upload was not judged and nothing was stored,
// so it is answered like a full inspection budget (503 with Retry-After) and sent again.
var ErrInspecting = fmt.Errorf("app: an upload from this client is being checked already: %w", idcheck.ErrBusy)

// ErrNoInspector refuses an upload in a function built without its inspector: a wiring
// mistake, answered 500 and logged, never a verdict on the file.
var ErrNoInspector = errors.New("app: this function does not inspect uploads (Deps.Inspect or Deps.InspectExtract is nil)")

// inspecting holds the clients with an inspection in progress in this process, by
// pseudonymous key. It is per instance, like idcheck's memory budget it protects: one client
// cannot take the whole budget with parallel uploads and starve everyone else's.
var inspecting clientGuard

// clientGuard lets each key in once at a time.
type clientGuard struct {
	mu   sync.Mutex
	busy map[string]bool
}

// enter takes key's place; false when it is taken. release gives it back.
func (g *clientGuard) enter(key string) (release func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.busy[key] {
		return nil, false
	}
	if g.busy == nil {
		g.busy = map[string]bool{}
	}
	g.busy[key] = true
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		delete(g.busy, key)
	}, true
}

// inspect checks an upload sent by cl (docs/contract.md §3): one inspection per client at a
// time on this instance (ErrInspecting), and each one counted against the client's per-IP
// limit before the file is opened, whatever its outcome (a *RateLimitedError when the limit
// is reached, and then nothing is inspected). Callers run it only once everything cheaper
// (fields, honeypot, the case's state) has passed.
func (s *Intake) inspect(ctx context.Context, cl Client, upload []byte) (*idcheck.Document, error) {
	if s.d.Inspect == nil {
		return nil, ErrNoInspector
	}
	release, ok := inspecting.enter("ip-" + s.pseudonym(cl.IP))
	if !ok {
		return nil, ErrInspecting
	}
	defer release()
	if err := s.count(ctx, s.limits(cl.IP, "")); err != nil {
		return nil, err
	}
	return s.d.Inspect(ctx, upload)
}

// count counts one attempt under limits now; none is nothing to count.
func (s *Intake) count(ctx context.Context, limits []Limit) error {
	if len(limits) == 0 {
		return nil
	}
	return s.d.Cases.Count(ctx, limits, s.d.Clock())
}
