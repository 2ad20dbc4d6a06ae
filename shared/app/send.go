package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
)

// sendLease is how long one sender may hold a letter before another may take it over.
const sendLease = 2 * time.Minute

// relayQuiet is how long the relay leaves a tried letter to Pub/Sub's own retries with backoff.
const relayQuiet = 15 * time.Minute

// SendLetter sends the queued letter id together with the other letters of its case that can
// go now (the letters one change caused share one message), each exactly once: a letter
// already sent (or failed for good) is skipped, one held by another sender is retried later.
// It returns an error only where a retry can help; a permanent refusal is recorded on the
// letter. The outcomes are recorded together.
func (s *Mailroom) SendLetter(ctx context.Context, id string) error {
	if s.d.Mailer == nil {
		return errors.New("app: SendLetter needs a Mailer")
	}
	now := s.d.Clock()
	ls, err := s.d.Outbox.ClaimCaseLetters(ctx, id, now, now.Add(sendLease))
	switch {
	case errors.Is(err, ErrAlreadySent):
		s.d.Logger.InfoContext(ctx, "letter already handled", "letter_id", id)
		return nil
	case errors.Is(err, ErrNotFound):
		// The case was deleted (expiry, retention) or the id is garbage: nothing to retry.
		s.d.Logger.WarnContext(ctx, "letter not found; dropped", "letter_id", id)
		return nil
	case err != nil:
		return fmt.Errorf("claim letter %s: %w", id, err)
	}
	outcomes := make([]LetterOutcome, 0, len(ls))
	var retry error
	for _, l := range ls {
		if retry != nil {
			// The mail service is failing: the rest wait for the retry rather than each
			// waiting out its own timeout (which could outlast the lease).
			outcomes = append(outcomes, LetterOutcome{ID: l.ID, Status: outbox.Pending, Error: "not tried: " + retry.Error()})
			continue
		}
		o, err := s.sendOne(ctx, l)
		outcomes = append(outcomes, o)
		retry = err
	}
	if err := s.d.Outbox.FinishLetters(ctx, s.d.Clock(), outcomes); err != nil {
		if retry != nil {
			s.d.Logger.ErrorContext(ctx, "release letter failed", "letter_id", id, "error", err)
			return retry
		}
		return fmt.Errorf("record letters sent: %w", err)
	}
	return retry
}

// sendOne sends one claimed letter and says what became of it; the error is a transient
// failure, worth a retry.
func (s *Mailroom) sendOne(ctx context.Context, l *outbox.Letter) (LetterOutcome, error) {
	id := l.ID
	if l.To == "" {
		// No e-mail address: the letter waits on the desk to be printed and posted.
		s.d.Logger.InfoContext(ctx, "letter goes by post", "reference", l.Reference, "letter_id", id, "letter", string(l.Kind))
		return LetterOutcome{ID: id, Status: outbox.ToPost}, nil
	}
	m, err := s.Render(l)
	if err != nil {
		// A letter that cannot be rendered never will be: record it, do not retry.
		s.d.Logger.ErrorContext(ctx, "letter cannot be rendered", "reference", l.Reference, "letter_id", id, "letter", string(l.Kind), "error", err)
		return LetterOutcome{ID: id, Status: outbox.Failed, Error: "render: " + err.Error()}, nil
	}
	if err := s.d.Mailer.Send(ctx, m); err != nil {
		var perm *PermanentError
		if errors.As(err, &perm) {
			s.d.Logger.ErrorContext(ctx, "mail service refused letter", "reference", l.Reference, "letter_id", id, "letter", string(l.Kind), "error", err)
			return LetterOutcome{ID: id, Status: outbox.Failed, Error: err.Error()}, nil
		}
		return LetterOutcome{ID: id, Status: outbox.Pending, Error: err.Error()}, fmt.Errorf("send letter %s: %w", id, err)
	}
	s.d.Logger.InfoContext(ctx, "letter sent", "reference", l.Reference, "letter_id", id, "letter", string(l.Kind))
	return LetterOutcome{ID: id, Status: outbox.Sent}, nil
}

// Render turns a queued letter into the e-mail, signing its links now.
func (s *core) Render(l *outbox.Letter) (Mail, error) {
	d := l.Data
	d.Links = map[string]string{}
	for _, ln := range l.Links {
		tok, err := s.d.Signer.Sign(ln.Claims)
		if err != nil {
			return Mail{}, err
		}
		sep := "?"
		if strings.Contains(ln.Function, "?") { // a function with a view, e.g. the desk's report
			sep = "&"
		}
		if l.Lang == "en" { // the page opens in the letter's language (docs/contract.md §3)
			sep += "lang=en&"
		}
		d.Links[ln.Key] = s.d.BaseURL + "/" + ln.Function + sep + "token=" + url.QueryEscape(tok)
	}
	msg, err := letter.Render(l.Kind, l.Lang, d)
	if err != nil {
		return Mail{}, err
	}
	args := map[string]string{"letter": string(l.Kind)}
	if l.Reference != "" { // letters about no single case carry no reference (docs/contract.md §5)
		args["reference"] = l.Reference
	}
	if !l.DueDate.IsZero() {
		args["dueDate"] = l.DueDate.String()
	}
	if sr := l.Data.Search; sr != nil && sr.System != "" {
		args["system"] = sr.System // a search task's letters name their system (docs/contract.md §3)
	}
	o := s.d.Profile.Organisation
	return Mail{
		FromEmail: o.SenderEmail, FromName: o.SenderName, To: l.To,
		Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML,
		Categories: []string{string(l.Kind)}, CustomArgs: args,
	}, nil
}

// RenderForPost writes a letter by post: the e-mail's subject and text in their by-post words
// (letter.Data.ByPost), which name no e-mail and no link but how to call, write or visit. The
// organisation's contact is today's, as on the printed sender block.
func (s *core) RenderForPost(l *outbox.Letter) (subject, text string, err error) {
	d := l.Data
	d.ByPost, d.Links, d.LinksExpire = true, nil, civil.Date{}
	org := s.org()
	d.Org.PostalAddress, d.Org.Phone, d.Org.VisitingAddress = org.PostalAddress, org.Phone, org.VisitingAddress
	msg, err := letter.Render(l.Kind, l.Lang, d)
	if err != nil {
		return "", "", err
	}
	return msg.Subject, msg.Text, nil
}

// RelayOutbox republishes letters that stayed pending, e.g. because a publish failed after the
// transaction committed or the mail service was down. SendLetter's claim keeps it exactly-once.
func (s *Sweep) RelayOutbox(ctx context.Context, now time.Time) (int, error) {
	ids, err := s.d.Outbox.PendingLetters(ctx, now.Add(-time.Minute), now.Add(-relayQuiet), 500)
	if err != nil {
		return 0, fmt.Errorf("pending letters: %w", err)
	}
	for _, id := range ids {
		if err := s.d.Publisher.Publish(ctx, TopicMail, outbox.Message{LetterID: id}.Encode()); err != nil {
			return 0, fmt.Errorf("republish %s: %w", id, err)
		}
	}
	return len(ids), nil
}
