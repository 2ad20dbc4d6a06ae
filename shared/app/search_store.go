package app

import (
	"context"
	"iter"
	"time"
)

// Chunks is a stored blob read back one stored chunk at a time, so that what is streamed (an
// extract, an access package at download) is never held whole. A blob that is not there yields
// (nil, ErrNotFound) first; an error ends the sequence. Each chunk is the caller's to keep.
type Chunks = iter.Seq2[[]byte, error]

// TaskStore keeps what the search tasks hold outside the case (docs/contract.md §3 "Search
// tasks"): the owners' extracts, sealed, which can exceed a transaction, and which owners have
// had a task letter before (the first one says what Privacyloket is). The tasks themselves live
// on the case (request.Case.Searches), so a decision and an answer see one another.
//
// shared/firestoredb and shared/memstore implement it; shared/testenv/storetest.RunTasks is the
// contract both pass.
type TaskStore interface {
	// PutExtract stores one sealed extract of case ref under key (no "/" or "@"), until
	// expireAt at the latest (the store's TTL); a Put replaces what was there.
	PutExtract(ctx context.Context, ref, key string, sealed []byte, expireAt time.Time) error
	// Extract reads one extract back chunk by chunk, in order; ErrNotFound when there is none.
	Extract(ctx context.Context, ref, key string) Chunks
	// DeleteExtracts removes every extract of case ref; none is no error.
	DeleteExtracts(ctx context.Context, ref string) error
	// OwnersIntroduced reports which of keys (pseudonyms of owners' addresses) had a task
	// letter before; MarkOwnersIntroduced records that they have had one now.
	OwnersIntroduced(ctx context.Context, keys []string) (map[string]bool, error)
	MarkOwnersIntroduced(ctx context.Context, keys []string, at time.Time) error
}
