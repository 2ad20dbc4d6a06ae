package firestoredb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// BenchmarkCaseOperations counts what one operation on a case with three letters costs in
// Firestore: docs-read/op (documents returned), billed-reads/op (as Firestore bills them: a
// query that finds nothing costs one) and commits/op. Each is a property of the storage
// layout, so a change of it shows here.
func BenchmarkCaseOperations(b *testing.B) {
	testenv.RequireFirestore(b)
	ctx := context.Background()
	fs, reads := testenv.CountedFirestore(b, testenv.Project(b))
	s, err := firestoredb.New(fs)
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	n := 0
	fresh := func() string {
		n++
		ref := fmt.Sprintf("PL-OPS-%05d", n)
		if err := s.Submit(ctx, opsCase(ref, t0), opsChange(ref, t0), nil); err != nil {
			b.Fatal(err)
		}
		return ref
	}
	one := fresh()
	addEvent := func(*request.Case) (app.Change, error) {
		return app.Change{Events: []request.Event{{At: t0, Actor: "staff@corp.test", Action: "case_viewed"}}}, nil
	}
	ops := []struct {
		name string
		prep func() string // the case the operation works on; uncounted
		op   func(ref string) error
	}{
		{"Submit", func() string { n++; return fmt.Sprintf("PL-OPS-%05d", n) }, func(ref string) error {
			return s.Submit(ctx, opsCase(ref, t0), opsChange(ref, t0), nil)
		}},
		{"Case", func() string { return one }, func(ref string) error { _, err := s.Case(ctx, ref); return err }},
		{"Letters", func() string { return one }, func(ref string) error { _, err := s.Letters(ctx, ref); return err }},
		{"CaseParts", func() string { return one }, func(ref string) error { _, _, _, err := s.CaseParts(ctx, ref); return err }},
		{"Update", fresh, func(ref string) error { _, err := s.Update(ctx, ref, addEvent); return err }},
		{"UpdateParts", fresh, func(ref string) error { _, _, _, err := s.UpdateParts(ctx, ref, addEvent); return err }},
		{"DeleteCase/stub", fresh, func(ref string) error { return s.DeleteCase(ctx, ref, true) }},
		{"DeleteCase", fresh, func(ref string) error { return s.DeleteCase(ctx, ref, false) }},
	}
	for _, o := range ops {
		b.Run(o.name, func(b *testing.B) {
			var docs, billed, commits int64
			for b.Loop() {
				b.StopTimer()
				ref := o.prep()
				d0, r0 := reads.Load(), reads.Billed()
				c0, _ := reads.Commits()
				b.StartTimer()
				if err := o.op(ref); err != nil {
					b.Fatal(err)
				}
				c1, _ := reads.Commits()
				docs, billed, commits = docs+reads.Load()-d0, billed+reads.Billed()-r0, commits+c1-c0
			}
			b.ReportMetric(float64(docs)/float64(b.N), "docs-read/op")
			b.ReportMetric(float64(billed)/float64(b.N), "billed-reads/op")
			b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
		})
	}
}

func opsCase(ref string, at time.Time) *request.Case {
	return &request.Case{Reference: ref, Type: request.Access, Status: request.AwaitingConfirmation, Lang: "nl",
		Subject: request.Person{Name: "Carla", Email: "carla@tenant.test"}, SubmittedAt: at, UpdatedAt: at,
		NextActionAt: at.Add(24 * time.Hour), RetainUntil: at.AddDate(0, 0, 8)}
}

func opsChange(ref string, at time.Time) app.Change {
	var ch app.Change
	for _, k := range []letter.Kind{letter.ConfirmEmail, letter.Receipt, letter.StaffCase} {
		ch.Letters = append(ch.Letters, &outbox.Letter{ID: outbox.ID(testLetterKey, ref, k, "carla@tenant.test", ""), Reference: ref, Kind: k,
			Lang: "nl", To: "carla@tenant.test", Data: letter.Data{Reference: ref, RecipientName: "Carla"}, Status: outbox.Pending, CreatedAt: at})
	}
	ch.Events = []request.Event{{At: at, Actor: "requester", Action: "submitted", Detail: "access"}}
	return ch
}
