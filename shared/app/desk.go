package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The privacy desk (docs/contract.md §3 "The desk"): sign-in by e-mail, the overview of open cases,
// intake of requests from every channel; desk_post.go the letters by post. desk_tick.go holds the daily digest
// and the monthly report, desk_report.go the accountability report and the case export.

// Bounds of what the desk reads at once, and of sign-ins. Sign-in attempts are counted in the
// store, per hour, so every instance sees the same counts: per client; per client and address,
// so that a stranger who tries a staff address cannot lock its owner out; and per address from
// every client together, above what one client may try, so that many clients cannot try an
// address for ever.
const (
	deskMaxCases        = 5000
	deskMaxToPost       = 500
	deskLinkWindow      = 10 * time.Minute // at most one desk_link per address per window
	deskClientMax       = 20               // sign-in attempts per client per hour
	deskClientAddrMax   = 5                // sign-in attempts per client and address per hour
	deskAddressMax      = 30               // sign-in attempts per address per hour, all clients
	intakeMaxPastMonths = 12               // how far back an intake's day of receipt may lie
)

// Who a case waits on, for the overview (docs/contract.md: waitingOn).
const (
	WaitingOnRequester  = "requester"
	WaitingOnThirdParty = "third_party"
	WaitingOnStaff      = "staff"
)

// DeskHolder reports whether addr may hold a desk link now: it is on the staff list (profile or
// STAFF_EMAILS) or is the privacy officer. A link whose holder left the list stops working.
func (s *Desk) DeskHolder(addr string) bool { return s.holder(addr) != "" }

