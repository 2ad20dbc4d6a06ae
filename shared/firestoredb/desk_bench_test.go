package firestoredb_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// BenchmarkDesk shows that the desk reads only what it shows: among 10 000 cases, of which
// 2 000 open, the overview reads the open cases and the report of one month reads that month's
// cases and their events (three each), however many cases there are. It reports docs-read/op
// (documents returned, as Firestore bills them) and the time per read.
func BenchmarkDesk(b *testing.B) {
	const total, open, eventsPerCase = 10000, 2000, 3
	s := testenv.NewStack(b, testenv.Options{NoDelivery: true})
	ctx := context.Background()
	first := civil.Date{Year: 2025, Month: 4, Day: 1} // a year of cases, received evenly
	work := make(chan int)
	var wg sync.WaitGroup
	errs := make(chan error, total)
	for range 16 {
		wg.Go(func() {
			for i := range work {
				errs <- s.Store.Submit(ctx, benchCase(i, first, i%(total/open) == 0), benchChange(i, eventsPerCase), nil)
			}
		})
	}
	start := time.Now()
	for i := range total {
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d cases (%d open, %d events each) in %s", total, open, eventsPerCase, time.Since(start).Round(time.Second))

	b.Run(fmt.Sprintf("OpenCases/cases=%d/open=%d", total, open), func(b *testing.B) {
		var reads int64
		for b.Loop() {
			before := s.Reads.Load()
			got, err := s.Store.OpenCases(ctx, 5000)
			if err != nil {
				b.Fatal(err)
			}
			if len(got) != open {
				b.Fatalf("%d open cases, want %d", len(got), open)
			}
			reads += s.Reads.Load() - before
		}
		b.ReportMetric(float64(reads)/float64(b.N), "docs-read/op")
	})
	b.Run(fmt.Sprintf("CasesReceived/month/cases=%d", total), func(b *testing.B) {
		var reads int64
		var n int
		for b.Loop() {
			before := s.Reads.Load()
			got, err := s.Store.CasesReceived(ctx, civil.Date{Year: 2025, Month: 10, Day: 1}, civil.Date{Year: 2025, Month: 11, Day: 1})
			if err != nil {
				b.Fatal(err)
			}
			n = len(got)
			for _, ce := range got {
				if len(ce.Events) != eventsPerCase {
					b.Fatalf("%s: %d events, want %d", ce.Case.Reference, len(ce.Events), eventsPerCase)
				}
			}
			reads += s.Reads.Load() - before
		}
		b.ReportMetric(float64(n), "cases/op")
		b.ReportMetric(float64(reads)/float64(b.N), "docs-read/op")
	})
}

func benchCase(i int, first civil.Date, open bool) *request.Case {
	received := first.AddDays(i % 365)
	at := time.Date(received.Year, received.Month, received.Day, 9, 0, 0, 0, time.UTC)
	c := &request.Case{
		Reference: fmt.Sprintf("PL-DESK-%05d", i), Type: request.Access, Status: request.Decided, Lang: "nl",
		Subject:     request.Person{Name: "Bench Mark", Email: fmt.Sprintf("b%d@tenant.test", i)},
		SubmittedAt: at, ConfirmedAt: at, UpdatedAt: at, Received: received, DueDate: received.AddDays(28 + i%7),
		RetainUntil: at.AddDate(2, 0, 0),
	}
	if open {
		c.Status = []request.Status{request.InProgress, request.AwaitingIdentity, request.AwaitingThirdParty}[i%3]
		c.NextActionAt = at.AddDate(0, 1, 0)
	}
	return c
}

func benchChange(i, n int) app.Change {
	var ch app.Change
	for k := range n {
		ch.Events = append(ch.Events, request.Event{At: time.Unix(int64(1_750_000_000+i*100+k), 0), Actor: "system", Action: request.Action(fmt.Sprint("step-", k))})
	}
	return ch
}
