package app_test

import (
	"context"
	"sync"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// countingPublisher counts the messages on the mail topic before passing them on.
type countingPublisher struct {
	app.Publisher
	mu   sync.Mutex
	mail int
}

func (p *countingPublisher) Publish(ctx context.Context, topic string, data []byte) error {
	if topic == app.TopicMail {
		p.mu.Lock()
		p.mail++
		p.mu.Unlock()
	}
	return p.Publisher.Publish(ctx, topic, data)
}

func (p *countingPublisher) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mail
}

// The letters one change of a case causes share one message: its sender sends them all, each
// once, also when the mail service fails on one of them for a moment.
func TestLettersOfOneChangeGoTogether(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: idAlways})
		pub := &countingPublisher{Publisher: s.Deps.Publisher}
		s.Rebuild(t, func(d *app.Deps) { d.Publisher = pub })
		email := "together@tenant.test"
		c, err := s.App.Intake.Submit(ctx, access(email), app.Client{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.Mail.Await(t, "confirm_email", email, c.Reference)
		before, calls := pub.count(), s.Mail.Calls()
		s.Mail.FailNext(503) // the first of the three letters confirming causes
		if _, err := s.App.Intake.Confirm(ctx, c.Reference); err != nil {
			t.Fatal(err)
		}
		s.Mail.Await(t, "receipt", email, c.Reference)
		s.Mail.Await(t, "id_requested", email, c.Reference)
		s.Mail.Await(t, "staff_case", "staff@corp.test", c.Reference)
		if got := pub.count() - before; got != 1 {
			t.Errorf("messages for the three letters of one change: %d, want 1", got)
		}
		// The first call fails: the other two wait for the retry instead of being tried
		// against a failing service, and then all three go.
		if got := s.Mail.Calls() - calls; got != 4 {
			t.Errorf("mail service calls: %d, want 4 (one failure, then three letters)", got)
		}
		// The sender records the outcomes after the mail service has taken the letters.
		settle(t, s, c.Reference)
		// Delivering the message again sends nothing again.
		letters, err := s.Store.Letters(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range letters {
			if l.Status != outbox.Sent {
				t.Errorf("%s: %s, want sent", l.Kind, l.Status)
			}
			// The three were claimed together twice: tried, or left untried, then sent.
			if l.Kind != "confirm_email" && l.Attempts != 2 {
				t.Errorf("%s: %d attempts, want 2", l.Kind, l.Attempts)
			}
			if err := s.App.Mailroom.SendLetter(ctx, l.ID); err != nil {
				t.Fatal(err)
			}
		}
		if got := s.Mail.Calls() - calls; got != 4 {
			t.Errorf("mail service calls after redelivery: %d, want still 4", got)
		}
	})
}
