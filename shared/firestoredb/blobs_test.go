package firestoredb_test

import (
	"context"
	"testing"

	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// TestBlobSizeIsNotTrusted: a blob's head that claims a size it does not hold (damaged, or
// written by another hand) is an error when read, never an allocation of what it claims (a
// negative or huge size panics in make, or takes the instance's memory).
func TestBlobSizeIsNotTrusted(t *testing.T) {
	testenv.RequireFirestore(t)
	ctx := context.Background()
	for _, size := range []int64{-1, 1 << 62} {
		project := testenv.Project(t)
		fs := testenv.Firestore(t, project)
		s, err := firestoredb.Dial(project)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Collection("idcopies").Doc("PL-AAAA-BBBB").Set(ctx, map[string]any{
			"chunks": 0, "data": []byte("x"), "kind": "image/png", "size": size, "reference": "PL-AAAA-BBBB"}); err != nil {
			t.Fatal(err)
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("IDCopy of a head claiming %d bytes panics: %v", size, p)
				}
			}()
			if _, _, err := s.IDCopy(ctx, "PL-AAAA-BBBB"); err == nil {
				t.Errorf("IDCopy of a head claiming %d bytes: no error", size)
			}
		}()
	}
}
