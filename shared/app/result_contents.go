package app

import (
	"context"
	"errors"

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
	plan, rest, err := s.openPlan(ctx, c)
	if err != nil {
		return nil, err
	}
	rest.Close() // the list is all the page shows
	return plan.Contents(), nil
}
