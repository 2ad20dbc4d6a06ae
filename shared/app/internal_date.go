package app

import (
	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// InternalDate is c's internal target date (docs/rules.md §3): the profile's margin in working
// days before its due date, never before receipt. It follows the due date, so it moves with an
// extension or a suspension; zero while the clock has not started.
func (s *core) InternalDate(c *request.Case) civil.Date {
	return s.d.Calendar.InternalDate(c.DueDate, c.Received, s.d.Profile.InternalMargin())
}
