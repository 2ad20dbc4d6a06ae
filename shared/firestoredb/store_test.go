package firestoredb_test

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

// The adapter against the Firestore emulator, each subtest in a project of its own.
func TestContract(t *testing.T) {
	testenv.RequireFirestore(t)
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		project := testenv.Project(t)
		fs := testenv.Firestore(t, project)
		// Dial, as the functions do: the store makes its own client on first use.
		s, err := firestoredb.Dial(project)
		if err != nil {
			t.Fatal(err)
		}
		return inspected{s, fs}
	})
}

// The contract again for cases written before the store named their parts on the case: each
// submission and update drops that list, so every update looks the parts up instead.
func TestContractCasesWithoutParts(t *testing.T) {
	testenv.RequireFirestore(t)
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		fs := testenv.Firestore(t, testenv.Project(t))
		s, err := firestoredb.New(fs)
		if err != nil {
			t.Fatal(err)
		}
		return withoutParts{inspected{s, fs}}
	})
}

type withoutParts struct{ inspected }

// drop turns the case into one written before: its events become documents of their own
// (with the case's TTL and day of receipt) and it names no parts.
func (s withoutParts) drop(ctx context.Context, ref string) error {
	doc := s.fs.Collection("cases").Doc(ref)
	return s.fs.RunTransaction(ctx, func(ctx context.Context, tx *firestore.Transaction) error {
		snap, err := tx.Get(doc)
		if status.Code(err) == codes.NotFound {
			return nil
		} else if err != nil {
			return err
		}
		data := snap.Data()
		if data["parts"] == nil {
			return nil
		}
		events, _ := data["events"].([]any)
		for _, e := range events {
			m, _ := e.(map[string]any)
			m["expireAt"], m["received"] = data["expireAt"], data["received"]
			if err := tx.Create(doc.Collection("events").NewDoc(), m); err != nil {
				return err
			}
		}
		return tx.Update(doc, []firestore.Update{{Path: "parts", Value: firestore.Delete}, {Path: "events", Value: firestore.Delete}})
	})
}

func (s withoutParts) Submit(ctx context.Context, c *request.Case, ch app.Change, limits []app.Limit) error {
	if err := s.Store.Submit(ctx, c, ch, limits); err != nil {
		return err
	}
	return s.drop(ctx, c.Reference)
}

func (s withoutParts) Update(ctx context.Context, ref string, fn func(c *request.Case) (app.Change, error)) (*request.Case, error) {
	c, err := s.Store.Update(ctx, ref, fn)
	if err != nil {
		return c, err
	}
	return c, s.drop(ctx, ref)
}

// A store needs a client or a project.
func TestConstructors(t *testing.T) {
	t.Parallel()
	if _, err := firestoredb.New(nil); err == nil {
		t.Error("New accepted a nil client")
	}
	if _, err := firestoredb.Dial(""); err == nil {
		t.Error("Dial accepted an empty project")
	}
}

// inspected reads the event documents' TTL field straight from Firestore.
type inspected struct {
	*firestoredb.Store
	fs *firestore.Client
}

func (s inspected) EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error) {
	// Events kept in the case document (a case with "parts") expire with it.
	if snap, err := s.fs.Collection("cases").Doc(ref).Get(ctx); err == nil && snap.Data()["parts"] != nil {
		events, _ := snap.Data()["events"].([]any)
		at, _ := snap.Data()["expireAt"].(time.Time)
		out := make([]time.Time, len(events))
		for i := range out {
			out[i] = at
		}
		return out, nil
	}
	snaps, err := s.fs.Collection("cases").Doc(ref).Collection("events").OrderBy("seq", firestore.Asc).Documents(ctx).GetAll()
	if err != nil {
		return nil, err
	}
	out := make([]time.Time, len(snaps))
	for i, snap := range snaps {
		v, err := snap.DataAt("expireAt")
		if err != nil {
			return nil, err
		}
		out[i], _ = v.(time.Time)
	}
	return out, nil
}
