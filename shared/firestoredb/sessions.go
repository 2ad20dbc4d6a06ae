package firestoredb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Desk sessions and staff sign-outs (app.SessionStore). A session document is named by a keyed
// hash of the session's secret and holds the holder's staff key (a keyed hash of the address),
// when it began and when it ends; a staff document is named by the staff key and holds the
// moment its holder signed out everywhere. Neither holds an address or a secret. Opening a
// session writes the staff document too, so that it and a sign-out everywhere of the same staff
// member always conflict and one of them waits for the other.
const (
	colSessions = "deskSessions"
	colStaff    = "staff"
)

var _ app.SessionStore = (*Store)(nil)

// sessionDoc is a desk session as stored.
type sessionDoc struct {
	Staff    string    `firestore:"staff"`
	Created  time.Time `firestore:"created"`
	ExpireAt time.Time `firestore:"expireAt"` // the session's end, and its TTL
}

// staffDoc is a staff member's record.
type staffDoc struct {
	SignedOutAt time.Time `firestore:"signedOutAt,omitempty"`
	ExpireAt    time.Time `firestore:"expireAt"`
}

func (s *Store) staffRef(staff string) *firestore.DocumentRef {
	return s.c.Collection(colStaff).Doc(staff)
}

// readStaff reads a staff document in tx; the zero staffDoc when there is none.
func readStaff(tx *firestore.Transaction, ref *firestore.DocumentRef) (staffDoc, error) {
	var d staffDoc
	snap, err := tx.Get(ref)
	if status.Code(err) == codes.NotFound {
		return d, nil
	}
	if err != nil {
		return d, fmt.Errorf("read staff record: %w", err)
	}
	if err := snap.DataTo(&d); err != nil {
		return d, fmt.Errorf("decode staff record: %w", err)
	}
	return d, nil
}

// OpenSession implements app.SessionStore.
func (s *Store) OpenSession(ctx context.Context, sess app.DeskSession, issued time.Time) error {
	if err := s.open(); err != nil {
		return err
	}
	staff := s.staffRef(sess.Staff)
	err := s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := readStaff(tx, staff)
		if err != nil {
			return err
		}
		if !d.SignedOutAt.IsZero() && !issued.After(d.SignedOutAt) {
			return app.ErrLinkRevoked
		}
		if err := tx.Create(s.c.Collection(colSessions).Doc(sess.ID), sessionDoc{
			Staff: sess.Staff, Created: sess.Created.UTC(), ExpireAt: sess.Expires.UTC(),
		}); err != nil {
			return err
		}
		// The record lives at least as long as the session.
		if sess.Expires.After(d.ExpireAt) {
			d.ExpireAt = sess.Expires.UTC()
		}
		return tx.Set(staff, d)
	})
	switch {
	case errors.Is(err, app.ErrLinkRevoked):
		return err
	case status.Code(err) == codes.AlreadyExists:
		return app.ErrExists
	case err != nil:
		return fmt.Errorf("open desk session: %w", err)
	}
	return nil
}

// Session implements app.SessionStore.
func (s *Store) Session(ctx context.Context, id string) (app.DeskSession, error) {
	if err := s.open(); err != nil {
		return app.DeskSession{}, err
	}
	snap, err := s.c.Collection(colSessions).Doc(id).Get(ctx)
	if status.Code(err) == codes.NotFound {
		return app.DeskSession{}, app.ErrNotFound
	}
	if err != nil {
		return app.DeskSession{}, fmt.Errorf("read desk session: %w", err)
	}
	var d sessionDoc
	if err := snap.DataTo(&d); err != nil {
		return app.DeskSession{}, fmt.Errorf("decode desk session: %w", err)
	}
	return app.DeskSession{ID: id, Staff: d.Staff, Created: d.Created.UTC(), Expires: d.ExpireAt.UTC()}, nil
}

// EndSession implements app.SessionStore.
func (s *Store) EndSession(ctx context.Context, id string) error {
	if err := s.open(); err != nil {
		return err
	}
	if _, err := s.c.Collection(colSessions).Doc(id).Delete(ctx); err != nil {
		return fmt.Errorf("delete desk session: %w", err)
	}
	return nil
}

// maxSessionsPerStaff bounds the sessions one sign-out everywhere deletes in its transaction;
// a staff member opens a few a day and each lasts hours. Any beyond it would still be refused
// on use, since it began before the sign-out (app.Service.DeskSession).
const maxSessionsPerStaff = 400

// SignOutEverywhere implements app.SessionStore.
func (s *Store) SignOutEverywhere(ctx context.Context, staff string, at, keepUntil time.Time) error {
	if err := s.open(); err != nil {
		return err
	}
	ref := s.staffRef(staff)
	q := s.c.Collection(colSessions).Where("staff", "==", staff).Select().Limit(maxSessionsPerStaff)
	err := s.c.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		d, err := readStaff(tx, ref)
		if err != nil {
			return err
		}
		sessions, err := tx.Documents(q).GetAll()
		if err != nil {
			return fmt.Errorf("list desk sessions: %w", err)
		}
		if at.After(d.SignedOutAt) {
			d.SignedOutAt = at.UTC()
		}
		if keepUntil.After(d.ExpireAt) {
			d.ExpireAt = keepUntil.UTC()
		}
		for _, sess := range sessions {
			if err := tx.Delete(sess.Ref); err != nil {
				return err
			}
		}
		return tx.Set(ref, d)
	})
	if err != nil {
		return fmt.Errorf("sign out everywhere: %w", err)
	}
	return nil
}

// SignedOutAt implements app.SessionStore.
func (s *Store) SignedOutAt(ctx context.Context, staff string) (time.Time, error) {
	if err := s.open(); err != nil {
		return time.Time{}, err
	}
	snap, err := s.staffRef(staff).Get(ctx)
	if status.Code(err) == codes.NotFound {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read staff record: %w", err)
	}
	var d staffDoc
	if err := snap.DataTo(&d); err != nil {
		return time.Time{}, fmt.Errorf("decode staff record: %w", err)
	}
	return d.SignedOutAt.UTC(), nil
}
