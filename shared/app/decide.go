package app

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// maxRecipients bounds the third parties informed after one correction.
const maxRecipients = 20

func validEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && strings.Contains(v[strings.LastIndex(v, "@")+1:], ".")
}

// validateDecision checks a decide action for a case of type t. A refusal or limitation is
// always motivated and names a ground that fits the type (docs/rules.md §4–5): a refusal never
// borrows a ground that is not the real reason. A complaint is not a right that can be
// restricted: its decision is always motivated and never names a ground.
func (in StaffInput) validateDecision(t request.Type) []request.FieldError {
	var errs []request.FieldError
	add := func(f, code string) { errs = append(errs, request.FieldError{Field: f, Code: code}) }
	outcome := request.Outcome(in.Outcome)
	if !outcome.Valid() {
		add("outcome", "invalid")
	}
	limited := outcome.Limited()
	if (limited || t == request.Complaint) && strings.TrimSpace(in.Motivation) == "" {
		add("motivation", "required")
	}
	if len(in.Motivation) > 5000 {
		add("motivation", "too_long")
	}
	ground := request.Ground(in.Ground)
	switch {
	case in.Ground != "" && !ground.Valid():
		add("ground", "invalid")
	case in.Ground != "" && t == request.Complaint:
		add("ground", "ground_complaint")
	case in.Ground != "" && !ground.Fits(t):
		add("ground", "ground_type")
	case in.Ground != "" && outcome == request.Granted:
		add("ground", "ground_granted")
	case ground.Partial() && outcome == request.Refused:
		add("ground", "ground_partial")
	case limited && t != request.Complaint && in.Ground == "":
		add("ground", "required")
	}
	switch {
	case ground == request.Accurate && strings.TrimSpace(in.Evidence) == "":
		// The requester learns what would change the decision (CJEU C-247/23).
		add("evidence", "required")
	case (ground == request.Excessive || ground == request.ManifestlyUnfounded) && ground.Fits(t) && strings.TrimSpace(in.Evidence) == "":
		// An abuse of the right is shown, not asserted: the letter states the facts that show
		// it (CJEU C-526/24), and the approver reads them (docs/rules.md §8).
		add("evidence", "required")
	case len(in.Evidence) > 5000:
		add("evidence", "too_long")
	}
	if (t == request.Access || t == request.Portability) && (outcome == request.Granted || outcome == request.PartlyGranted) && len(in.ResultFile) == 0 {
		add("resultFile", "required")
	}
	if len(in.Recipients)+len(in.RecipientAddresses) > maxRecipients {
		add("recipients", "invalid")
	}
	// Each recipient is an e-mail address or an organisation of the register (art19.go).
	if len(in.RecipientsNote) > 5000 {
		add("recipientsNote", "too_long")
	}
	if len(in.CorrectionSummary) > 5000 {
		add("correctionSummary", "too_long")
	}
	if len(in.AccessInfo) > 5000 {
		add("accessInfo", "too_long")
	}
	correcting := request.Corrects(t) && (outcome == request.Granted || outcome == request.PartlyGranted)
	if correcting {
		// The recipients are told only what staff write was actually changed (docs/rules.md §4).
		named := len(in.recipientEntries()) > 0
		if named && strings.TrimSpace(in.CorrectionSummary) == "" {
			add("correctionSummary", "required")
		}
		// GDPR 19: who was informed, why not, or (ticked by staff) that no one had the data.
		switch {
		case in.NoRecipients && named:
			add("noRecipients", "invalid")
		case !in.NoRecipients && !named && strings.TrimSpace(in.RecipientsNote) == "":
			add("recipients", "recipients_missing") // not "required": the note or the tick also do
		}
	}
	return errs
}

// feePattern is an amount in euros: "12", "12,50" or "12.50".
var feePattern = regexp.MustCompile(`^[0-9]{1,3}([.,][0-9]{2})?$`)

