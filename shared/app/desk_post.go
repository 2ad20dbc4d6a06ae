package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Letters by post at the desk: marking one posted, its print-ready page (with the access result
// on paper for a result_ready letter), and the case export for the staff member holding a case
// link.

// MarkPosted records that staff printed and posted a letter; the posting date counts as the
// day it was sent. A letter that is not a postable letter of this organisation is a
// *ValidationError on letterId; one posted before is ErrAlreadyPosted.
func (s *Desk) MarkPosted(ctx context.Context, staff, id string) (*outbox.Letter, error) {
	bad := &ValidationError{Fields: []request.FieldError{{Field: "letterId", Code: "invalid"}}}
	if id = strings.TrimSpace(id); id == "" {
		return nil, &ValidationError{Fields: []request.FieldError{{Field: "letterId", Code: "required"}}}
	}
	now := s.d.Clock()
	l, err := s.d.DeskStore.MarkPosted(ctx, id, now)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrNotPostable):
		return nil, bad
	case err != nil:
		return nil, err
	}
	if l.Reference != "" {
		_, err := s.update(ctx, l.Reference, func(c *request.Case) (Change, error) {
			events := []request.Event{{At: now, Actor: staff, Action: request.ActLetterPosted, Detail: string(l.Kind)}}
			if l.Kind == letter.ResultReady {
				// The data on paper is posted: that provides it, as a download does by e-mail.
				// The package then lives as long as a result link would have from today.
				events = append(events, request.Event{At: now, Actor: staff, Action: request.ActResultPosted})
				if c.Result != nil {
					if exp := s.resultExpiry(now); exp.Before(c.Result.ExpiresAt) {
						c.Result.ExpiresAt = exp
						c.NextActionAt = s.nextAction(c, now)
					}
				}
			}
			return Change{Events: events}, nil
		})
		if err != nil && !errors.Is(err, ErrNotFound) {
			s.d.Logger.ErrorContext(ctx, "note posted letter failed", "reference", l.Reference, "error", err)
		}
	}
	return l, nil
}

// paperResultDays is how long an access result by post is kept before it is posted: the
// longest a result link may live (policy: links.resultDays). Posting shortens it to the
// profile's result term from that day (MarkPosted).
const paperResultDays = 31

func paperResultExpiry(now time.Time) time.Time { return local(now).AddDate(0, 0, paperResultDays) }

// PrintView is a letter by post as a print-ready A4 page.
type PrintView struct {
	Letter        *outbox.Letter
	OrgName       string
	OrgAddress    []string // the sender's postal address, one line per line
	RecipientName string
	// RecipientAddress is the postal address, for the window of the envelope.
	RecipientAddress string
	Date             civil.Date
	Subject          string
	Text             string // the e-mail's text, links replaced by what to do without a computer
	// Result is, for an access result by post (result_ready), the data to print after the
	// covering text; nil for every other letter.
	Result *PaperResult
}

// PaperResult is an access result on paper: the organisation's data and Privacyloket's own
// records from the package, and the information of GDPR 15(1) the README carries.
type PaperResult struct {
	*accessresult.Paper
	Info      *letter.AccessInfo
	Generated civil.Date
}

