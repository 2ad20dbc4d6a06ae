package app

import (
	"context"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// Staff actions on how the team shares a case (docs/contract.md §3 "Staff actions"): who
// handles it, and internal notes.
const (
	ActAssign = request.ActAssign
	ActNote   = request.ActNote
)

// TeamActions are the staff actions of the team, in page order.
var TeamActions = []request.Action{ActAssign, ActNote}

func teamAction(a request.Action) bool { return a == ActAssign || a == ActNote }

// maxNote bounds an internal note.
const maxNote = 5000

// TeamView is what the staff page shows of the team's work on a case: its handler, who may be
// assigned, and whether assign and note are offered now.
type TeamView struct {
	Handler string
	// Draft is the decision waiting for approval (four eyes), nil otherwise.
	Draft *request.Approval
	// Holders are the addresses a case can be assigned to: the staff list and the privacy
	// officer, each once.
	Holders []string
	CanAct  bool
}

func (s *core) teamView(c *request.Case) TeamView {
	return TeamView{Handler: c.Handler, Holders: s.deskHolders(), CanAct: teamOpen(c), Draft: c.Approval}
}

// teamOpen reports whether c takes assign and note: while it is open (a finished case allows
// no action, an unconfirmed one is no work yet).
func teamOpen(c *request.Case) bool { return c.Status.Open() }

// holder is addr as the staff list (or the profile's privacy officer) spells it; "" when addr
// may hold no staff link.
func (s *core) holder(addr string) string {
	for _, h := range s.deskHolders() {
		if strings.EqualFold(h, strings.TrimSpace(addr)) {
			return h
		}
	}
	return ""
}

// handlerOf is the case's handler while they are still on the staff list or the privacy
// officer; "" otherwise, so that a handler who left hands the reminders back to everyone.
func (s *Sweep) handlerOf(c *request.Case) string {
	if c.Handler == "" {
		return ""
	}
	return s.holder(c.Handler)
}

// defaultHandler is the handler of a new case: the profile's default, when it can hold a link.
func (s *core) defaultHandler() string { return s.holder(s.d.Profile.DefaultHandler) }

func (s *Casework) validateTeam(in StaffInput) []request.FieldError {
	var errs []request.FieldError
	add := func(f, code string) { errs = append(errs, request.FieldError{Field: f, Code: code}) }
	switch in.Action {
	case ActAssign:
		switch to := strings.TrimSpace(in.AssignTo); {
		case to == "":
			add("to", "required")
		case s.holder(to) == "":
			add("to", "not_staff")
		}
	case ActNote:
		if t := strings.TrimSpace(in.NoteText); t == "" {
			add("text", "required")
		} else if len(t) > maxNote {
			add("text", "too_long")
		}
	}
	return errs
}

// teamAct applies assign or note to a case in one transaction, with an audit event naming the
// staff member. A note lives in that event alone: the staff timeline shows it, and nothing
// that leaves the organisation reads it (docs/contract.md §3).
func (s *Casework) teamAct(ctx context.Context, ref string, by StaffLink, in StaffInput) (*request.Case, error) {
	if errs := s.validateTeam(in); len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	now := s.d.Clock()
	refused := false
	c, err := s.update(ctx, ref, func(c *request.Case) (Change, error) {
		refused = false
		if err := s.checkLink(c, by); err != nil {
			refused = true
			return Change{}, err
		}
		if !teamOpen(c) {
			return Change{}, &NotAllowedError{Reason: "finished"}
		}
		var detail string
		switch in.Action {
		case ActAssign:
			to := s.holder(in.AssignTo)
			if strings.EqualFold(c.Handler, to) {
				return Change{}, &NotAllowedError{Reason: "already_handler"}
			}
			c.Handler, detail = to, to
		case ActNote:
			detail = strings.TrimSpace(in.NoteText)
		}
		c.UpdatedAt = now
		c.NextActionAt = s.nextAction(c, now)
		return Change{Events: []request.Event{{At: now, Actor: by.Holder, Action: in.Action, Detail: detail}}}, nil
	})
	if err != nil {
		if refused {
			return nil, err
		}
		return c, err
	}
	s.d.Logger.InfoContext(ctx, "staff action", "reference", ref, "action", string(in.Action), "status", string(c.Status))
	return c, nil
}

// staffReminders are the moments staff are reminded of open case c (docs/rules.md §3): the
// profile's reminder window before its internal target date, the internal date itself, and the
// last working day before its legal due date; each a working day, in order, once.
func (s *core) staffReminders(c *request.Case) []time.Time {
	workday := func(d civil.Date) civil.Date {
		if !s.d.Calendar.IsWorkingDay(d) {
			return s.d.Calendar.PrevWorkingDay(d)
		}
		return d
	}
	internal := s.InternalDate(c)
	days := []civil.Date{
		s.d.Calendar.AddWorkingDays(internal, -s.d.Profile.Reminders.StaffWorkingDaysBefore),
		workday(internal),
		workday(c.DueDate),
	}
	var out []time.Time
	for _, d := range days {
		if m := at(d); len(out) == 0 || m.After(out[len(out)-1]) {
			out = append(out, m)
		}
	}
	return out
}

// remindFirst are the addresses a staff reminder of c goes to: its handler when it has one, the
// whole staff list otherwise (docs/contract.md §3 "assign").
func (s *Sweep) remindFirst(c *request.Case) []string {
	if h := s.handlerOf(c); h != "" {
		return []string{h}
	}
	return s.staff
}

// escalateTo are the addresses an escalation of c goes to: the privacy officer (when withPO),
// the handler and every staff address, each once.
func (s *Sweep) escalateTo(c *request.Case, withPO bool) []string {
	var to []string
	if po := s.d.Profile.Organisation.PrivacyOfficerEmail; withPO && po != "" {
		to = append(to, po)
	}
	if h := s.handlerOf(c); h != "" {
		to = append(to, h)
	}
	to = append(to, s.staff...)
	var out []string
	seen := map[string]bool{}
	for _, a := range to {
		k := strings.ToLower(a)
		if !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}
