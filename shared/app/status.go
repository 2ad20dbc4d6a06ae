package app

import (
	"context"
	"slices"
	"sort"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// StatusView is what the requester sees about their case (docs/contract.md §3).
type StatusView struct {
	Reference  string       `json:"reference"`
	Type       string       `json:"type"`
	Status     string       `json:"status"`
	ReceivedAt string       `json:"receivedAt"`
	DueDate    string       `json:"dueDate,omitempty"`
	Extended   bool         `json:"extended"`
	Suspended  bool         `json:"suspended"`
	Letters    []LetterView `json:"letters"`
	// Timeline is what happened to the request and when, oldest first (docs/contract.md §3): the
	// steps a requester may know of, never who on the staff took them or why.
	Timeline []TimelineEntry `json:"timeline"`
}

// TimelineEntry is one step of a case: its event code (the catalogue words it as
// "event.<code>") and when, in RFC 3339.
type TimelineEntry struct {
	At    string `json:"at"`
	Event string `json:"event"`
}

// requesterSteps are the audit actions that show on the requester's timeline, each with the
// code the timeline names it by: the third party's answer shows without saying what it was.
var requesterSteps = map[request.Action]string{
	request.ActSubmitted:           string(request.ActSubmitted),
	request.ActConfirmed:           string(request.ActConfirmed),
	request.ActIDUploaded:          string(request.ActIDUploaded),
	request.ActRequestIdentity:     string(request.ActRequestIdentity),
	request.ActRejectIdentity:      string(request.ActRejectIdentity),
	request.ActVerifyIdentity:      string(request.ActVerifyIdentity),
	request.ActExtend:              string(request.ActExtend),
	request.ActConsult:             string(request.ActConsult),
	request.ActThirdPartyAgree:     string(request.ActThirdPartyDone),
	request.ActThirdPartyObject:    string(request.ActThirdPartyDone),
	request.ActThirdPartyTermEnded: string(request.ActThirdPartyDone),
	request.ActDecide:              string(request.ActDecide),
	request.ActWithdraw:            string(request.ActWithdraw),
	request.ActResultDownloaded:    string(request.ActResultDownloaded),
}

// LetterView is one letter in a timeline: its kind, when it was written and whether it went out.
type LetterView struct {
	Letter string `json:"letter"`
	To     string `json:"-"`
	At     string `json:"at"`
	Status string `json:"status"`
	Error  string `json:"-"`
}

// Status returns the requester's view of a case: only the letters sent to them.
func (s *Intake) Status(ctx context.Context, ref string) (*StatusView, error) {
	c, events, letters, err := s.caseParts(ctx, ref)
	if err != nil {
		return nil, err
	}
	_, to := c.Recipient()
	v := &StatusView{
		Reference: c.Reference, Type: string(c.Type), Status: string(requesterStatus(c.Status)),
		ReceivedAt: c.SubmittedAt.UTC().Format(time.RFC3339), Extended: c.Extended,
		Suspended: c.Status == request.AwaitingIdentity && !c.Identity.RequestedAt.IsZero() && s.d.Profile.Identity.SuspendClock,
		Letters:   []LetterView{},
		Timeline:  []TimelineEntry{},
	}
	for _, e := range events {
		if code, ok := requesterSteps[e.Action]; ok {
			v.Timeline = append(v.Timeline, TimelineEntry{At: e.At.UTC().Format(time.RFC3339), Event: code})
		}
	}
	if !c.DueDate.IsZero() {
		v.DueDate = c.DueDate.String()
	}
	for _, l := range sortLetters(letters) {
		if l.To == to {
			v.Letters = append(v.Letters, letterView(l))
		}
	}
	return v, nil
}

func letterView(l *outbox.Letter) LetterView {
	return LetterView{Letter: string(l.Kind), To: l.To, At: l.CreatedAt.UTC().Format(time.RFC3339), Status: string(l.Status), Error: l.LastError}
}

func sortLetters(ls []*outbox.Letter) []*outbox.Letter {
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].CreatedAt.Before(ls[j].CreatedAt) })
	return ls
}

