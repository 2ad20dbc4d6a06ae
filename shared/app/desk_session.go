package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/linktoken"
)

// Desk sessions (docs/contract.md §3 "The desk"). A desk link lives one day and does one thing:
// it opens a session. The session is a random secret in a cookie; the store keeps only a keyed
// hash of it, with the holder's staff key (a keyed hash of the address) and its end, so a
// stolen database copy opens nothing and names no one. Each staff member has a sign-out
// moment: signing out everywhere ends every session, desk link and case link they hold that
// was issued before it.

const (
	// DeskSessionCookie is the cookie that carries a desk session's secret.
	DeskSessionCookie = "desk_session"
	// DeskSessionLife is how long a desk session lasts from sign-in, used or not.
	DeskSessionLife = 8 * time.Hour
	// DeskLinkLife is how long a desk link opens a session.
	DeskLinkLife = 24 * time.Hour
	// signOutKeep is how long a staff member's sign-out moment is kept: longer than any link a
	// staff member can hold lives (staffLinkMaxDays; task links end 7 days after a due date).
	signOutKeep = 400 * 24 * time.Hour
	// sessionSecretLen is the length of a session secret in its cookie (32 random bytes,
	// base64url without padding).
	sessionSecretLen = 43
)

// ErrNoSession: the request carries no desk session that works (none, unknown, ended, expired,
// or its holder is no longer on the staff list or signed out everywhere since).
var ErrNoSession = errors.New("no desk session")

// DeskSession is one stored desk session.
type DeskSession struct {
	// ID is a keyed hash of the session's secret (the cookie's value), never the secret.
	ID string
	// Staff is the holder's staff key (App.StaffKey): a keyed hash of the address.
	Staff   string
	Created time.Time
	Expires time.Time
}

// SessionStore keeps desk sessions and each staff member's sign-out moment. shared/firestoredb
// implements it on Firestore, shared/memstore in memory; storetest.RunSessions is the contract.
type SessionStore interface {
	// OpenSession stores s, in one transaction with a read of the sign-out moment of s.d.Staff:
	// when that moment is not before issued (the moment the desk link that opens s was made;
	// the zero time when unknown) it stores nothing and returns ErrLinkRevoked. A session
	// opened and a sign-out everywhere of the same staff member are serialised: the session
	// is refused, or comes first and is ended by the sign-out. ErrExists when s.ID is taken.
	OpenSession(ctx context.Context, s DeskSession, issued time.Time) error
	// Session returns the session stored under id, or ErrNotFound. A session past its Expires
	// may still be returned until the store's TTL removes it.
	Session(ctx context.Context, id string) (DeskSession, error)
	// EndSession deletes the session stored under id; deleting nothing is no error.
	EndSession(ctx context.Context, id string) error
	// SignOutEverywhere records at as staff's sign-out moment, kept until keepUntil, unless a
	// later one is recorded, and deletes every session of staff, in one transaction.
	SignOutEverywhere(ctx context.Context, staff string, at, keepUntil time.Time) error
	// SignedOutAt returns staff's sign-out moment; the zero time when there is none.
	SignedOutAt(ctx context.Context, staff string) (time.Time, error)
}

// DeskUser is the holder of a working desk session.
type DeskUser struct {
	// Staff is the holder's address as the staff list spells it.
	Staff string
	// FormToken goes in every form of the desk and must come back with every POST of this
	// session: SameSite cookies and the same-origin check keep other sites out, and this keeps
	// a form that was not ours from acting with the cookie.
	FormToken string
}

// FormTokenOK reports whether tok is this session's form token.
func (u DeskUser) FormTokenOK(tok string) bool {
	return u.FormToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(u.FormToken)) == 1
}

// StaffKey is the keyed hash that names a staff member in stored sessions and sign-out
// records, so that neither holds an address.
func (s *core) StaffKey(addr string) string {
	return s.pseudonym("staff\x00" + strings.ToLower(strings.TrimSpace(addr)))
}

// sessionID is the key a session is stored under: a keyed hash of its secret.
func (s *Desk) sessionID(secret string) string { return s.pseudonym("desk-session\x00" + secret) }

// formToken is the form token of the session with this secret.
func (s *Desk) formToken(secret string) string { return s.pseudonym("desk-form\x00" + secret) }

