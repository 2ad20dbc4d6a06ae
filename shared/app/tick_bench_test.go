package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// BenchmarkTickReads shows that the documents one Tick reads grow with the cases that are due,
// not with all open cases: 10 due among 100, 1 000, 10 000 and 100 000 open cases. It reports
// docs-read/op (documents a Tick with 10 cases due returns, after the day's first) and
// billed-reads/op (what Firestore bills for it: also one per query that found nothing),
// first-tick-docs and first-tick-billed (the day's first Tick, none due: it also sends the
// staff digest, which reads the cases due soon, those awaiting identity and a count of the open
// ones, billed one read per 1 000 counted) and seed-s (the time Import took to store the open cases: about 40 s for 100 000 on 2 cores;
// a bulk write was no faster on the emulator). Run it with scripts/bench.
func BenchmarkTickReads(b *testing.B) {
	for _, open := range []int{100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("open=%d/due=10", open), func(b *testing.B) {
			s := testenv.NewStack(b, testenv.Options{Profile: "de-alliantie", NoDelivery: true})
			now := s.Clock.Now()
			far := now.AddDate(0, 2, 0)
			cases := make([]*request.Case, open)
			for i := range cases {
				c := &request.Case{
					Reference: fmt.Sprintf("PL-BENCH-%06d", i), Type: request.Access, Status: request.InProgress, Lang: "nl",
					Subject:     request.Person{Name: "Bench Mark", Email: fmt.Sprintf("b%d@tenant.test", i)},
					SubmittedAt: now, ConfirmedAt: now, UpdatedAt: now, Version: 1,
					NextActionAt: far, RetainUntil: now.AddDate(2, 0, 0),
				}
				c.Received = civilDate(now)
				c.DueDate = c.Received.AddDays(28)
				cases[i] = c
			}
			start := time.Now()
			if err := s.Import(ctx, cases); err != nil {
				b.Fatal(err)
			}
			seeded := time.Since(start)
			// The day's first Tick: no case is due yet, but it sends the staff digest, which
			// reads the open cases once a day. Later Ticks that day read only what is due.
			before, billedBefore := s.Reads.Load(), s.Reads.Billed()
			if _, err := s.App.Sweep.Tick(ctx, now); err != nil {
				b.Fatal(err)
			}
			first, firstBilled := s.Reads.Load()-before, s.Reads.Billed()-billedBefore
			due := cases[:10]
			b.ResetTimer()
			var reads, billed int64
			for b.Loop() {
				b.StopTimer()
				// Make the same 10 cases due again: their reminder moment has come.
				for _, c := range due {
					c.NextActionAt = now.Add(-time.Minute)
				}
				// Import overwrites them through Update, which reads each once: not counted.
				if err := s.Import(ctx, due); err != nil {
					b.Fatal(err)
				}
				before, billedBefore := s.Reads.Load(), s.Reads.Billed()
				b.StartTimer()
				res, err := s.App.Sweep.Tick(ctx, now)
				if err != nil {
					b.Fatal(err)
				}
				if res.Cases != 10 {
					b.Fatalf("tick handled %d cases, want 10", res.Cases)
				}
				reads += s.Reads.Load() - before
				billed += s.Reads.Billed() - billedBefore
			}
			b.ReportMetric(float64(reads)/float64(b.N), "docs-read/op")
			b.ReportMetric(float64(billed)/float64(b.N), "billed-reads/op")
			b.ReportMetric(float64(first), "first-tick-docs")
			b.ReportMetric(float64(firstBilled), "first-tick-billed")
			b.ReportMetric(seeded.Seconds(), "seed-s")
		})
	}
}
