package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The access package at download (docs/casework.md "The package at download"): what staff's
// decision stored is the package's plan (accessresult.NewPlan: everything small, and where each
// extract goes), sealed in segments; the ZIP is written straight to the response from it and
// from the extracts as their owners' uploads stored them, each read one stored chunk and one
// sealed segment at a time. Nothing holds a whole extract or the whole package.

// Download is an access package opened for streaming. Close it when done.
type Download struct {
	plan  *accessresult.Plan
	rest  io.ReadCloser // the stored plan after its list: the files made at decide
	open  accessresult.Opener
	label string
}

// DownloadsPerDay bounds how often a case's access package is downloaded in a day (UTC), on
// every instance alike (CaseStore.Count). Each download is an event in the case's document,
// which Firestore bounds at 1 MiB (a case grown to it takes no change any more, not even the
// package's deletion at the end of its term), and holds an instance's connection while the
// package streams (up to 600 s); a link posted over and over by a script, or shared, gets 429
// with Retry-After instead.
const DownloadsPerDay = 10

// OpenDownload opens the access package of case ref while its link is valid, and logs the
// download in the case's audit trail.
func (s *Intake) OpenDownload(ctx context.Context, ref string) (*Download, error) {
	if s.d.Sealer == nil {
		return nil, errors.New("app: DownloadResult needs a Sealer")
	}
	now := s.d.Clock()
	limit := Limit{Key: "download-" + s.pseudonym(ref), Max: DownloadsPerDay, Window: 24 * time.Hour}
	if err := s.d.Cases.Count(ctx, []Limit{limit}, now); err != nil {
		return nil, err
	}
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		if c.Result == nil || !now.Before(c.Result.ExpiresAt) {
			return Change{}, ErrNotFound
		}
		c.Result.Downloads++
		return Change{Events: []request.Event{{At: now, Actor: "requester", Action: request.ActResultDownloaded}}}, nil
	})
	if err != nil {
		return nil, err
	}
	plan, rest, err := s.openPlan(ctx, c)
	if err != nil {
		return nil, err
	}
	s.d.Logger.InfoContext(ctx, "access result downloaded", "reference", ref)
	return &Download{plan: plan, rest: rest, open: s.extractOpener(ctx, ref), label: ref}, nil
}

// Write writes the package to w as a ZIP archive. An error part way leaves w without the
// archive's closing directory, so no unzip tool takes what arrived for a whole package.
func (d *Download) Write(w io.Writer) error {
	if err := accessresult.WriteZip(w, d.plan, d.rest, d.open); err != nil {
		return fmt.Errorf("stream access package of %s: %w", d.label, err)
	}
	return nil
}

// Close releases what the download holds open.
func (d *Download) Close() error { return d.rest.Close() }

// DownloadResult is OpenDownload written into memory: the whole package, for a caller that
// wants its bytes. The function streams (OpenDownload).
func (s *Intake) DownloadResult(ctx context.Context, ref string) ([]byte, error) {
	d, err := s.OpenDownload(ctx, ref)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var b bytes.Buffer
	if err := d.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// openPlan opens case c's stored package at its files, with its list read. ErrNotFound when it
// is gone.
func (s *Intake) openPlan(ctx context.Context, c *request.Case) (*accessresult.Plan, io.ReadCloser, error) {
	rc, err := s.openSealed(s.d.Blobs.AccessPackage(ctx, c.Reference, c.Result.Key), resultAAD(c.Reference))
	if err != nil {
		return nil, nil, fmt.Errorf("open access package of %s: %w", c.Reference, err)
	}
	plan, err := accessresult.ReadPlan(rc)
	if err != nil {
		rc.Close()
		if errors.Is(err, ErrNotFound) {
			return nil, nil, ErrNotFound
		}
		return nil, nil, fmt.Errorf("read access package of %s: %w", c.Reference, err)
	}
	return plan, rc, nil
}

// extractOpener opens the extracts of case ref as they were stored (accessresult.PrepareExtract).
func (s *core) extractOpener(ctx context.Context, ref string) accessresult.Opener {
	return func(key string) (io.ReadCloser, error) {
		return s.openSealed(s.d.Tasks.Extract(ctx, ref, key), extractAAD(ref, key))
	}
}

// openSealed is a reader of the plaintext of a blob sealed in segments for aad, read from the
// store one chunk at a time. A missing blob is ErrNotFound at the first read.
func (s *core) openSealed(chunks Chunks, aad string) (io.ReadCloser, error) {
	cr := newChunkReader(chunks)
	r, err := s.d.Sealer.OpenReader(cr, aad)
	if err != nil {
		cr.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{r, cr}, nil
}

// sealInto seals what write writes in segments for aad, into memory.
func (s *Casework) sealInto(aad string, write func(io.Writer) error) ([]byte, error) {
	var b bytes.Buffer
	w, err := s.d.Sealer.SealWriter(&b, aad)
	if err != nil {
		return nil, err
	}
	if err := write(w); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// chunkReader reads a blob's Chunks as one stream, pulling the next chunk only when the last is
// read.
type chunkReader struct {
	next func() ([]byte, error, bool)
	stop func()
	cur  []byte
	err  error
}

func newChunkReader(c Chunks) *chunkReader {
	next, stop := iter.Pull2(iter.Seq2[[]byte, error](c))
	return &chunkReader{next: next, stop: stop}
}

func (r *chunkReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		b, err, ok := r.next()
		switch {
		case !ok:
			r.err = io.EOF
		case err != nil:
			r.err = err
		default:
			r.cur = b
		}
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *chunkReader) Close() error {
	r.stop()
	r.cur, r.err = nil, errors.New("app: read of a closed blob")
	return nil
}