// StaffView is everything a staff member's case page shows.
type StaffView struct {
	Case    *request.Case
	Events  []request.Event
	Letters []LetterView
	Actions []request.Action // the actions the case allows now (Actions)
	HasCopy bool
	// MotivationRequired: the profile asks a motivation for every decision on this case's type,
	// granted included (docs/rules.md; policy Decisions.MotivateCorrections).
	MotivationRequired bool
	// Casework is the internal date and the search checklist (casework_view.go).
	Casework CaseworkView
	// FeeAllowed: the profile charges a reasonable fee where GDPR 12(5)(a) or 15(3) allows one
	// (both shipped profiles: never); only then does the decide form ask for one.
	FeeAllowed bool
	// ExtendedDue is the due date an extension would give, shown before staff extend; zero when
	// the case cannot be extended now.
	ExtendedDue civil.Date
	// Team is the case's handler and the forms of assign and note (team.go).
	Team TeamView
}

// ViewWindow is how long one staff member's view of a case counts as one: a reload, or the
// page again after an action, within it records no second "Verzoek bekeken" (docs/contract.md
// §3: one per staff member per case per 30 minutes).
const ViewWindow = 30 * time.Minute

// StaffPage loads a case for the page of the staff member holding link by, and records the
// view in the case's timeline (who, when), at most once per ViewWindow per staff member. A
// link that no longer works is refused with ErrLinkRevoked.
func (s *Casework) StaffPage(ctx context.Context, ref string, by StaffLink) (*StaffView, error) {
	now := s.d.Clock()
	c, events, letters, err := s.caseParts(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := s.checkLink(c, by); err != nil {
		return nil, err
	}
	if viewedSince(events, by.Holder, now.Add(-ViewWindow)) {
		return s.staffView(c, events, letters), nil
	}
	c, events, letters, err = s.updateParts(ctx, ref, func(c *request.Case) (Change, error) {
		if err := s.checkLink(c, by); err != nil {
			return Change{}, err
		}
		return Change{Events: []request.Event{{At: now, Actor: by.Holder, Action: request.ActCaseViewed}}}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.staffView(c, events, letters), nil
}

// viewedSince reports whether staff member holder viewed the case after since.
func viewedSince(events []request.Event, holder string, since time.Time) bool {
	for _, e := range slices.Backward(events) {
		if e.Action == request.ActCaseViewed && e.Actor == holder && e.At.After(since) {
			return true
		}
	}
	return false
}

// StaffCase loads a case as the staff page shows it, without a link to check and without
// recording a view: for pages that show less (the third party's).
func (s *Casework) StaffCase(ctx context.Context, ref string) (*StaffView, error) {
	c, events, letters, err := s.caseParts(ctx, ref)
	if err != nil {
		return nil, err
	}
	return s.staffView(c, events, letters), nil
}

// staffView is the page of case c with its events and letters, as read with it.
func (s *core) staffView(c *request.Case, events []request.Event, letters []*outbox.Letter) *StaffView {
	v := &StaffView{Case: c, Events: events, HasCopy: c.Identity.CopyHeld, MotivationRequired: s.motivationRequired(c),
		FeeAllowed: s.d.Profile.Fees.ReasonableFee && c.Type != request.Complaint}
	for _, l := range sortLetters(letters) {
		v.Letters = append(v.Letters, letterView(l))
	}
	v.Actions = s.Actions(c, s.d.Clock())
	if slices.Contains(v.Actions, request.ActExtend) {
		if due, err := s.d.Calendar.ExtendedDue(s.d.Profile, c.Type, c.Received, c.SuspendedDays); err == nil {
			v.ExtendedDue = due
		}
	}
	v.Casework = s.caseworkView(c)
	v.Team = s.teamView(c)
	return v
}
