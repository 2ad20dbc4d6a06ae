package firestoredb_test

import (
	"context"
	"testing"
	"time"

	"cloud.google.com/go/firestore"

	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/storetest"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// The adapter against the Firestore emulator, each subtest in a project of its own.
func TestContract(t *testing.T) {
	testenv.RequireFirestore(t)
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		fs := testenv.Firestore(t, testenv.Project(t))
		s, err := firestoredb.New(fs)
		if err != nil {
			t.Fatal(err)
		}
		return inspected{s, fs}
	})
}

// inspected reads the event documents' TTL field straight from Firestore.
type inspected struct {
	*firestoredb.Store
	fs *firestore.Client
}

func (s inspected) EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error) {
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