// PostLetter returns a letter that goes by post, ready to print. ErrNotFound when id is not a
// letter by post of a case of this organisation.
func (s *Desk) PostLetter(ctx context.Context, id string) (*PrintView, error) {
	c, l, err := s.postLetterOf(ctx, id)
	if err != nil {
		return nil, err
	}
	subject, text, err := s.RenderForPost(l)
	if err != nil {
		return nil, err
	}
	name, _ := c.Recipient()
	address := c.Subject.Address
	if l.Kind == letter.ThirdPartyConsultation && c.ThirdParty != nil {
		name, address = c.ThirdParty.Name, c.ThirdParty.Address // a consultation by post (docs/rules.md §4)
	}
	if n := l.Data.Correction; l.Kind == letter.CorrectionNotice && n != nil {
		name, address = n.Recipient, n.RecipientAddress // a notice of GDPR 19 by post (art19.go)
	}
	day := deadline.DateIn(s.d.Clock())
	if l.Status == outbox.Posted {
		day = deadline.DateIn(l.SentAt)
	}
	v := &PrintView{Letter: l, OrgName: s.d.Profile.Organisation.Name, OrgAddress: s.d.Profile.Organisation.PostalAddress,
		RecipientName: name, RecipientAddress: address, Date: day, Subject: subject, Text: text}
	if l.Kind == letter.ResultReady {
		if v.Result, err = s.paperResult(ctx, c); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// PostLetterFor is PostLetter for staff member staff. An access result by post shows all of
// the requester's data, so opening it is an event of the case (who, when), as a view of the
// ID copy is.
func (s *Desk) PostLetterFor(ctx context.Context, staff, id string) (*PrintView, error) {
	v, err := s.PostLetter(ctx, id)
	if err != nil || v.Result == nil {
		return v, err
	}
	now := s.d.Clock()
	_, err = s.update(ctx, v.Letter.Reference, func(c *request.Case) (Change, error) {
		return Change{Events: []request.Event{{At: now, Actor: staff, Action: request.ActResultViewed}}}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("note result viewed: %w", err)
	}
	return v, nil
}

// ExportCaseFor is ExportCase for the staff member holding link by to case ref (the StaffCase
// page's export): the link is checked against the case in the transaction that records the
// export, as for any other use of it, and a link that no longer works is ErrLinkRevoked.
func (s *Desk) ExportCaseFor(ctx context.Context, ref string, by StaffLink) (report.Export, error) {
	now := s.d.Clock()
	c, events, ls, err := s.updateParts(ctx, ref, func(c *request.Case) (Change, error) {
		if err := s.checkLink(c, by); err != nil {
			return Change{}, err
		}
		return Change{Events: []request.Event{{At: now, Actor: by.Holder, Action: request.ActExported}}}, nil
	})
	if err != nil {
		return report.Export{}, err
	}
	letters := make([]outbox.Letter, len(ls))
	for i, l := range ls {
		letters[i] = *l
	}
	return report.ExportCase(report.FactsOf(c, ChannelOf(c), events), events, letters), nil
}

// ErrResultGone: the access package of a result by post was deleted before it was printed.
var ErrResultGone = errors.New("app: the access result is no longer stored")

// paperResult opens the case's access package for printing.
func (s *Desk) paperResult(ctx context.Context, c *request.Case) (*PaperResult, error) {
	if c.Result == nil {
		return nil, ErrResultGone
	}
	if s.d.Sealer == nil {
		return nil, errors.New("app: a result by post needs a Sealer")
	}
	// ReadPaper reads the stored package's list, the files it prints and, as far as they
	// print, the extracts.
	rc, err := s.openSealed(s.d.Blobs.AccessPackage(ctx, c.Reference, c.Result.Key), resultAAD(c.Reference))
	if err == nil {
		defer rc.Close()
	}
	var p *accessresult.Paper
	if err == nil {
		p, err = accessresult.ReadPaper(rc, s.extractOpener(ctx, c.Reference))
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, ErrResultGone
	case err != nil:
		return nil, fmt.Errorf("read access package of %s: %w", c.Reference, err)
	}
	particular := ""
	if c.Decision != nil {
		particular = c.Decision.AccessInfo
	}
	return &PaperResult{Paper: p, Info: s.accessInfo(c, particular), Generated: deadline.DateIn(c.Result.StoredAt)}, nil
}

// postLetterOf is the letter by post id (to print, or printed) with its case; ErrNotFound when
// id is no such letter of a case of this organisation.
func (s *Desk) postLetterOf(ctx context.Context, id string) (*request.Case, *outbox.Letter, error) {
	ref, ok := referenceOf(id)
	if !ok {
		return nil, nil, ErrNotFound
	}
	c, _, ls, err := s.caseParts(ctx, ref)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(ls, func(l *outbox.Letter) bool { return l.ID == id })
	if i < 0 || ls[i].To != "" || (ls[i].Status != outbox.ToPost && ls[i].Status != outbox.Posted) {
		return nil, nil, ErrNotFound
	}
	return c, ls[i], nil
}

// referenceOf reads the case reference from a letter id ("PL-XXXX-XXXX-<kind>-<hash>").
func referenceOf(id string) (string, bool) {
	if len(id) < 13 || !strings.HasPrefix(id, "PL-") || id[12] != '-' {
		return "", false
	}
	return id[:12], true
}
