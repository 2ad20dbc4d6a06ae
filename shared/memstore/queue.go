package memstore

import (
	"context"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
)

// QueueLetter implements app.LetterQueue: a letter about no case, stored once (ErrExists when
// its id is taken), kept until its own RetainUntil.
func (s *Store) QueueLetter(ctx context.Context, l *outbox.Letter) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stored, err := storedLetters([]*outbox.Letter{l})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.letters[l.ID]; ok {
		return app.ErrExists
	}
	stored[0].RetainUntil = stamp(l.RetainUntil)
	s.letters[l.ID] = stored[0]
	return nil
}
