package inspect

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// budget bounds the memory of the inspections running at once in this
// process. Each inspection reserves its cost, worked out from the file's
// header before anything is decoded; an inspection that costs more than
// the whole budget is refused outright, so none can wait for ever.
type budget struct {
	sem  *semaphore.Weighted
	size int64
	wait time.Duration
	// pdfTime bounds a PDF's inspection (maxPDFTime).
	pdfTime time.Duration
	// waiting, when set, is called as an acquire starts to wait for room (a test's
	// synchronisation point; nil in production).
	waiting func()
}

func newBudget(size int64, wait time.Duration) *budget {
	return &budget{sem: semaphore.NewWeighted(size), size: size, wait: wait, pdfTime: maxPDFTime}
}

// acquire reserves cost bytes, waiting at most b.wait (and no longer than
// ctx allows). It returns the release function or ErrBusy.
func (b *budget) acquire(ctx context.Context, cost int64) (func(), error) {
	cost = max(cost, 1)
	if cost > b.size {
		// planImage refuses these first; this keeps the semaphore from
		// blocking for ever should a caller get the order wrong.
		return nil, idcheck.ErrBusy
	}
	if b.sem.TryAcquire(cost) {
		return func() { b.sem.Release(cost) }, nil
	}
	ctx, cancel := context.WithTimeout(ctx, b.wait)
	defer cancel()
	if b.waiting != nil {
		b.waiting()
	}
	if err := b.sem.Acquire(ctx, cost); err != nil {
		return nil, idcheck.ErrBusy
	}
	return func() { b.sem.Release(cost) }, nil
}
