package firestoredb_test

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/storetest"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// The adapter against the Firestore emulator, each subtest in a project of its own.
func TestContract(t *testing.T) {
	testenv.RequireFirestore(t)
	storetest.Run(t, func(t *testing.T) storetest.Stores {
		s, err := firestoredb.New(testenv.Firestore(t, testenv.Project(t)))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
