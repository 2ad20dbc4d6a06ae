package app

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// StatusView is what the requester sees about their case (CONTRACT.md §3).
type StatusView struct {
	Reference  string       `json:"reference"`
	Type       string       `json:"type"`
	Status     string       `json:"status"`
	ReceivedAt string       `json:"receivedAt"`
	DueDate    string       `json:"dueDate,omitempty"`
	Extended   bool         `json:"extended"`
	Suspended  bool         `json:"suspended"`
	Letters    []LetterView `json:"letters"`
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
func (s *Service) Status(ctx context.Context, ref string) (*StatusView, error) {
	c, err := s.Cases.Case(ctx, ref)
	if err != nil {
		return nil, err
	}
	letters, err := s.Cases.Letters(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("letters of %s: %w", ref, err)
	}
	_, to := c.Recipient()
	v := &StatusView{
		Reference: c.Reference, Type: string(c.Type), Status: string(c.Status),
		ReceivedAt: c.SubmittedAt.UTC().Format(time.RFC3339), Extended: c.Extended,
		Suspended: c.Status == request.AwaitingIdentity && !c.Identity.RequestedAt.IsZero() && s.Profile.Identity.SuspendClock,
		Letters:   []LetterView{},
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
}

// StaffCase loads a case for the staff page.
func (s *Service) StaffCase(ctx context.Context, ref string) (*StaffView, error) {
	c, err := s.Cases.Case(ctx, ref)
	if err != nil {
		return nil, err
	}
	events, err := s.Cases.Events(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", ref, err)
	}
	letters, err := s.Cases.Letters(ctx, ref)
	if err != nil {
		return nil, fmt.Errorf("letters of %s: %w", ref, err)
	}
	v := &StaffView{Case: c, Events: events, HasCopy: c.Identity.CopyHeld}
	for _, l := range sortLetters(letters) {
		v.Letters = append(v.Letters, letterView(l))
	}
	v.Actions = s.Actions(c, s.Clock())
	return v, nil
}