// deskHolders are the staff addresses and the privacy officer, each once.
func (s *core) deskHolders() []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range append(slices.Clone(s.staff), s.d.Profile.Organisation.PrivacyOfficerEmail) {
		k := strings.ToLower(strings.TrimSpace(a))
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

// signInLimits are the counters one sign-in for addr from cl counts against (see deskClientMax).
// Their keys are pseudonyms, apart from the form's counters.
func (s *Desk) signInLimits(addr string, cl Client) []Limit {
	mail := request.LimitKeyEmail(addr)
	out := []Limit{
		{Key: "desk-em-" + s.pseudonym(cl.IP+"\x00"+mail), Max: deskClientAddrMax, Window: time.Hour},
		{Key: "desk-ad-" + s.pseudonym(mail), Max: deskAddressMax, Window: time.Hour},
	}
	if cl.IP != "" {
		out = append(out, Limit{Key: "desk-ip-" + s.pseudonym(cl.IP), Max: deskClientMax, Window: time.Hour})
	}
	return out
}

// RequestDeskLink answers a sign-in: when addr is a desk holder a desk_link letter goes to it.
// The caller answers the same whatever happened (no enumeration); only a rate limit (counted
// in the store, the same for holders and strangers) returns *RateLimitedError.
func (s *Desk) RequestDeskLink(ctx context.Context, addr string, cl Client) error {
	now := s.d.Clock()
	addr = strings.ToLower(strings.TrimSpace(addr))
	if !validEmail(addr) {
		return &ValidationError{Fields: []request.FieldError{{Field: "email", Code: "email"}}}
	}
	// Floods of mail to one address are bounded by the letter id too (one per window).
	if err := s.d.Cases.Count(ctx, s.signInLimits(addr, cl), now); err != nil {
		var rl *RateLimitedError
		if errors.As(err, &rl) {
			return err
		}
		return fmt.Errorf("count sign-in: %w", err)
	}
	if !s.DeskHolder(addr) {
		s.d.Logger.InfoContext(ctx, "desk sign-in for an address not on the list")
		return nil
	}
	l := s.deskLetter(letter.DeskLink, addr, now.Truncate(deskLinkWindow).UTC().Format(time.RFC3339), now)
	switch err := s.d.Outbox.QueueLetter(ctx, l); {
	case errors.Is(err, ErrExists):
		s.d.Logger.InfoContext(ctx, "desk link already sent in this window", "letter_id", l.ID)
		return nil // one link per window is enough
	case err != nil:
		return fmt.Errorf("queue desk link: %w", err)
	}
	s.d.Logger.InfoContext(ctx, "desk link queued", "letter_id", l.ID)
	s.publish(ctx, []*outbox.Letter{l})
	return nil
}

// deskLetter is a letter about no case to a desk holder, with their personal desk link.
func (s *core) deskLetter(kind letter.Kind, to, disc string, now time.Time) *outbox.Letter {
	l := &outbox.Letter{
		ID: outbox.ID(s.d.PseudonymKey, "", kind, to, disc), Kind: kind, Lang: staffLang, To: to,
		Status: outbox.Pending, CreatedAt: now,
		Data: letter.Data{Org: s.org()},
		// Nothing in it outlives its link by much.
		RetainUntil: now.AddDate(0, 0, 90),
	}
	s.addDeskLink(l, letter.LinkDesk, "StaffDesk", to, now)
	return l
}

// DeskReference stands in a desk link's claims for the case reference it does not have.
const DeskReference = "desk"

// addDeskLink attaches a personal desk link (purpose desk, no case), signed when sent. It
// lives DeskLinkLife and only opens a session; it says when it was made, so that signing out
// everywhere ends it.
func (s *core) addDeskLink(l *outbox.Letter, key, function, to string, now time.Time) {
	s.addLink(l, key, function, linktoken.Desk, to, "", now, int(DeskLinkLife/(24*time.Hour)))
	c := &l.Links[len(l.Links)-1].Claims
	c.Reference, c.Issued = DeskReference, now.UnixMilli()
}

// DeskFilter narrows the overview; zero values show every open case. A Status that is not
// open (decided, closed, expired) lists the cases that ended so, most recent due date first.
// Query finds a case by its reference, whatever its status, or the open cases (and, with a
// finished Status, those) whose requester's name holds it.
type DeskFilter struct {
	Status request.Status
	Type   request.Type
	Query  string
	// Handler lists only the cases this address handles ("Mijn verzoeken", ?handler=me).
	Handler string
}

// deskQueryMax bounds a search text.
const deskQueryMax = 100

// ParseDeskFilter reads the overview's filters and search text, naming an unknown value.
func ParseDeskFilter(status, typ, query string) (DeskFilter, []request.FieldError) {
	var f DeskFilter
	var errs []request.FieldError
	if status = strings.TrimSpace(status); status != "" {
		f.Status = request.Status(status)
		if !f.Status.Valid() {
			errs = append(errs, request.FieldError{Field: "status", Code: "invalid"})
		}
	}
	if typ = strings.TrimSpace(typ); typ != "" {
		f.Type = request.Type(typ)
		if !f.Type.Valid() {
			errs = append(errs, request.FieldError{Field: "type", Code: "invalid"})
		}
	}
	f.Query = strings.Join(strings.Fields(query), " ")
	if len(f.Query) > deskQueryMax || strings.ContainsFunc(f.Query, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		errs = append(errs, request.FieldError{Field: "q", Code: "invalid"})
	}
	return f, errs
}

// searchReference reads a search text as a case reference ("PL-7K3M-Q9XD", also in lower case
// or without "PL-"); ok is false for any other text.
func searchReference(q string) (string, bool) {
	r := strings.ToUpper(strings.ReplaceAll(q, " ", ""))
	if !strings.HasPrefix(r, "PL-") {
		r = "PL-" + r
	}
	if len(r) != len("PL-XXXX-XXXX") || r[7] != '-' {
		return "", false
	}
	for i, c := range r[3:] {
		if i != 4 && !strings.ContainsRune(refAlphabet, c) {
			return "", false
		}
	}
	return r, true
}

// nameMatches reports whether the requester's name holds q, ignoring case and spacing.
func nameMatches(name, q string) bool {
	return q != "" && strings.Contains(strings.Join(strings.Fields(strings.ToLower(name)), " "), strings.ToLower(q))
}

// DeskCase is one case on the overview: an open one, or one found by its reference or in the
// list of finished cases.
type DeskCase struct {
	Reference string
	// Name is the requester's name (the subject's), for an open case only: a finished case
	// shows no personal data on the desk, as its StaffCase page shows none.
	Name            string
	Type            request.Type
	Status          request.Status
	Channel         request.Channel
	ReceivedAt      time.Time
	Received        civil.Date
	DueDate         civil.Date                  // zero while unconfirmed
	InternalDate    civil.Date                  // the internal target date (docs/rules.md §3); zero while unconfirmed
	SearchCounts    map[request.SearchState]int // the case's search tasks by state
	DaysLeft        int                         // calendar days to the due date; negative when overdue
	WorkingDaysLeft int                         // working days to the due date; negative when overdue
	Extended        bool
	WaitingOn       string
	// Handler is the staff address that handles the case; "" when no one does.
	Handler string
	Overdue bool
	// PastInternal: the internal target date has passed, the legal due date has not.
	PastInternal bool
	DueThisWeek  bool
	// LinkGeneration is the case's link generation: a StaffCase link minted for it carries it.
	LinkGeneration int
	// IdentityAskedOn is, while the case waits for the requester's proof of identity, the day
	// it was asked for; IdentityLate says the profile's reply term has passed without an answer.
	IdentityAskedOn civil.Date
	IdentityLate    bool
}

// DeskCounts are the figures at the top of the overview.
type DeskCounts struct {
	Open, DueThisWeek, Overdue, WaitingOnRequester int
	// IdentityLate cases wait for proof of identity past the profile's reply term.
	IdentityLate int
	// ToPost letters wait to be printed; ToPostLate of them since before today.
	ToPost, ToPostLate int
}

// DeskView is the overview: the open cases most urgent first, the letters to post, the counts.
type DeskView struct {
	Today  civil.Date
	Cases  []DeskCase
	ToPost []*outbox.Letter
	Counts DeskCounts
}

// Desk returns the overview as of now, filtered by f (the counts are of every open case).
func (s *Desk) Desk(ctx context.Context, f DeskFilter) (*DeskView, error) {
	return s.desk(ctx, f, s.d.Clock())
}

func (s *Desk) desk(ctx context.Context, f DeskFilter, now time.Time) (*DeskView, error) {
	cases, err := s.d.DeskStore.OpenCases(ctx, deskMaxCases)
	if err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	post, err := s.d.DeskStore.LettersToPost(ctx, deskMaxToPost)
	if err != nil {
		return nil, fmt.Errorf("letters to post: %w", err)
	}
	v := &DeskView{Today: deadline.DateIn(now), ToPost: post, Cases: []DeskCase{}}
	listed := cases
	if f.Status.Finished() {
		if listed, err = s.d.DeskStore.CasesIn(ctx, f.Status, deskMaxCases); err != nil {
			return nil, fmt.Errorf("cases %s: %w", f.Status, err)
		}
		slices.Reverse(listed) // the most recent first
	}
	ref, byRef := searchReference(f.Query)
	if byRef {
		// A reference finds its case whatever its status, so that staff reach a decided case.
		switch c, err := s.d.Cases.Case(ctx, ref); {
		case errors.Is(err, ErrNotFound):
			listed = nil
		case err != nil:
			return nil, fmt.Errorf("case %s: %w", ref, err)
		default:
			listed = []*request.Case{c}
		}
	}
	for _, c := range cases {
		dc := s.deskCase(c, v.Today)
		v.Counts.Open++
		if dc.Overdue {
			v.Counts.Overdue++
		}
		if dc.DueThisWeek {
			v.Counts.DueThisWeek++
		}
		if dc.WaitingOn == WaitingOnRequester {
			v.Counts.WaitingOnRequester++
		}
		if dc.IdentityLate {
			v.Counts.IdentityLate++
		}
	}
	for _, c := range listed {
		if byRef { // the case asked for, whatever the filters say
			v.Cases = append(v.Cases, s.deskCase(c, v.Today))
			continue
		}
		if f.Status != "" && f.Status != c.Status || f.Type != "" && f.Type != c.Type {
			continue
		}
		if f.Query != "" && (c.Status.Finished() || !nameMatches(c.Subject.Name, f.Query)) {
			continue
		}
		if f.Handler != "" && !strings.EqualFold(c.Handler, f.Handler) {
			continue
		}
		v.Cases = append(v.Cases, s.deskCase(c, v.Today))
	}
	v.Counts.ToPost = len(post)
	for _, l := range post {
		if deadline.DateIn(l.CreatedAt).Before(v.Today) {
			v.Counts.ToPostLate++
		}
	}
	return v, nil
}

func (s *core) deskCase(c *request.Case, today civil.Date) DeskCase {
	dc := DeskCase{Reference: c.Reference, Type: c.Type, Status: c.Status, Channel: ChannelOf(c),
		ReceivedAt: c.SubmittedAt, Received: c.Received, DueDate: c.DueDate, Extended: c.Extended,
		WaitingOn: WaitingOn(c), LinkGeneration: c.LinkGeneration, Handler: c.Handler,
		InternalDate: s.InternalDate(c), SearchCounts: c.SearchCounts()}
	if c.Status.Finished() {
		dc.WaitingOn = ""
		return dc
	}
	dc.Name = c.Subject.Name
	if c.Status == request.AwaitingIdentity && !c.Identity.AskedAt.IsZero() && !c.Identity.CopyHeld {
		dc.IdentityAskedOn = deadline.DateIn(c.Identity.AskedAt)
		dc.IdentityLate = !deadline.DateIn(s.identityReplyDue(c.Identity.AskedAt)).After(today)
	}
	if !c.DueDate.IsZero() {
		dc.DaysLeft = c.DueDate.DaysSince(today)
		dc.WorkingDaysLeft = s.workingDaysBetween(today, c.DueDate)
		dc.Overdue = dc.DaysLeft < 0
		dc.PastInternal = !dc.Overdue && dc.InternalDate.Before(today)
		// This week: the internal target date falls from today up to and including Sunday, or
		// has passed (docs/rules.md §3: the desk's "soon due" works from it).
		sunday := today.AddDays((7 - int(today.In(time.UTC).Weekday())) % 7)
		dc.DueThisWeek = !dc.Overdue && !dc.InternalDate.After(sunday)
	}
	return dc
}

// workingDaysBetween counts the working days after from up to and including to; negative when
// to lies before from.
func (s *core) workingDaysBetween(from, to civil.Date) int {
	n, sign := 0, 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if s.d.Calendar.IsWorkingDay(d) {
			n++
		}
	}
	return sign * n
}

