// Package memstore keeps cases, letters, events, rate-limit counters and sealed blobs in memory,
// with the semantics of the Firestore adapter (shared/firestoredb): transactional updates whose
// function may run more than once, letter leases, the same query orders and limits, instants
// stored in UTC at microsecond precision. The use-case tests run on it without emulators, and
// shared/testenv/storetest holds both implementations to one contract. It is safe for concurrent use.
package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// maxAttempts bounds how often Update runs its function when other writers keep winning
// (Firestore's client gives up after a handful of aborted transactions too).
const maxAttempts = 50

// Store implements the app's stores in memory.
type Store struct {
	mu       sync.Mutex
	cases    map[string]*request.Case   // replaced, never changed in place: the pointer is the version
	events   map[string][]request.Event // by case, in the order they were written
	letters  map[string]*outbox.Letter  // a case's letters and letters of no case, by id
	counters map[string]counter
	idCopies map[string]blob
	results  map[string]blob // by resultKey(ref, attempt key)
	searches taskData        // the search tasks' extracts and owners (tasks.go)
}

var (
	_ app.CaseStore   = (*Store)(nil)
	_ app.OutboxStore = (*Store)(nil)
	_ app.BlobStore   = (*Store)(nil)
	_ app.DeskStore   = (*Store)(nil)
)

type counter struct {
	count    int
	expireAt time.Time
}

type blob struct {
	ref      string
	data     []byte
	kind     string
	expireAt time.Time
}

// New returns an empty store.
func New() *Store {
	return &Store{
		cases: map[string]*request.Case{}, events: map[string][]request.Event{}, letters: map[string]*outbox.Letter{},
		counters: map[string]counter{}, idCopies: map[string]blob{}, results: map[string]blob{},
	}
}

// EventsExpireAt lists the TTL of the case's events, in the order Events lists them (for the
// store contract, as a test against Firestore reads the case document): the case's own, as
// the events are in its document there.
func (s *Store) EventsExpireAt(ctx context.Context, ref string) ([]time.Time, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[ref]
	if !ok {
		return []time.Time{}, nil
	}
	out := make([]time.Time, len(s.events[ref]))
	for i := range out {
		out[i] = c.RetainUntil
	}
	return out, nil
}

// Dump describes every stored record, one a line, for tests that check what is left behind
// (as a test against Firestore lists every document).
func (s *Store) Dump() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	for ref, c := range s.cases {
		lines = append(lines, fmt.Sprintf("cases/%s %+v", ref, dump(c)))
	}
	for ref, evs := range s.events {
		for i, e := range evs {
			lines = append(lines, fmt.Sprintf("cases/%s events[%d] %+v", ref, i, e))
		}
	}
	for id, l := range s.letters {
		lines = append(lines, fmt.Sprintf("letters/%s %+v", id, dump(l)))
	}
	for k, c := range s.counters {
		lines = append(lines, fmt.Sprintf("ratelimits/%s %+v", k, c))
	}
	for ref, b := range s.idCopies {
		lines = append(lines, fmt.Sprintf("idcopies/%s kind=%s size=%d expireAt=%s", ref, b.kind, len(b.data), b.expireAt))
	}
	for k, b := range s.results {
		lines = append(lines, fmt.Sprintf("results/%s kind=%s size=%d expireAt=%s", k, b.kind, len(b.data), b.expireAt))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// dump spells out a record including what its pointers point to.
func dump(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// storedLetters returns the letters as Firestore would hand them back: data and links through
// JSON, instants in UTC at microsecond precision.
func storedLetters(ls []*outbox.Letter) ([]*outbox.Letter, error) {
	out := make([]*outbox.Letter, len(ls))
	for i, l := range ls {
		c := clone(l)
		if err := roundTrip(&c.Data); err != nil {
			return nil, fmt.Errorf("encode letter data: %w", err)
		}
		if err := roundTrip(&c.Links); err != nil {
			return nil, fmt.Errorf("encode letter links: %w", err)
		}
		out[i] = c
	}
	return out, nil
}

func roundTrip[T any](v *T) error {
	b, err := json.Marshal(*v)
	if err != nil {
		return err
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	*v = out
	return nil
}

// stamp is an instant as Firestore keeps it: UTC, whole microseconds, no monotonic reading.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

var timeType = reflect.TypeFor[time.Time]()

// clone deep-copies v, storing every instant in it as stamp does, so that no caller shares
// memory with the store and what comes back looks as it would from Firestore.
func clone[T any](v T) T {
	return copyValue(reflect.ValueOf(&v).Elem()).Interface().(T)
}

func copyValue(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			out.Set(reflect.ValueOf(stamp(v.Interface().(time.Time))))
			return out
		}
		out.Set(v) // unexported fields as they are
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(copyValue(v.Field(i)))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(copyValue(v.Elem()))
			out.Set(p)
		}
	case reflect.Slice:
		if !v.IsNil() {
			s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				s.Index(i).Set(copyValue(v.Index(i)))
			}
			out.Set(s)
		}
	case reflect.Map:
		if !v.IsNil() {
			m := reflect.MakeMapWithSize(v.Type(), v.Len())
			for it := v.MapRange(); it.Next(); {
				m.SetMapIndex(it.Key(), copyValue(it.Value()))
			}
			out.Set(m)
		}
	case reflect.Interface:
		if !v.IsNil() {
			out.Set(copyValue(v.Elem()))
		}
	default:
		out.Set(v)
	}
	return out
}
