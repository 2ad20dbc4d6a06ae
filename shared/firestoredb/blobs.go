package firestoredb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
)

// A sealed ID copy or access package is a head document that holds it whole when it fits one
// chunk, and otherwise counts the chunks of its sub-collection. Both live outside the case
// transaction: they can exceed a document's size.

// PutIDCopy implements app.BlobStore.
func (s *Store) PutIDCopy(ctx context.Context, ref string, sealed []byte, kind string, expireAt time.Time) error {
	return s.putBlob(ctx, colIDCopies, ref, ref, sealed, kind, expireAt, false)
}

// IDCopy implements app.BlobStore.
func (s *Store) IDCopy(ctx context.Context, ref string) ([]byte, string, error) {
	return s.blob(ctx, colIDCopies, ref)
}

// DeleteIDCopy implements app.BlobStore.
func (s *Store) DeleteIDCopy(ctx context.Context, ref string) error {
	return s.deleteBlob(ctx, colIDCopies, ref)
}

// resultID is the document id of an access package: the reference and, after an "@", the key
// of the attempt that made it. The head also records the reference, so DeleteCase finds them
// all.
func resultID(ref, key string) (string, error) {
	if key == "" {
		return "", errors.New("access package key required")
	}
	if strings.ContainsAny(key, "/@") {
		return "", fmt.Errorf("access package key %q: no / or @ allowed", key)
	}
	return ref + "@" + key, nil
}

