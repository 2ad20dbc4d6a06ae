package memstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

// PutIDCopy implements app.BlobStore.
func (s *Store) PutIDCopy(ctx context.Context, ref string, sealed []byte, kind string, expireAt time.Time) error {
	return s.put(ctx, s.idCopies, ref, sealed, kind, expireAt)
}

// IDCopy implements app.BlobStore.
func (s *Store) IDCopy(ctx context.Context, ref string) ([]byte, string, error) {
	return s.get(ctx, s.idCopies, ref)
}

// DeleteIDCopy implements app.BlobStore.
func (s *Store) DeleteIDCopy(ctx context.Context, ref string) error {
	return s.remove(ctx, s.idCopies, ref)
}

// PutAccessPackage implements app.BlobStore.
func (s *Store) PutAccessPackage(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error {
	id, err := resultID(ref, key)
	if err != nil {
		return err
	}
	return s.putAs(ctx, s.results, id, ref, sealed, "application/zip", expireAt)
}

// AccessPackage implements app.BlobStore.
func (s *Store) AccessPackage(ctx context.Context, ref, key string) app.Chunks {
	return func(yield func([]byte, error) bool) {
		id, err := resultID(ref, key)
		if err != nil {
			yield(nil, err)
			return
		}
		b, _, err := s.get(ctx, s.results, id)
		if err != nil {
			yield(nil, err)
			return
		}
		chunks(ctx, b, yield)
	}
}

// chunkSize is the size of the chunks a blob is read back in: Firestore's, so that a reader
// meets the same pieces on both stores.
const chunkSize = 512 << 10

// chunks yields data in chunkSize pieces, each a copy (a blob is never changed in place, but
// the reader may keep what it gets), stopping at a cancelled ctx.
func chunks(ctx context.Context, data []byte, yield func([]byte, error) bool) {
	for off := 0; off < len(data); off += chunkSize {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		if !yield(slices.Clone(data[off:min(off+chunkSize, len(data))]), nil) {
			return
		}
	}
}

// DeleteAccessPackage implements app.BlobStore.
func (s *Store) DeleteAccessPackage(ctx context.Context, ref, key string) error {
	id, err := resultID(ref, key)
	if err != nil {
		return err
	}
	return s.remove(ctx, s.results, id)
}

// resultID is the id of an access package, as in Firestore: the reference and, after an "@",
// the key of the attempt that made it.
func resultID(ref, key string) (string, error) {
	if key == "" {
		return "", errors.New("access package key required")
	}
	if strings.ContainsAny(key, "/@") {
		return "", fmt.Errorf("access package key %q: no / or @ allowed", key)
	}
	return ref + "@" + key, nil
}

func (s *Store) put(ctx context.Context, m map[string]blob, ref string, data []byte, kind string, expireAt time.Time) error {
	return s.putAs(ctx, m, ref, ref, data, kind, expireAt)
}

func (s *Store) putAs(ctx context.Context, m map[string]blob, id, ref string, data []byte, kind string, expireAt time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m[id] = blob{ref: ref, data: slices.Clone(data), kind: kind, expireAt: stamp(expireAt)}
	return nil
}

func (s *Store) get(ctx context.Context, m map[string]blob, ref string) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := m[ref]
	if !ok {
		return nil, "", app.ErrNotFound
	}
	return append([]byte{}, b.data...), b.kind, nil
}

func (s *Store) remove(ctx context.Context, m map[string]blob, ref string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(m, ref)
	return nil
}