// holderOf is the desk holder whose staff key is key; false when no one on the list has it.
func (s *Desk) holderOf(key string) (string, bool) {
	for _, a := range s.deskHolders() {
		if s.StaffKey(a) == key {
			return strings.ToLower(strings.TrimSpace(a)), true
		}
	}
	return "", false
}

// OpenDeskSession starts a desk session for the holder of the verified desk link c. It returns
// the session's secret, for the cookie. A holder who is no longer on the staff list, or a link
// issued before its holder signed out everywhere, is ErrLinkRevoked.
func (s *Desk) OpenDeskSession(ctx context.Context, c linktoken.Claims) (string, DeskUser, error) {
	if c.Purpose != linktoken.Desk || !s.DeskHolder(c.Subject) {
		return "", DeskUser{}, fmt.Errorf("desk link of someone not on the staff list: %w", ErrLinkRevoked)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", DeskUser{}, fmt.Errorf("session secret: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.d.Clock()
	sess := DeskSession{ID: s.sessionID(secret), Staff: s.StaffKey(c.Subject), Created: now, Expires: now.Add(DeskSessionLife)}
	if err := s.d.Sessions.OpenSession(ctx, sess, c.IssuedAt()); err != nil {
		return "", DeskUser{}, err
	}
	s.d.Logger.InfoContext(ctx, "desk session opened")
	return secret, DeskUser{Staff: strings.ToLower(strings.TrimSpace(c.Subject)), FormToken: s.formToken(secret)}, nil
}

// DeskSession is the holder of the session whose secret the cookie carries, checked now: it
// exists and has not expired, its holder is on the staff list, and they have not signed out
// everywhere since it began. ErrNoSession otherwise.
func (s *Desk) DeskSession(ctx context.Context, secret string) (DeskUser, error) {
	if len(secret) != sessionSecretLen {
		return DeskUser{}, ErrNoSession
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return DeskUser{}, ErrNoSession
	}
	sess, err := s.d.Sessions.Session(ctx, s.sessionID(secret))
	switch {
	case errors.Is(err, ErrNotFound):
		return DeskUser{}, ErrNoSession
	case err != nil:
		return DeskUser{}, fmt.Errorf("desk session: %w", err)
	}
	if !s.d.Clock().Before(sess.Expires) {
		return DeskUser{}, ErrNoSession
	}
	staff, ok := s.holderOf(sess.Staff)
	if !ok {
		// Taken off the list: every session of theirs ends at once.
		return DeskUser{}, ErrNoSession
	}
	out, err := s.d.Sessions.SignedOutAt(ctx, sess.Staff)
	if err != nil {
		return DeskUser{}, fmt.Errorf("sign-out moment: %w", err)
	}
	if !out.IsZero() && !sess.Created.After(out) {
		return DeskUser{}, ErrNoSession
	}
	return DeskUser{Staff: staff, FormToken: s.formToken(secret)}, nil
}

// EndDeskSession ends the session whose secret the cookie carries (sign out).
func (s *Desk) EndDeskSession(ctx context.Context, secret string) error {
	if err := s.d.Sessions.EndSession(ctx, s.sessionID(secret)); err != nil {
		return fmt.Errorf("end desk session: %w", err)
	}
	s.d.Logger.InfoContext(ctx, "desk session ended")
	return nil
}

// SignOutEverywhere ends every desk session of staff and every staff-held link issued to them
// before now: desk links and case links (CheckSignOut).
func (s *Desk) SignOutEverywhere(ctx context.Context, staff string) error {
	now := s.d.Clock()
	if err := s.d.Sessions.SignOutEverywhere(ctx, s.StaffKey(staff), now, now.Add(signOutKeep)); err != nil {
		return fmt.Errorf("sign out everywhere: %w", err)
	}
	s.d.Logger.InfoContext(ctx, "staff member signed out everywhere")
	return nil
}

// CheckSignOut refuses, with ErrLinkRevoked, a link held by holder and issued at issued when
// holder has signed out everywhere since (or at that moment). A link that does not say when it
// was issued is refused once its holder has signed out everywhere at all.
func (s *Desk) CheckSignOut(ctx context.Context, holder string, issued time.Time) error {
	out, err := s.d.Sessions.SignedOutAt(ctx, s.StaffKey(holder))
	if err != nil {
		return fmt.Errorf("sign-out moment: %w", err)
	}
	if !out.IsZero() && !issued.After(out) {
		return fmt.Errorf("link issued before its holder signed out everywhere: %w", ErrLinkRevoked)
	}
	return nil
}
