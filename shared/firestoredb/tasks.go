package firestoredb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cloud.google.com/go/firestore"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

const (
	colExtracts = "extracts" // sealed extracts of search tasks, chunked like an ID copy
	colOwners   = "owners"   // owners who had a task letter, by pseudonym
)

var _ app.TaskStore = (*Store)(nil)

// searchesDoc writes a case's tasks into its document as one JSON field: they are read and
// written with the case and never queried on their own.
func searchesDoc(ts []request.SearchTask) string {
	if len(ts) == 0 {
		return ""
	}
	out := make([]taskJSON, len(ts))
	for i, t := range ts {
		t.CreatedAt, t.AnsweredAt = instant(t.CreatedAt), instant(t.AnsweredAt)
		t.Extracts = append([]request.Extract(nil), t.Extracts...)
		for j := range t.Extracts {
			t.Extracts[j].At = instant(t.Extracts[j].At)
		}
		out[i] = taskJSON{SearchTask: t, DueDate: dateString(t.DueDate), KeptUntil: dateString(t.KeptUntil)}
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic(err) // cannot happen: strings, dates and instants always marshal
	}
	return string(b)
}

func fromSearchesDoc(s string) []request.SearchTask {
	if s == "" {
		return nil
	}
	var docs []taskJSON
	if err := json.Unmarshal([]byte(s), &docs); err != nil {
		return nil
	}
	out := make([]request.SearchTask, len(docs))
	for i, d := range docs {
		out[i] = d.SearchTask
		out[i].DueDate, out[i].KeptUntil = parseDate(d.DueDate), parseDate(d.KeptUntil)
	}
	return out
}

// taskJSON is a task as stored: its dates as "YYYY-MM-DD", or "" when unset (a zero civil.Date
// does not survive JSON).
type taskJSON struct {
	request.SearchTask
	DueDate   string `json:"DueDate"`
	KeptUntil string `json:"KeptUntil"`
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
	// A random key per extract (app): nothing can be under id yet, so no chunks to clear first.
	return s.putBlob(ctx, colExtracts, id, ref, sealed, "", expireAt, true)
}

// Extract implements app.TaskStore.
func (s *Store) Extract(ctx context.Context, ref, key string) app.Chunks {
	id, err := extractID(ref, key)
	if err != nil {
		return func(yield func([]byte, error) bool) { yield(nil, err) }
	}
	return s.blobChunks(ctx, colExtracts, id)
}

// DeleteExtracts implements app.TaskStore.
func (s *Store) DeleteExtracts(ctx context.Context, ref string) error {
	return s.deleteBlobsOf(ctx, colExtracts, ref)
}

// OwnersIntroduced implements app.TaskStore.
func (s *Store) OwnersIntroduced(ctx context.Context, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	if err := s.open(); err != nil {
		return nil, err
	}
	refs := make([]*firestore.DocumentRef, len(keys))
	for i, k := range keys {
		refs[i] = s.c.Collection(colOwners).Doc(k)
	}
	snaps, err := s.c.GetAll(ctx, refs)
	if err != nil {
		return nil, fmt.Errorf("read owners: %w", err)
	}
	for i, sn := range snaps {
		out[keys[i]] = sn.Exists()
	}
	return out, nil
}

// MarkOwnersIntroduced implements app.TaskStore. An owner already marked keeps the first date.
func (s *Store) MarkOwnersIntroduced(ctx context.Context, keys []string, at time.Time) error {
	if err := s.open(); err != nil {
		return err
	}
	for _, k := range keys {
		_, err := s.c.Collection(colOwners).Doc(k).Create(ctx, map[string]any{"introducedAt": at.UTC()})
		if err != nil && status.Code(err) != codes.AlreadyExists {
			return fmt.Errorf("mark owner: %w", err)
		}
	}
	return nil
}