// validateFee checks a fee on a decision: every request under GDPR 15-22 is free, and a
// complaint too; a reasonable fee only where the profile charges one, on a request that is
// not refused, for a manifestly unfounded or excessive request (12(5)(a)) or a further copy
// of the data (15(3), access only), announced in the decision (docs/rules.md §4).
func (s *Casework) validateFee(c *request.Case, in StaffInput) []request.FieldError {
	if in.Action != request.ActDecide || in.Fee == "" && in.FeeBasis == "" {
		return nil
	}
	var errs []request.FieldError
	add := func(f, code string) { errs = append(errs, request.FieldError{Field: f, Code: code}) }
	switch {
	case !s.d.Profile.Fees.ReasonableFee || c.Type == request.Complaint:
		add("fee", "fee_not_allowed")
		return errs
	case request.Outcome(in.Outcome) == request.Refused:
		add("fee", "fee_refused")
	case !feePattern.MatchString(in.Fee) || strings.Trim(in.Fee, "0.,") == "":
		add("fee", "invalid")
	}
	switch request.FeeBasis(in.FeeBasis) {
	case request.FeeExcessive:
	case request.FeeFurtherCopy:
		if c.Type != request.Access {
			add("feeBasis", "invalid")
		}
	case "":
		add("feeBasis", "required")
	default:
		add("feeBasis", "invalid")
	}
	return errs
}

// prepared is the work a decision does before its transaction: the access package is built
// and stored sealed first (it may exceed a transaction), and removed if the decision fails.
type prepared struct {
	stored bool
	size   int
	// key is this attempt's own blob key: two concurrent decides each store their package,
	// the one that commits records its key, and the other deletes only its own.
	key string
	// expires is when the package goes: a result by post lives until it is printed and posted.
	expires time.Time
	// extracts counts the search extracts the package holds (searchesUnchanged).
	extracts int
}

func (s *Casework) prepareDecision(ctx context.Context, c *request.Case, events []request.Event, letters []*outbox.Letter, in StaffInput, now time.Time) (*prepared, error) {
	p := &prepared{}
	if (c.Type != request.Access && c.Type != request.Portability) || (len(in.ResultFile) == 0 && len(c.Searches) == 0) || request.Outcome(in.Outcome) == request.Refused {
		return p, nil
	}
	if !request.Allowed(request.ActDecide, c.Status) {
		return nil, fmt.Errorf("decide in %s: %w", c.Status, ErrNotAllowed)
	}
	if s.d.Sealer == nil {
		return nil, errors.New("app: an access result needs a Sealer")
	}
	var res *accessresult.Result
	var err error
	if len(in.ResultFile) > 0 { // beside the search extracts, staff's own result file is optional
		err = readTable(ctx, func() (err error) {
			res, err = accessresult.Parse(in.ResultFile)
			return err
		})
	}
	switch {
	case errors.Is(err, idcheck.ErrBusy):
		return nil, err
	case errors.Is(err, accessresult.ErrTooManyCells):
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "resultFile", Code: "too_many_cells"}}}
	case errors.Is(err, accessresult.ErrTooLarge):
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "resultFile", Code: "too_long"}}}
	case err != nil:
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "resultFile", Code: "result_file"}}}
	}
	own := s.ownRecords(c, events, letters)
	a := s.d.Profile.AccessInfo
	subject := ""
	if c.Representative != nil {
		subject = c.Subject.Name // the README speaks to the representative about the person represented
	}
	text := func(t policy.Text) accessresult.Text {
		return accessresult.Text{NL: t.For("nl", subject), EN: t.For("en", subject)}
	}
	info := accessresult.Info{Purposes: text(a.Purposes), Categories: text(a.Categories), Recipients: text(a.Recipients),
		Retention: text(a.Retention), Source: text(a.Source), AutomatedDecisions: text(a.AutomatedDecisions),
		Particular: strings.TrimSpace(in.AccessInfo), Subject: subject}
	if err := s.storePackage(ctx, c, events, res, own, info, p, now); err != nil {
		return nil, err
	}
	return p, nil
}

