package firestoredb

import (
	"context"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
)

// QueueLetter implements app.LetterQueue: a letter about no case, created once (ErrExists when
// its id is taken), with its own RetainUntil as its TTL.
func (s *Store) QueueLetter(ctx context.Context, l *outbox.Letter) error {
	d, err := toLetterDoc(l)
	if err != nil {
		return err
	}
	if !l.RetainUntil.IsZero() {
		d.ExpireAt = ptr(l.RetainUntil)
	}
	_, err = s.c.Collection(colLetters).Doc(l.ID).Create(ctx, d)
	if status.Code(err) == codes.AlreadyExists {
		return app.ErrExists
	}
	if err != nil {
		return fmt.Errorf("queue letter %s: %w", l.ID, err)
	}
	return nil
}
