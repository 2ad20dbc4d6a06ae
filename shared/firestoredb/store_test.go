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

// CaseEvents and UpdateEvents give what Case, Update and Events give, from one read of the case
// where the case keeps its events, and also for a case written before it did.
func TestCaseEventsAndUpdateEvents(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fs := testenv.Firestore(t, testenv.Project(t))
	s, err := firestoredb.New(fs)
	if err != nil {
		t.Fatal(err)
	}
	legacy := withoutParts{inspected{s, fs}}
	for _, tc := range []struct {
		name string
		ref  string
		drop bool
	}{{"events in the case", "PL-EVENTS-KEPT", false}, {"events as documents", "PL-EVENTS-DOCS", true}} {
		t.Run(tc.name, func(t *testing.T) {
			c := &request.Case{Reference: tc.ref, Type: request.Access, Status: request.AwaitingConfirmation, Lang: "nl",
				Subject: request.Person{Name: "Carla", Email: "carla@tenant.test"}, SubmittedAt: t0, UpdatedAt: t0,
				NextActionAt: t0.Add(24 * time.Hour), RetainUntil: t0.AddDate(0, 0, 8)}
			ch := app.Change{Events: []request.Event{{At: t0, Actor: "requester", Action: "submitted", Detail: "access"}}}
			if err := s.Submit(ctx, c, ch, nil); err != nil {
				t.Fatal(err)
			}
			if tc.drop {
				if err := legacy.drop(ctx, tc.ref); err != nil {
					t.Fatal(err)
				}
			}
			got, events, err := s.CaseEvents(ctx, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			if got.Reference != tc.ref || got.Subject.Name != "Carla" || len(events) != 1 || events[0].Action != "submitted" {
				t.Errorf("CaseEvents = %+v, %+v", got, events)
			}
			up, events, err := s.UpdateEvents(ctx, tc.ref, func(c *request.Case) (app.Change, error) {
				c.UpdatedAt = t0.Add(time.Hour)
				return app.Change{Events: []request.Event{{At: t0.Add(time.Hour), Actor: "staff@org.test", Action: "case_viewed"}}}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.Events(ctx, tc.ref)
			if err != nil {
				t.Fatal(err)
			}
			if up.Version != 2 || len(events) != 2 || len(want) != 2 || events[1] != want[1] || events[0] != want[0] {
				t.Errorf("UpdateEvents = version %d, %+v; Events = %+v", up.Version, events, want)
			}
		})
	}
	if _, _, err := s.CaseEvents(ctx, "PL-NONE"); err != app.ErrNotFound {
		t.Errorf("CaseEvents of nothing: %v, want ErrNotFound", err)
	}
	if _, _, err := s.UpdateEvents(ctx, "PL-NONE", func(*request.Case) (app.Change, error) { return app.Change{}, nil }); err != app.ErrNotFound {
		t.Errorf("UpdateEvents of nothing: %v, want ErrNotFound", err)
	}
}