// resultAAD binds a sealed package to its case and keeps it apart from the ID copy.
func resultAAD(ref string) string { return ref + "#access-result" }

func (s *core) resultExpiry(now time.Time) time.Time {
	days := s.d.Profile.Links.ResultDays
	if days <= 0 {
		days = 14
	}
	return local(now).AddDate(0, 0, days)
}

// ownRecords is what Privacyloket itself keeps about the requester: it is part of the answer to
// an access request too. Staff are named by role, not by address. events and letters are the
// case's, read with it.
func (s *Casework) ownRecords(c *request.Case, events []request.Event, letters []*outbox.Letter) accessresult.Own {
	own := accessresult.Own{
		Reference: c.Reference, RequestType: string(c.Type), Status: string(c.Status), Lang: c.Lang,
		ReceivedOn: c.Received.String(), DueDate: c.DueDate.String(),
		Requests: []accessresult.OwnRequest{{Reference: c.Reference, Type: string(c.Type), Status: string(c.Status), ReceivedOn: c.Received.String()}},
		Subject: map[string]string{"name": c.Subject.Name, "email": c.Subject.Email, "birthDate": c.Subject.BirthDate.String(),
			"phone": c.Subject.Phone, "address": c.Subject.Address, "relation": string(c.Relation)},
	}
	if c.Identity.Outcome != "" {
		own.Subject["identityCheck"] = strings.TrimSpace(string(c.Identity.Outcome) + " " + string(c.Identity.Method) + " " + string(c.Identity.DocumentType))
	}
	_, to := c.Recipient()
	for _, l := range sortLetters(letters) {
		if l.To == to {
			own.Letters = append(own.Letters, accessresult.OwnLetter{Kind: string(l.Kind), At: l.CreatedAt.UTC().Format(time.RFC3339), Status: string(l.Status)})
		}
	}
	for _, e := range events {
		if e.Action == request.ActNote {
			// An internal note is disclosed only as the privacy officer decides, when they
			// answer the search task of the Privacyloket system: never by itself.
			continue
		}
		actor := e.Actor
		if actor != "requester" && actor != "system" && actor != "third_party" {
			actor = "staff"
		}
		own.Events = append(own.Events, accessresult.OwnEvent{At: e.At.UTC().Format(time.RFC3339), Actor: actor, Action: string(e.Action)})
	}
	return own
}

