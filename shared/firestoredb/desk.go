package firestoredb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cloud.google.com/go/civil"
	"cloud.google.com/go/firestore"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"google.golang.org/api/iterator"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// OpenCases implements app.DeskStore with two indexed queries: the cases whose clock runs by
// (status, dueDate), then the unconfirmed ones by (status, submittedAt).
func (s *Store) OpenCases(ctx context.Context, limit int) ([]*request.Case, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	out, err := s.cases(ctx, s.c.Collection(colCases).Where("status", "in", running).OrderBy("dueDate", firestore.Asc).Limit(limit))
	if err != nil || len(out) >= limit {
		return out, err
	}
	more, err := s.cases(ctx, s.c.Collection(colCases).Where("status", "==", string(request.AwaitingConfirmation)).
		OrderBy("submittedAt", firestore.Asc).Limit(limit-len(out)))
	return append(out, more...), err
}

// running are the statuses in which a case's clock runs.
var running = []string{string(request.AwaitingIdentity), string(request.InProgress), string(request.AwaitingThirdParty), string(request.AwaitingApproval)}

// RunningCases implements app.DeskStore on the (status, dueDate) index.
func (s *Store) RunningCases(ctx context.Context, dueBy civil.Date, limit int) ([]*request.Case, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.cases(ctx, s.c.Collection(colCases).Where("status", "in", running).Where("dueDate", "<=", dueBy.String()).
		OrderBy("dueDate", firestore.Asc).Limit(limit))
}

// CasesIn implements app.DeskStore on the (status, dueDate) index.
func (s *Store) CasesIn(ctx context.Context, st request.Status, limit int) ([]*request.Case, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	return s.cases(ctx, s.c.Collection(colCases).Where("status", "==", string(st)).OrderBy("dueDate", firestore.Asc).Limit(limit))
}

// CountRunning implements app.DeskStore with a count aggregation: Firestore bills one read per
// 1 000 cases counted, and returns none of them.
func (s *Store) CountRunning(ctx context.Context) (int, error) {
	if err := s.open(); err != nil {
		return 0, err
	}
	q := s.c.Collection(colCases).Where("status", "in", running)
	res, err := q.NewAggregationQuery().WithCount("n").Get(ctx)
	if err != nil {
		return 0, fmt.Errorf("count running cases: %w", err)
	}
	v, ok := res["n"].(*firestorepb.Value)
	if !ok {
		return 0, fmt.Errorf("count running cases: unexpected result %T", res["n"])
	}
	return int(v.GetIntegerValue()), nil
}

// CasesReceived implements app.DeskStore in one query, a range on the day of receipt
// (Firestore's automatic single-field index): it reads only the period's cases, each with the
// events its document holds.
func (s *Store) CasesReceived(ctx context.Context, from, to civil.Date) ([]app.CaseEvents, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	it := s.c.Collection(colCases).Where("received", ">=", from.String()).
		Where("received", "<", to.String()).OrderBy("received", firestore.Asc).Documents(ctx)
	defer it.Stop()
	out := []app.CaseEvents{}
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("query cases: %w", err)
		}
		var d caseDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode case: %w", err)
		}
		out = append(out, app.CaseEvents{Case: fromCaseDoc(snap.Ref.ID, &d), Events: fromEventDocs(d.Events)})
	}
}

// cases runs a query on cases.
func (s *Store) cases(ctx context.Context, q firestore.Query) ([]*request.Case, error) {
	it := q.Documents(ctx)
	defer it.Stop()
	var out []*request.Case
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("query cases: %w", err)
		}
		var d caseDoc
		if err := snap.DataTo(&d); err != nil {
			return nil, fmt.Errorf("decode case: %w", err)
		}
		out = append(out, fromCaseDoc(snap.Ref.ID, &d))
	}
}

// LettersToPost implements app.DeskStore on the (status, createdAt) index.
func (s *Store) LettersToPost(ctx context.Context, max int) ([]*outbox.Letter, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	snaps, err := s.c.Collection(colLetters).Where("status", "==", string(outbox.ToPost)).
		OrderBy("createdAt", firestore.Asc).Limit(max).Documents(ctx).GetAll()
	if err != nil {
		return nil, fmt.Errorf("letters to post: %w", err)
	}
	out, err := lettersOf(snaps)
	if err != nil {
		return nil, err
	}
	cases, err := s.casesWith(ctx, "toPost")
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		for id, d := range c.Letters {
			if d.Kind != "" && d.Status == string(outbox.ToPost) {
				l, err := c.letter(id)
				if err != nil {
					return nil, err
				}
				out = append(out, l)
			}
		}
	}
	slices.SortFunc(out, func(a, b *outbox.Letter) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out[:min(max, len(out))], nil
}

// MarkPosted implements app.DeskStore.
func (s *Store) MarkPosted(ctx context.Context, id string, at time.Time) (*outbox.Letter, error) {
	return s.changeLetter(ctx, id, func(d *letterDoc) error {
		switch outbox.Status(d.Status) {
		case outbox.Posted:
			return app.ErrAlreadyPosted
		case outbox.ToPost:
		default:
			return app.ErrNotPostable
		}
		d.Status, d.SentAt = string(outbox.Posted), ptr(at)
		return nil
	})
}
