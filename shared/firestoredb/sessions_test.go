package firestoredb_test

import (
	"context"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

// The session store against the Firestore emulator, each subtest in a project of its own.
func TestSessionsContract(t *testing.T) {
	t.Parallel()
	testenv.RequireFirestore(t)
	storetest.RunSessions(t, func(t *testing.T) app.SessionStore {
		s, err := firestoredb.New(testenv.Firestore(t, testenv.Project(t)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// What Firestore holds of a session: neither the secret nor an address, and the TTL field its
// policy deletes it by.
func TestSessionDocuments(t *testing.T) {
	t.Parallel()
	testenv.RequireFirestore(t)
	fs := testenv.Firestore(t, testenv.Project(t))
	s, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Date(2026, 3, 27, 9, 0, 0, 0, time.UTC)
	if err := s.OpenSession(ctx, app.DeskSession{ID: "hash-of-secret", Staff: "staff-key", Created: now, Expires: now.Add(app.DeskSessionLife)}, now); err != nil {
		t.Fatal(err)
	}
	snap, err := fs.Collection("deskSessions").Doc("hash-of-secret").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	data := snap.Data()
	if len(data) != 3 || data["staff"] != "staff-key" {
		t.Errorf("session document %v, want only staff, created and expireAt", data)
	}
	if exp, _ := data["expireAt"].(time.Time); !exp.Equal(now.Add(app.DeskSessionLife)) {
		t.Errorf("expireAt %v, want the session's end", data["expireAt"])
	}
	keep := now.AddDate(1, 0, 0)
	if err := s.SignOutEverywhere(ctx, "staff-key", now.Add(time.Hour), keep); err != nil {
		t.Fatal(err)
	}
	snap, err = fs.Collection("staff").Doc("staff-key").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if exp, _ := snap.Data()["expireAt"].(time.Time); !exp.Equal(keep) {
		t.Errorf("staff record expireAt %v, want %v", snap.Data()["expireAt"], keep)
	}
}
