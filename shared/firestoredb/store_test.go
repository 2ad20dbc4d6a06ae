package firestoredb_test

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/firestore"

	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

// The adapter against the Firestore emulator, each subtest in a project of its own.
func TestContract(t *testing.T) {
	testenv.RequireFirestore(t)
	storetest.Run(t, func(t *testing.T) storetest.Subject {
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

// inspected reads the events' TTL straight from Firestore: they are in the case document and
// expire with it.
type inspected struct {
	*firestoredb.Store
	fs *firestore.Client
}

func (s inspected) EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error) {
	snap, err := s.fs.Collection("cases").Doc(ref).Get(ctx)
	if err != nil {
		return nil, err
	}
	events, _ := snap.Data()["events"].([]any)
	at, _ := snap.Data()["expireAt"].(time.Time)
	out := make([]time.Time, len(events))
	for i := range out {
		out[i] = at
	}
	return out, nil
}
