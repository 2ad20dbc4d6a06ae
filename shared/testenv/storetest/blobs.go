package storetest

import (
	"bytes"
	"errors"
	"sync"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
)

func blobs(t *testing.T, s Subject) {
	big := bytes.Repeat([]byte("0123456789abcdef"), 80_000) // 1.28 MB: more than one Firestore document
	if err := s.PutIDCopy(ctx, "PL-BLOB", big, "image/jpeg", t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	got, kind, err := s.IDCopy(ctx, "PL-BLOB")
	if err != nil || kind != "image/jpeg" || !bytes.Equal(got, big) {
		t.Fatalf("ID copy round trip: %v kind %q equal %v", err, kind, bytes.Equal(got, big))
	}
	got[0] = 'X'
	if again, _, _ := s.IDCopy(ctx, "PL-BLOB"); again[0] != '0' {
		t.Error("a read ID copy shares memory with the store")
	}
	if err := s.PutIDCopy(ctx, "PL-BLOB", []byte("small"), "application/pdf", t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	if got, kind, _ := s.IDCopy(ctx, "PL-BLOB"); string(got) != "small" || kind != "application/pdf" {
		t.Errorf("replaced ID copy: %q %q", got, kind)
	}
	if err := s.DeleteIDCopy(ctx, "PL-BLOB"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.IDCopy(ctx, "PL-BLOB"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("deleted ID copy: %v, want ErrNotFound", err)
	}
	if err := s.DeleteIDCopy(ctx, "PL-BLOB"); err != nil {
		t.Errorf("deleting nothing: %v", err)
	}

	if _, err := ReadChunks(s.AccessPackage(ctx, "PL-BLOB", "k1")); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("absent access package: %v, want ErrNotFound", err)
	}
	if err := s.PutAccessPackage(ctx, "PL-BLOB", "k1", big, t0.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadChunks(s.AccessPackage(ctx, "PL-BLOB", "k1")); err != nil || !bytes.Equal(got, big) {
		t.Errorf("access package round trip: %v", err)
	}
	if _, _, err := s.IDCopy(ctx, "PL-BLOB"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("an access package shows up as an ID copy: %v", err)
	}
	if err := s.DeleteAccessPackage(ctx, "PL-BLOB", "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadChunks(s.AccessPackage(ctx, "PL-BLOB", "k1")); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("deleted access package: %v, want ErrNotFound", err)
	}
}

// accessPackages: two concurrent attempts each store their own package; the loser deletes only
// its own; DeleteCase removes every package of the case.
func accessPackages(t *testing.T, s Subject) {
	const ref = "PL-PKG"
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, key := range []string{"a1", "b2"} {
		wg.Go(func() { errs <- s.PutAccessPackage(ctx, ref, key, []byte("zip-"+key), t0.AddDate(0, 0, 14)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent PutAccessPackage: %v", err)
		}
	}
	// b2 lost the decide: it deletes its own package only.
	if err := s.DeleteAccessPackage(ctx, ref, "b2"); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadChunks(s.AccessPackage(ctx, ref, "a1")); err != nil || string(got) != "zip-a1" {
		t.Errorf("the winner's package after the loser cleaned up: %q %v", got, err)
	}
	if _, err := ReadChunks(s.AccessPackage(ctx, ref, "b2")); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("the loser's package: %v, want ErrNotFound", err)
	}
	// Every package is an attempt's own: no key, or one that could name another document, is
	// refused.
	for _, key := range []string{"", "a/1", "a@1"} {
		if err := s.PutAccessPackage(ctx, ref, key, []byte("zip"), t0.AddDate(0, 0, 14)); err == nil {
			t.Errorf("PutAccessPackage with key %q: no error", key)
		}
		if _, err := ReadChunks(s.AccessPackage(ctx, ref, key)); err == nil || errors.Is(err, app.ErrNotFound) {
			t.Errorf("AccessPackage with key %q: %v, want an error other than ErrNotFound", key, err)
		}
		if err := s.DeleteAccessPackage(ctx, ref, key); err == nil {
			t.Errorf("DeleteAccessPackage with key %q: no error", key)
		}
	}
	if err := s.PutAccessPackage(ctx, ref+"-OTHER", "a1", []byte("other"), t0.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccessPackage(ctx, ref, "c3", []byte("zip-c3"), t0.AddDate(0, 0, 14)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCase(ctx, ref, false); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadChunks(s.AccessPackage(ctx, ref, "a1")); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("keyed package after DeleteCase: %v, want ErrNotFound", err)
	}
	if _, err := ReadChunks(s.AccessPackage(ctx, ref, "c3")); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("another keyed package after DeleteCase: %v, want ErrNotFound", err)
	}
	if got, err := ReadChunks(s.AccessPackage(ctx, ref+"-OTHER", "a1")); err != nil || string(got) != "other" {
		t.Errorf("another case's package after DeleteCase: %q %v", got, err)
	}
}

// ReadChunks reads a blob that a store gives chunk by chunk (app.Chunks) whole.
func ReadChunks(chunks app.Chunks) ([]byte, error) {
	var out []byte
	for b, err := range chunks {
		if err != nil {
			return nil, err
		}
		out = append(out, b...)
	}
	return out, nil
}
