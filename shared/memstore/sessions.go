package memstore

import (
	"context"
	"sync"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Sessions implements app.SessionStore in memory, with the semantics of the Firestore adapter:
// instants in UTC to the microsecond, a session opened and a sign-out everywhere each atomic.
type Sessions struct {
	mu       sync.Mutex
	sessions map[string]app.DeskSession
	// signedOut is each staff key's sign-out moment.
	signedOut map[string]time.Time
}

var _ app.SessionStore = (*Sessions)(nil)

// NewSessions returns an empty session store.
func NewSessions() *Sessions {
	return &Sessions{sessions: map[string]app.DeskSession{}, signedOut: map[string]time.Time{}}
}

// OpenSession implements app.SessionStore.
func (s *Sessions) OpenSession(ctx context.Context, sess app.DeskSession, issued time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if out, ok := s.signedOut[sess.Staff]; ok && !issued.After(out) {
		return app.ErrLinkRevoked
	}
	if _, ok := s.sessions[sess.ID]; ok {
		return app.ErrExists
	}
	sess.Created, sess.Expires = stamp(sess.Created), stamp(sess.Expires)
	s.sessions[sess.ID] = sess
	return nil
}

// Session implements app.SessionStore.
func (s *Sessions) Session(ctx context.Context, id string) (app.DeskSession, error) {
	if err := ctx.Err(); err != nil {
		return app.DeskSession{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok {
		return app.DeskSession{}, app.ErrNotFound
	}
	return sess, nil
}

// EndSession implements app.SessionStore.
func (s *Sessions) EndSession(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, id)
	return nil
}

// SignOutEverywhere implements app.SessionStore. Nothing here expires: keepUntil is the
// Firestore TTL's business.
func (s *Sessions) SignOutEverywhere(ctx context.Context, staff string, at, _ time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if out, ok := s.signedOut[staff]; !ok || stamp(at).After(out) {
		s.signedOut[staff] = stamp(at)
	}
	for id, sess := range s.sessions {
		if sess.Staff == staff {
			delete(s.sessions, id)
		}
	}
	return nil
}

// SignedOutAt implements app.SessionStore.
func (s *Sessions) SignedOutAt(ctx context.Context, staff string) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.signedOut[staff], nil
}