// PutAccessPackage implements app.BlobStore.
func (s *Store) PutAccessPackage(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error {
	id, err := resultID(ref, key)
	if err != nil {
		return err
	}
	// A package is one decide attempt's own (app: a random key per attempt), so there is
	// nothing to clear first and no need to list chunks (a query Firestore bills as a read even
	// when it finds nothing). Were a key ever reused, the head still counts only the new
	// chunks, and DeleteAccessPackage and the TTL remove any left beyond them.
	return s.putBlob(ctx, colResults, id, ref, sealed, "application/zip", expireAt, true)
}

// AccessPackage implements app.BlobStore.
func (s *Store) AccessPackage(ctx context.Context, ref, key string) app.Chunks {
	id, err := resultID(ref, key)
	if err != nil {
		return func(yield func([]byte, error) bool) { yield(nil, err) }
	}
	return s.blobChunks(ctx, colResults, id)
}

// DeleteAccessPackage implements app.BlobStore.
func (s *Store) DeleteAccessPackage(ctx context.Context, ref, key string) error {
	id, err := resultID(ref, key)
	if err != nil {
		return err
	}
	return s.deleteBlob(ctx, colResults, id)
}

// deleteAccessPackages deletes every access package of a case, whatever its key.
func (s *Store) deleteAccessPackages(ctx context.Context, ref string) error {
	return s.deleteBlobsOf(ctx, colResults, ref)
}

// deleteBlobsOf deletes every blob of case ref in col (heads record their reference).
func (s *Store) deleteBlobsOf(ctx context.Context, col, ref string) error {
	if err := s.open(); err != nil {
		return err
	}
	heads, err := s.c.Collection(col).Where("reference", "==", ref).Select().Documents(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list %s: %w", col, err)
	}
	for _, h := range heads {
		if err := s.deleteBlob(ctx, col, h.Ref.ID); err != nil {
			return err
		}
	}
	return nil
}

// putBlob stores sealed bytes in chunks, the chunks first and the head last, so a reader never
// sees a head without its chunks. A blob that replaces an earlier one overwrites it; unless
// fresh (no blob can be under id yet), the earlier one's chunks are cleared first.
func (s *Store) putBlob(ctx context.Context, col, id, ref string, sealed []byte, kind string, expireAt time.Time, fresh bool) error {
	if err := s.open(); err != nil {
		return err
	}
	if !fresh {
		if err := s.clearBlob(ctx, col, id); err != nil {
			return err
		}
	}
	head := s.c.Collection(col).Doc(id)
	if len(sealed) <= chunkSize {
		// Small enough to sit in the head: one document to write and one to read.
		_, err := head.Set(ctx, map[string]any{"chunks": 0, "data": sealed, "kind": kind, "size": len(sealed), "expireAt": expireAt.UTC(), "reference": ref})
		return err
	}
	n := 0
	for off := 0; off < len(sealed); off += chunkSize {
		end := min(off+chunkSize, len(sealed))
		if _, err := head.Collection(colChunks).Doc(fmt.Sprint(n)).Set(ctx, map[string]any{"data": sealed[off:end], "expireAt": expireAt.UTC()}); err != nil {
			return fmt.Errorf("write chunk: %w", err)
		}
		n++
	}
	_, err := head.Set(ctx, map[string]any{"chunks": n, "kind": kind, "size": len(sealed), "expireAt": expireAt.UTC(), "reference": ref})
	return err
}

// blobHead is the head document of a blob.
type blobHead struct {
	Chunks int64  `firestore:"chunks"`
	Data   []byte `firestore:"data"`
	Kind   string `firestore:"kind"`
	Size   int64  `firestore:"size"`
}

func (s *Store) head(ctx context.Context, col, id string) (*firestore.DocumentRef, *blobHead, error) {
	if err := s.open(); err != nil {
		return nil, nil, err
	}
	head := s.c.Collection(col).Doc(id)
	snap, err := head.Get(ctx)
	if status.Code(err) == codes.NotFound {
		return nil, nil, app.ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	var h blobHead
	if err := snap.DataTo(&h); err != nil {
		return nil, nil, err
	}
	return head, &h, nil
}

// maxPrealloc is the most that reading a blob whole sets aside before its chunks are read.
const maxPrealloc = 16 << 20

// blob reads a blob whole: an ID copy, which is shown whole.
func (s *Store) blob(ctx context.Context, col, id string) ([]byte, string, error) {
	head, h, err := s.head(ctx, col, id)
	if err != nil {
		return nil, "", err
	}
	// The head's size is a claim until the chunks bear it out (chunksOf): room for it is made
	// up to an ID copy's bound only, so a damaged head cannot panic make or take the memory.
	out := make([]byte, 0, min(max(h.Size, 0), maxPrealloc))
	err = chunksOf(ctx, col, id, head, h, func(b []byte, err error) bool {
		out = append(out, b...)
		return true
	})
	if err != nil {
		return nil, "", err
	}
	return out, h.Kind, nil
}

// blobChunks reads a blob one document at a time: the head, then each chunk as the reader
// asks for it, so a blob streamed (an extract, an access package) is never held whole.
func (s *Store) blobChunks(ctx context.Context, col, id string) app.Chunks {
	return func(yield func([]byte, error) bool) {
		head, h, err := s.head(ctx, col, id)
		if err == nil {
			err = chunksOf(ctx, col, id, head, h, yield)
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

// chunksOf gives the data of the blob with head h to yield, chunk by chunk, and returns what
// went wrong (for the caller to yield), or nil when done or when yield stopped.
func chunksOf(ctx context.Context, col, id string, head *firestore.DocumentRef, h *blobHead, yield func([]byte, error) bool) error {
	if h.Chunks == 0 {
		if int64(len(h.Data)) != h.Size {
			return fmt.Errorf("blob %s/%s: head holds %d of %d bytes", col, id, len(h.Data), h.Size)
		}
		if len(h.Data) > 0 {
			yield(h.Data, nil) // kept in the head
		}
		return nil
	}
	var n int64
	for i := int64(0); i < h.Chunks; i++ {
		cs, err := head.Collection(colChunks).Doc(fmt.Sprint(i)).Get(ctx)
		if err != nil {
			return fmt.Errorf("read chunk: %w", err)
		}
		b, _ := cs.DataAt("data")
		bb, _ := b.([]byte)
		if n += int64(len(bb)); n > h.Size {
			return fmt.Errorf("blob %s/%s: chunks hold more than its %d bytes", col, id, h.Size)
		}
		if !yield(bb, nil) {
			return nil
		}
	}
	if n != h.Size {
		return fmt.Errorf("blob %s/%s: chunks hold %d of its %d bytes", col, id, n, h.Size)
	}
	return nil
}

// idCopyChunks counts, inside tx, the chunks of the case's ID copy (none when there is none).
func (s *Store) idCopyChunks(tx *firestore.Transaction, ref string) (int64, error) {
	hs, err := tx.Get(s.c.Collection(colIDCopies).Doc(ref))
	if status.Code(err) == codes.NotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, _ := hs.DataAt("chunks")
	n, _ := v.(int64)
	return n, nil
}

// deleteIDCopyIn deletes, inside tx, the case's ID copy with its chunks, as idCopyChunks
// counted them.
func (s *Store) deleteIDCopyIn(tx *firestore.Transaction, ref string, chunks int64) error {
	head := s.c.Collection(colIDCopies).Doc(ref)
	for i := int64(0); i < chunks; i++ {
		if err := tx.Delete(head.Collection(colChunks).Doc(fmt.Sprint(i))); err != nil {
			return err
		}
	}
	return tx.Delete(head)
}

// deleteBlob deletes the head, then every chunk, also orphans of a failed upload: a reader
// sees the blob whole or not at all.
func (s *Store) deleteBlob(ctx context.Context, col, ref string) error {
	if err := s.open(); err != nil {
		return err
	}
	return s.dropBlob(ctx, col, ref, false)
}

// clearBlob makes way for a new blob: as deleteBlob, but when there are no chunks it leaves
// the head alone (the new head overwrites it), which saves a write for a blob stored anew.
func (s *Store) clearBlob(ctx context.Context, col, ref string) error {
	return s.dropBlob(ctx, col, ref, true)
}

func (s *Store) dropBlob(ctx context.Context, col, ref string, keepBareHead bool) error {
	head := s.c.Collection(col).Doc(ref)
	refs, err := head.Collection(colChunks).DocumentRefs(ctx).GetAll()
	if err != nil {
		return fmt.Errorf("list chunks: %w", err)
	}
	if len(refs) == 0 && keepBareHead {
		return nil
	}
	if _, err := head.Delete(ctx); err != nil {
		return fmt.Errorf("delete head: %w", err)
	}
	for _, r := range refs {
		if _, err := r.Delete(ctx); err != nil {
			return fmt.Errorf("delete chunk: %w", err)
		}
	}
	return nil
}
