package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// RunTasks is the contract of the search tasks' storage: the tasks on the case (every field
// round-trips through Update) and app.TaskStore (extracts, owners introduced).
func RunTasks(t *testing.T, newStores func(t *testing.T) Subject) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Subject)
	}{
		{"TasksRoundTripOnTheCase", tasksRoundTrip},
		{"ConcurrentAnswersBothApply", concurrentAnswers},
		{"Extracts", extracts},
		{"OwnersIntroduced", ownersIntroduced},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStores(t))
		})
	}
}

func sampleTasks() []request.SearchTask {
	return []request.SearchTask{
		{ID: "huuradministratie", System: "huuradministratie", Owners: []string{"a@corp.test", "b@corp.test"}, Phase: request.PhaseSearch,
			State: request.TaskAnswered, Result: request.ResultFound, CreatedAt: t0, DueDate: civil.Date{Year: 2026, Month: 4, Day: 17},
			AnsweredAt: t0.Add(time.Hour), AnsweredBy: "a@corp.test", Note: "Huurcontract", Reminded: true,
			Extracts: []request.Extract{{Key: "k1", Name: "huur.json", Kind: "json", Size: 12, At: t0.Add(time.Hour)}}},
		{ID: "extra", System: "extra", Name: "Oud archief", Owners: []string{"c@corp.test"}, Phase: request.PhaseSearch,
			State: request.TaskWaived, Reason: "bestaat niet meer", CreatedAt: t0, DueDate: civil.Date{Year: 2026, Month: 4, Day: 17},
			KeepGround: request.KeepLegalClaims, KeptUntil: civil.Date{Year: 2030, Month: 1, Day: 1}, Backups: request.BackupsIncluded, Escalated: true},
	}
}

func tasksRoundTrip(t *testing.T, s Subject) {
	c := newCase("PL-TASK-0001")
	submit(t, s, c)
	if got := mustCase(t, s, c.Reference).Searches; len(got) != 0 {
		t.Errorf("a new case has tasks: %+v", got)
	}
	if _, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Searches = sampleTasks()
		return app.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleTasks(), mustCase(t, s, c.Reference).Searches); diff != "" {
		t.Errorf("tasks after Update (-want +got):\n%s", diff)
	}
	got, _, _, err := s.CaseParts(ctx, c.Reference)
	if err != nil || len(got.Searches) != 2 {
		t.Errorf("CaseParts: %v %+v", err, got)
	}
}

// Two owners answering at once both land: the tasks are part of the case's transaction.
func concurrentAnswers(t *testing.T, s Subject) {
	c := newCase("PL-TASK-0002")
	submit(t, s, c)
	s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
		c.Searches = []request.SearchTask{{ID: "a", State: request.TaskOpen}, {ID: "b", State: request.TaskOpen}}
		return app.Change{}, nil
	})
	done := make(chan error, 2)
	for _, id := range []string{"a", "b"} {
		go func() {
			_, err := s.Update(ctx, c.Reference, func(c *request.Case) (app.Change, error) {
				c.Search(id).State = request.TaskAnswered
				return app.Change{}, nil
			})
			done <- err
		}()
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n := mustCase(t, s, c.Reference).OpenSearches(request.PhaseSearch); n != 0 {
		t.Errorf("%d tasks still open after two concurrent answers", n)
	}
}

func extracts(t *testing.T, s Subject) {
	ref := "PL-TASK-0003"
	big := bytes.Repeat([]byte("x"), 2<<20+17) // more than a document holds
	if err := s.PutExtract(ctx, ref, "k1", []byte("small"), t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutExtract(ctx, ref, "k2", big, t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutExtract(ctx, "PL-TASK-OTHER", "k1", []byte("other"), t0.AddDate(0, 0, 30)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutExtract(ctx, ref, "a/b", []byte("x"), t0); err == nil {
		t.Error("a key with / was accepted")
	}
	if b, err := ReadChunks(s.Extract(ctx, ref, "k1")); err != nil || string(b) != "small" {
		t.Errorf("Extract k1 = %q, %v", b, err)
	}
	if b, err := ReadChunks(s.Extract(ctx, ref, "k2")); err != nil || !bytes.Equal(b, big) {
		t.Errorf("Extract k2: %d bytes, %v", len(b), err)
	}
	// Read back a chunk at a time: a big extract comes in pieces, each no larger than a
	// document holds, and a reader may stop after the first.
	pieces := 0
	for b, err := range s.Extract(ctx, ref, "k2") {
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 || len(b) > 1<<20 {
			t.Errorf("a chunk of %d bytes", len(b))
		}
		b[0] = 'Y' // the reader's own copy
		pieces++
	}
	if pieces < 2 {
		t.Errorf("an extract of %d bytes read in %d chunk(s)", len(big), pieces)
	}
	for b, err := range s.Extract(ctx, ref, "k2") {
		if err != nil || !bytes.Equal(b, big[:len(b)]) {
			t.Errorf("first chunk after a reader changed its copy: %v", err)
		}
		break
	}
	for _, err := range s.Extract(ctx, ref, "absent") {
		if !errors.Is(err, app.ErrNotFound) {
			t.Errorf("absent extract: %v, want ErrNotFound", err)
		}
	}
	if err := s.DeleteExtracts(ctx, ref); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"k1", "k2"} {
		if _, err := ReadChunks(s.Extract(ctx, ref, k)); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("Extract %s after DeleteExtracts: %v, want ErrNotFound", k, err)
		}
	}
	if b, err := ReadChunks(s.Extract(ctx, "PL-TASK-OTHER", "k1")); err != nil || string(b) != "other" {
		t.Errorf("another case's extract went too: %q %v", b, err)
	}
	if err := s.DeleteExtracts(ctx, "PL-TASK-NONE"); err != nil {
		t.Errorf("DeleteExtracts of nothing: %v", err)
	}
}

func ownersIntroduced(t *testing.T, s Subject) {
	got, err := s.OwnersIntroduced(ctx, []string{"o1", "o2"})
	if err != nil || got["o1"] || got["o2"] {
		t.Fatalf("OwnersIntroduced before = %v, %v", got, err)
	}
	if err := s.MarkOwnersIntroduced(ctx, []string{"o1"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOwnersIntroduced(ctx, []string{"o1"}, t0.Add(time.Hour)); err != nil {
		t.Errorf("marking twice: %v", err)
	}
	got, err = s.OwnersIntroduced(ctx, []string{"o1", "o2"})
	if err != nil || !got["o1"] || got["o2"] {
		t.Errorf("OwnersIntroduced after = %v, %v", got, err)
	}
}
