package app

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// tables lets one result file or extract at a time be read into its table in this process.
// Within accessresult.MaxCells an extract's read peaks at about 230 MiB (the widest JSON
// object a 10 MiB file can hold; BenchmarkPrepareExtractAtTheBound), and within
// MaxResultCells staff's result file with its package at about 340 MiB (a one-column CSV;
// BenchmarkDecideAtTheBound), so two at once beside the inspection budget would take most of
// SearchTask's 1Gi, and more than StaffCase's 512Mi.
var tables = semaphore.NewWeighted(1)

// tableWait is how long a read waits for the one before it; then the upload is answered busy
// (503 with Retry-After, nothing stored) and sent again.
const tableWait = 5 * time.Second

// readTable runs read when no other table is being read in this process, waiting at most
// tableWait; otherwise it returns an error that wraps idcheck.ErrBusy.
func readTable(ctx context.Context, read func() error) error {
	ctx, cancel := context.WithTimeout(ctx, tableWait)
	defer cancel()
	if err := tables.Acquire(ctx, 1); err != nil {
		return fmt.Errorf("app: another file is being read into a table: %w", idcheck.ErrBusy)
	}
	defer tables.Release(1)
	return read()
}
