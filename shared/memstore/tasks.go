package memstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
)

var _ app.TaskStore = (*Store)(nil)

// taskData is what the search tasks keep beside the case: extracts by extractID, and the owners
// who had a task letter, under a lock of its own.
type taskData struct {
	mu       sync.Mutex
	extracts map[string]blob
	owners   map[string]time.Time
}

// tasks returns the store's task data; callers lock it.
func (s *Store) tasks() *taskData {
	t := &s.searches
	t.mu.Lock()
	if t.extracts == nil {
		t.extracts, t.owners = map[string]blob{}, map[string]time.Time{}
	}
	t.mu.Unlock()
	return t
}

func extractID(ref, key string) (string, error) {
	if key == "" || strings.ContainsAny(key, "/@") {
		return "", fmt.Errorf("extract key %q: required, no / or @", key)
	}
	return ref + "@" + key, nil
}

// PutExtract implements app.TaskStore.
func (s *Store) PutExtract(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error {
	id, err := extractID(ref, key)
	if err != nil {
		return err
	}
	t := s.tasks()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.extracts[id] = blob{ref: ref, data: append([]byte(nil), sealed...), expireAt: stamp(expireAt)}
	return ctx.Err()
}

// Extract implements app.TaskStore.
func (s *Store) Extract(ctx context.Context, ref, key string) app.Chunks {
	return func(yield func([]byte, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		id, err := extractID(ref, key)
		if err != nil {
			yield(nil, err)
			return
		}
		t := s.tasks()
		t.mu.Lock()
		b, ok := t.extracts[id]
		t.mu.Unlock()
		if !ok {
			yield(nil, app.ErrNotFound)
			return
		}
		chunks(ctx, b.data, yield)
	}
}

// DeleteExtracts implements app.TaskStore.
func (s *Store) DeleteExtracts(ctx context.Context, ref string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := s.tasks()
	t.mu.Lock()
	defer t.mu.Unlock()
	for id, b := range t.extracts {
		if b.ref == ref {
			delete(t.extracts, id)
		}
	}
	return nil
}

// OwnersIntroduced implements app.TaskStore.
func (s *Store) OwnersIntroduced(ctx context.Context, keys []string) (map[string]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := s.tasks()
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]bool{}
	for _, k := range keys {
		_, out[k] = t.owners[k]
	}
	return out, nil
}

// MarkOwnersIntroduced implements app.TaskStore.
func (s *Store) MarkOwnersIntroduced(ctx context.Context, keys []string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t := s.tasks()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if _, ok := t.owners[k]; !ok {
			t.owners[k] = stamp(at)
		}
	}
	return nil
}
