package app

import (
	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// CaseworkView is what the staff page shows of the work behind an answer: the internal target
// date and the checklist of search and carry-out tasks (docs/contract.md §3 "Search tasks").
type CaseworkView struct {
	InternalDate civil.Date
}

func (s *Service) caseworkView(c *request.Case) CaseworkView {
	return CaseworkView{InternalDate: s.InternalDate(c)}
}