// ChannelOf is how c reached the organisation: a request from the web form stores no channel.
func ChannelOf(c *request.Case) request.Channel {
	if c.Channel == "" {
		return request.ChannelWeb
	}
	return c.Channel
}

// WaitingOn says who must act next on an open case. A case whose requester sent the ID copy
// asked for waits on staff, who check it (the case page asks them to).
func WaitingOn(c *request.Case) string {
	switch c.Status {
	case request.AwaitingIdentity:
		if c.Identity.CopyHeld {
			return WaitingOnStaff
		}
		return WaitingOnRequester
	case request.AwaitingConfirmation:
		return WaitingOnRequester
	case request.AwaitingThirdParty:
		return WaitingOnThirdParty
	case request.AwaitingApproval:
		return WaitingOnApprover
	}
	if c.OpenSearches(request.PhaseSearch)+c.OpenSearches(request.PhaseCarryOut) > 0 {
		return WaitingOnSystemOwner
	}
	return WaitingOnStaff
}

// DuplicateError says that open cases look like the same person's; staff confirm to go ahead.
type DuplicateError struct{ References []string }

func (e *DuplicateError) Error() string {
	return "possible duplicate of " + strings.Join(e.References, ", ")
}

// IntakeResult is a registered request.
type IntakeResult struct {
	Case       *request.Case
	Duplicates []string // open cases of, it seems, the same person (noted on both)
}

