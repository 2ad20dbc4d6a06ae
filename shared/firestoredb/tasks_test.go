package firestoredb_test

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

// The search tasks' storage against the Firestore emulator, each subtest in a project of its own.
func TestTasksContract(t *testing.T) {
	testenv.RequireFirestore(t)
	storetest.RunTasks(t, func(t *testing.T) storetest.Subject {
		project := testenv.Project(t)
		fs := testenv.Firestore(t, project)
		s, err := firestoredb.Dial(project)
		if err != nil {
			t.Fatal(err)
		}
		return inspected{s, fs}
	})
}
