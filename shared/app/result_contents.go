package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/privacyloket/privacyloket/shared/accessresult"
)

// ResultContents lists the access package of case ref for its download page: the systems and
// the file names, never the data, and nothing is recorded (a mail scanner that follows the
// e-mail's link must not count as a download). ErrNotFound when there is no package (any more).
func (s *Intake) ResultContents(ctx context.Context, ref string) (*accessresult.Contents, error) {
	if s.d.Sealer == nil {
		return nil, errors.New("app: ResultContents needs a Sealer")
	}
	c, err := s.d.Cases.Case(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.Result == nil || !s.d.Clock().Before(c.Result.ExpiresAt) {
		return nil, ErrNotFound
	}
	sealed, err := s.d.Blobs.AccessPackage(ctx, c.Reference, c.Result.Key)
	if err != nil {
		return nil, err
	}
	pkg, err := s.d.Sealer.Open(resultAAD(ref), sealed)
	if err != nil {
		return nil, fmt.Errorf("open access package of %s: %w", ref, err)
	}
	return accessresult.ReadContents(pkg)
}