// decide records the decision on c and returns the letters it causes: the decision to the
// requester, the result link for access, and a correction notice to each recipient staff
// confirmed (GDPR 19, art19.go).
func (s *core) decide(c *request.Case, staff string, in StaffInput, pre *prepared, now time.Time) []*outbox.Letter {
	d := &request.Decision{Outcome: request.Outcome(in.Outcome), Motivation: strings.TrimSpace(in.Motivation), Ground: request.Ground(in.Ground),
		RecipientsNote: strings.TrimSpace(in.RecipientsNote), AccessInfo: strings.TrimSpace(in.AccessInfo), DecidedBy: staff, DecidedAt: now}
	if d.Ground == request.Accurate || d.Ground == request.Excessive || d.Ground == request.ManifestlyUnfounded {
		d.Evidence = strings.TrimSpace(in.Evidence)
	}
	if in.Fee != "" {
		d.Fee, d.FeeBasis = strings.ReplaceAll(in.Fee, ".", ","), request.FeeBasis(in.FeeBasis)
	}
	correcting := request.Corrects(c.Type) && d.Outcome != request.Refused
	if correcting {
		d.Recipients, d.NoRecipients, d.CorrectionSummary = s.confirmedRecipients(in.recipientEntries()), in.NoRecipients, strings.TrimSpace(in.CorrectionSummary)
	}
	if tp := c.ThirdParty; tp != nil && tp.Answer == request.ThirdPartyPending {
		// Decided before the third party answered: their data counts as masked (docs/contract.md §3).
		tp.Mask = true
	}
	c.Decision = d
	_, to := c.Recipient()
	informed, unchanged, notices := s.art19Letters(c, d, now)
	l := s.newLetter(c, letter.Decision, to, "", now)
	l.Data.Decision = &letter.DecisionInfo{Outcome: d.Outcome, Motivation: d.Motivation, Ground: d.Ground, Evidence: d.Evidence, Fee: d.Fee, FeeBasis: d.FeeBasis,
		Recipients: informed, RecipientsNote: d.RecipientsNote, NoRecipients: d.NoRecipients, Unchanged: unchanged,
		ThirdPartyMasked: c.ThirdParty != nil && c.ThirdParty.Mask}
	if c.Type == request.Access && d.Outcome != request.Refused {
		l.Data.Decision.AccessInfo = s.accessInfo(c, d.AccessInfo)
	}
	// Portability to the organisation the requester named (GDPR 20(2)), once staff confirmed
	// its address: it gets the download link, and the requester is told.
	transfer := c.Type == request.Portability && d.Outcome != request.Refused && c.TransferTo != "" && in.TransferConfirmed && pre != nil && pre.stored
	if c.Type == request.Portability && d.Outcome != request.Refused {
		l.Data.Decision.TransferTo, l.Data.Decision.TransferSent = c.TransferTo, transfer
	}
	out := []*outbox.Letter{l}
	if pre != nil && pre.stored {
		c.Result = &request.Result{Key: pre.key, StoredAt: now, ExpiresAt: pre.expires, Size: pre.size}
		r := s.newLetter(c, letter.ResultReady, to, "", now)
		if to == "" {
			// By post: no download link; the desk prints the data itself (PostLetter), and the
			// decision says it comes on paper.
			r.Data.ByPost, l.Data.ByPost = true, true
		} else {
			r.Links = append(r.Links, outbox.Link{Key: "download", Function: "DownloadResult", Claims: linktoken.Claims{
				Purpose: linktoken.Download, Reference: c.Reference, Expires: c.Result.ExpiresAt.Unix()}})
			r.Data.LinksExpire = deadline.DateIn(c.Result.ExpiresAt)
		}
		out = append(out, r)
		if transfer {
			t := s.newLetter(c, letter.PortabilityTransfer, c.TransferTo, "", now)
			t.Lang, t.Data.RecipientName, t.Data.Representative, t.Data.Org = "nl", "", nil, s.orgIn("nl")
			t.Data.Transfer = &letter.TransferInfo{SubjectName: c.Subject.Name}
			t.Links = append(t.Links, outbox.Link{Key: "download", Function: "DownloadResult", Claims: linktoken.Claims{
				Purpose: linktoken.Download, Reference: c.Reference, Subject: c.TransferTo, Expires: c.Result.ExpiresAt.Unix()}})
			t.Data.LinksExpire = deadline.DateIn(c.Result.ExpiresAt)
			out = append(out, t)
		}
	}
	return append(out, notices...)
}

// accessInfo is the profile's standard GDPR 15(1) answer in c's language, spoken to the data
// subject or, where a representative reads it, about the person represented, with what staff
// added.
func (s *core) accessInfo(c *request.Case, particular string) *letter.AccessInfo {
	a, lang, subject := s.d.Profile.AccessInfo, c.Lang, ""
	if c.Representative != nil {
		subject = c.Subject.Name
	}
	in := func(t policy.Text) string { return t.For(lang, subject) }
	return &letter.AccessInfo{Purposes: in(a.Purposes), Categories: in(a.Categories), Recipients: in(a.Recipients),
		Retention: in(a.Retention), Source: in(a.Source), AutomatedDecisions: in(a.AutomatedDecisions), Particular: particular}
}

