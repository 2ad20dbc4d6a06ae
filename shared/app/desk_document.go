package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/request"
)

// PostDocument is a PDF a system gave as its extract, of an access result by post: the print
// page cannot hold it, so staff print it from here and put it in the envelope.
type PostDocument struct {
	Name string // its name in the package, e.g. "huuradministratie/uittreksel.pdf"
	Size int64
	io.ReadCloser
}

// PostLetterDocument opens the PDF extract name of the access result by post id for staff
// member staff, as the print page links it; opening it is an event of the case, as opening the
// print page is. ErrNotFound when id is not an access result by post or its package holds no
// PDF of that name; ErrResultGone when the package was deleted.
func (s *Desk) PostLetterDocument(ctx context.Context, staff, id, name string) (*PostDocument, error) {
	if !strings.HasSuffix(name, ".pdf") {
		return nil, ErrNotFound
	}
	c, l, err := s.postLetterOf(ctx, id)
	if err != nil {
		return nil, err
	}
	if l.Kind != letter.ResultReady {
		return nil, ErrNotFound
	}
	ref := c.Reference
	if c.Result == nil {
		return nil, ErrResultGone
	}
	if s.d.Sealer == nil {
		return nil, errors.New("app: a result by post needs a Sealer")
	}
	key, err := s.documentKey(ctx, c, name)
	if err != nil {
		return nil, err
	}
	rc, err := s.extractOpener(ctx, ref)(key)
	if err != nil {
		return nil, fmt.Errorf("open extract of %s: %w", ref, err)
	}
	h, err := accessresult.ReadExtractHeader(rc)
	if err != nil || h.Files[0].Ext != "pdf" {
		rc.Close()
		if errors.Is(err, ErrNotFound) {
			return nil, ErrResultGone
		}
		return nil, errors.Join(ErrNotFound, err)
	}
	now := s.d.Clock()
	if _, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		return Change{Events: []request.Event{{At: now, Actor: staff, Action: request.ActResultViewed, Detail: name}}}, nil
	}); err != nil {
		rc.Close()
		return nil, fmt.Errorf("note result viewed: %w", err)
	}
	return &PostDocument{Name: name, Size: h.Files[0].Size, ReadCloser: struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, h.Files[0].Size), rc}}, nil
}

// documentKey is the key of the extract the package of c holds as the file name.
func (s *Desk) documentKey(ctx context.Context, c *request.Case, name string) (string, error) {
	rc, err := s.openSealed(s.d.Blobs.AccessPackage(ctx, c.Reference, c.Result.Key), resultAAD(c.Reference))
	if err != nil {
		return "", err
	}
	defer rc.Close()
	plan, err := accessresult.ReadPlan(rc)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", ErrResultGone
	case err != nil:
		return "", fmt.Errorf("read access package of %s: %w", c.Reference, err)
	}
	for _, it := range plan.Items {
		if it.Extract != "" && len(it.Names) == 1 && it.Names[0] == name {
			return it.Extract, nil
		}
	}
	return "", ErrNotFound
}