// Intake registers a request that reached the organisation by phone, letter, at the counter or
// by plain e-mail. The case needs no e-mail confirmation: its clock runs from the day of
// receipt (a due date already past is kept, and shows as overdue), and the receipt goes out at
// once, by post when there is no e-mail address. An open case with the same e-mail address, or
// the same name and birth date, stops the intake with a *DuplicateError unless ConfirmDuplicate.
func (s *Desk) Intake(ctx context.Context, staff string, in request.Intake) (*IntakeResult, error) {
	now := s.d.Clock()
	today := deadline.DateIn(now)
	v, errs := in.Validate(today, deadline.AddMonths(today, -request.PastConfirmMonths))
	if !v.ReceivedOn.IsZero() && v.ReceivedOn.Before(deadline.AddMonths(today, -intakeMaxPastMonths)) {
		// Beyond a year the day is refused, confirmed or not: it sets the term of the request
		// and the report's figures, and a day that far back is a typing error or a back-dated
		// register (the event below keeps who entered which day).
		errs = slices.DeleteFunc(errs, func(e request.FieldError) bool { return e.Field == "receivedOn" })
		errs = append(errs, request.FieldError{Field: "receivedOn", Code: "too_old"})
	}
	if len(errs) > 0 {
		return nil, &ValidationError{Fields: errs}
	}
	dups, err := s.duplicates(ctx, v.Subject)
	if err != nil {
		return nil, err
	}
	if len(dups) > 0 && !in.ConfirmDuplicate {
		return nil, &DuplicateError{References: dups}
	}
	c := &request.Case{
		Type: v.Type, Lang: v.Lang, Channel: v.Channel, Subject: v.Subject, Relation: v.Relation,
		Details: v.Details, Proposed: v.Proposed, Motivation: v.Motivation, Reason: v.Reason, TransferTo: v.TransferTo, Representative: v.Representative,
		SubmittedAt: deadline.StartOfDay(v.ReceivedOn), ConfirmedAt: now, Received: v.ReceivedOn, UpdatedAt: now,
		Status: request.InProgress, Handler: s.defaultHandler(),
	}
	if v.ReceivedOn == today {
		c.SubmittedAt = now
	}
	if c.DueDate, err = s.d.Calendar.Due(s.d.Profile, c.Type, c.Received, 0); err != nil {
		return nil, fmt.Errorf("due date: %w", err)
	}
	askID := s.d.Profile.Identity.IDCopy == policy.IDCopyAlways
	if askID {
		c.Status, c.Identity.CopyRequired, c.Identity.AskedAt = request.AwaitingIdentity, true, now
		if s.d.Profile.Identity.SuspendClock {
			c.Identity.RequestedAt = now
		}
	}
	c.NextActionAt = s.nextAction(c, now)
	for attempt := 0; ; attempt++ {
		c.Reference = NewReference()
		_, to := c.Recipient()
		receipt := s.newLetter(c, letter.Receipt, to, "", now)
		receipt.DueDate = c.DueDate
		receipt.Data.ClockSuspended = !c.Identity.RequestedAt.IsZero()
		s.addLink(receipt, "status", "RequestStatus", linktoken.Status, "", "", now, s.d.Profile.Links.RequesterDays)
		letters := []*outbox.Letter{receipt}
		if askID {
			l := s.newLetter(c, letter.IDRequested, to, "confirm", now)
			l.Data.Reason = idReason(c.Lang)
			l.Data.ClockSuspended = !c.Identity.RequestedAt.IsZero()
			s.addLink(l, "upload", "UploadID", linktoken.Upload, "", "", now, s.d.Profile.Links.RequesterDays)
			letters = append(letters, l)
		}
		for _, addr := range s.staff {
			letters = append(letters, s.staffLetter(c, letter.StaffCase, addr, "", now))
		}
		// The report reads the status the case entered from the intake event (request.ActIntake);
		// the day of receipt staff claimed, which starts the term, is recorded beside it.
		events := []request.Event{{At: now, Actor: staff, Action: request.ActIntake, Detail: string(c.Status)},
			{At: now, Actor: staff, Action: request.ActReceivedOn, Detail: c.Received.String()}}
		if len(dups) > 0 {
			events = append(events, request.Event{At: now, Actor: staff, Action: request.ActPossibleDuplicate, Detail: strings.Join(dups, " ")})
		}
		ch := Change{Letters: letters, Events: events}
		s.retain(c)
		err := s.d.Cases.Submit(ctx, c, ch, nil)
		if errors.Is(err, ErrExists) && attempt < 3 {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.d.Logger.InfoContext(ctx, "request registered at the desk", "reference", c.Reference, "type", string(c.Type),
			"channel", string(c.Channel), "received_on", c.Received.String())
		s.publish(ctx, letters)
		break
	}
	for _, ref := range dups {
		_, err := s.update(ctx, ref, func(o *request.Case) (Change, error) {
			return Change{Events: []request.Event{{At: now, Actor: staff, Action: request.ActPossibleDuplicate, Detail: c.Reference}}}, nil
		})
		if err != nil {
			s.d.Logger.ErrorContext(ctx, "note duplicate failed", "reference", ref, "error", err)
		}
	}
	return &IntakeResult{Case: c, Duplicates: dups}, nil
}

// duplicates lists open cases with the same e-mail address, or the same name and birth date.
func (s *Desk) duplicates(ctx context.Context, p request.Person) ([]string, error) {
	open, err := s.d.DeskStore.OpenCases(ctx, deskMaxCases)
	if err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	name := strings.Join(strings.Fields(strings.ToLower(p.Name)), " ")
	var out []string
	for _, c := range open {
		o := c.Subject
		sameMail := p.Email != "" && strings.EqualFold(o.Email, p.Email)
		samePerson := name != "" && o.BirthDate == p.BirthDate && strings.Join(strings.Fields(strings.ToLower(o.Name)), " ") == name
		if sameMail || samePerson {
			out = append(out, c.Reference)
		}
	}
	return out, nil
}