// consult records the third party and returns their letter: the nature of the request only,
// never the requester's details, and the term to object (docs/rules.md §4).
func (s *Casework) consult(c *request.Case, in StaffInput, now time.Time) *outbox.Letter {
	days := s.d.Profile.ThirdParty.ObjectionDays
	c.ThirdParty = &request.ThirdParty{Name: strings.TrimSpace(in.ThirdPartyName), Email: strings.ToLower(in.ThirdPartyEmail),
		Address: strings.TrimSpace(in.ThirdPartyAddress), AskedAt: now, ObjectionDue: deadline.DateIn(now).AddDays(days)}
	l := s.newLetter(c, letter.ThirdPartyConsultation, c.ThirdParty.Email, now.Format(time.RFC3339Nano), now)
	l.Lang, l.Data.RecipientName, l.Data.Representative = "nl", c.ThirdParty.Name, nil
	l.Data.Org = s.orgIn("nl")
	l.Data.ThirdParty = &letter.ThirdPartyInfo{ObjectionDays: days, ObjectionDue: c.ThirdParty.ObjectionDue, StateTerm: s.d.Profile.ThirdParty.StateTermInLetter}
	l.DueDate = c.ThirdParty.ObjectionDue // custom_args.dueDate: the end of their term to object (docs/contract.md §5)
	if c.ThirdParty.Email == "" {
		// By post (docs/rules.md §4): the letter waits on the desk; the answer comes by phone,
		// letter or at the counter, and staff record it (third_party_done).
		l.Data.ByPost = true
		return l
	}
	linkDays := s.d.Profile.Links.ThirdPartyDays
	if linkDays < days+1 {
		linkDays = days + 1
	}
	s.addLink(l, "third_party", "ThirdPartyResponse", linktoken.ThirdParty, c.ThirdParty.Email, "", now, linkDays)
	return l
}

// ConsultationTooLate reports whether a third party's term ends on or after the requester's due
// date: the staff page warns, because the answer would come too late to use.
func ConsultationTooLate(c *request.Case) bool {
	return c.ThirdParty != nil && !c.DueDate.IsZero() && !c.ThirdParty.ObjectionDue.Before(c.DueDate)
}

// ThirdPartyAnswer records a consulted third party's answer. An objection means their data is
// masked in what is disclosed. The case returns to staff.
func (s *Intake) ThirdPartyAnswer(ctx context.Context, ref, email, answer, comment string) (*request.Case, error) {
	a := request.ThirdPartyAnswer(answer)
	if a != request.ThirdPartyAgrees && a != request.ThirdPartyObjects {
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "decision", Code: "invalid"}}}
	}
	if len(comment) > 5000 {
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "comment", Code: "too_long"}}}
	}
	now := s.d.Clock()
	return s.update(ctx, ref, func(c *request.Case) (Change, error) {
		tp := c.ThirdParty
		if tp == nil || !strings.EqualFold(tp.Email, email) || tp.Answer != "" {
			return Change{}, &NotAllowedError{Reason: "third_party_done"}
		}
		st, err := request.Next(request.ActThirdPartyDone, c.Status, "")
		if c.Status == request.AwaitingApproval && c.Approval != nil && c.Approval.From == request.AwaitingThirdParty {
			// A drafted decision waits: the answer is recorded and shown to the approver; a
			// return puts the case back where it was (docs/contract.md §3).
			st, err = c.Status, nil
		}
		if err != nil {
			return Change{}, &NotAllowedError{Reason: "third_party_done"}
		}
		tp.Answer, tp.Comment, tp.AnsweredAt, tp.Mask = a, strings.TrimSpace(comment), now, a == request.ThirdPartyObjects
		c.Status, c.UpdatedAt = st, now
		c.NextActionAt = s.nextAction(c, now)
		action := request.ActThirdPartyAgree
		if tp.Mask {
			action = request.ActThirdPartyObject
		}
		return Change{Events: []request.Event{{At: now, Actor: "third_party", Action: action}}}, nil
	})
}
