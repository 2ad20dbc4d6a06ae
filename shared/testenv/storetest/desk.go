package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

func day(d int) civil.Date { return civil.Date{Year: 2026, Month: 3, Day: 1}.AddDays(d) }

func openCases(t *testing.T, s Subject) {
	seed := func(ref string, st request.Status, due civil.Date, submitted time.Time) {
		c := newCase(ref)
		c.Status, c.DueDate, c.SubmittedAt = st, due, submitted
		submit(t, s, c)
	}
	seed("PL-OPEN-LATE", request.InProgress, day(40), t0)
	seed("PL-OPEN-B", request.AwaitingThirdParty, day(20), t0)
	seed("PL-OPEN-A", request.AwaitingIdentity, day(20), t0)
	seed("PL-OPEN-FIRST", request.InProgress, day(10), t0)
	seed("PL-OPEN-UNCONF-2", request.AwaitingConfirmation, civil.Date{}, t0.Add(time.Hour))
	seed("PL-OPEN-UNCONF-1", request.AwaitingConfirmation, civil.Date{}, t0)
	seed("PL-SHUT-DECIDED", request.Decided, day(1), t0)
	seed("PL-SHUT-CLOSED", request.Closed, day(1), t0)
	seed("PL-SHUT-EXPIRED", request.Expired, civil.Date{}, t0)
	refs := func(cs []*request.Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Reference)
		}
		return out
	}
	got, err := s.OpenCases(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"PL-OPEN-FIRST", "PL-OPEN-A", "PL-OPEN-B", "PL-OPEN-LATE", "PL-OPEN-UNCONF-1", "PL-OPEN-UNCONF-2"}
	if d := cmp.Diff(want, refs(got)); d != "" {
		t.Errorf("open cases, most urgent first (-want +got):\n%s", d)
	}
	if len(got) > 0 && (got[0].Subject.Name != "Carla" || got[0].DueDate != day(10) || got[0].Version != 1) {
		t.Errorf("an open case comes back incomplete: %+v", got[0])
	}
	for _, n := range []int{2, 5} {
		got, err := s.OpenCases(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want[:n], refs(got)); d != "" {
			t.Errorf("open cases, limit %d (-want +got):\n%s", n, d)
		}
	}

	// The digest's reads: only the running cases due by a date, those in one status, and a
	// count of the running ones.
	for _, tc := range []struct {
		by    civil.Date
		limit int
		want  []string
	}{
		{day(20), 100, []string{"PL-OPEN-FIRST", "PL-OPEN-A", "PL-OPEN-B"}},
		{day(19), 100, []string{"PL-OPEN-FIRST"}},
		{day(40), 2, []string{"PL-OPEN-FIRST", "PL-OPEN-A"}},
		{day(9), 100, nil},
	} {
		got, err := s.RunningCases(ctx, tc.by, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, refs(got)); d != "" {
			t.Errorf("running cases due by %s, limit %d (-want +got):\n%s", tc.by, tc.limit, d)
		}
	}
	if got, err := s.CasesIn(ctx, request.InProgress, 100); err != nil || !slices.Equal(refs(got), []string{"PL-OPEN-FIRST", "PL-OPEN-LATE"}) {
		t.Errorf("cases in progress: %v %v", refs(got), err)
	}
	if got, err := s.CasesIn(ctx, request.AwaitingIdentity, 100); err != nil || !slices.Equal(refs(got), []string{"PL-OPEN-A"}) {
		t.Errorf("cases awaiting identity: %v %v", refs(got), err)
	}
	if n, err := s.CountRunning(ctx); err != nil || n != 4 {
		t.Errorf("running cases counted: %d %v, want 4", n, err)
	}
}

func casesReceived(t *testing.T, s Subject) {
	seed := func(ref string, received civil.Date, events int) {
		c := newCase(ref)
		c.Received = received
		submit(t, s, c)
		for i := range events {
			if _, err := s.Update(ctx, ref, func(*request.Case) (app.Change, error) {
				return app.Change{Events: []request.Event{{At: t0, Actor: "system", Action: request.Action(fmt.Sprint("step-", i))}}}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	seed("PL-REC-BEFORE", day(-1), 0)
	seed("PL-REC-FIRST-B", day(0), 2)
	seed("PL-REC-FIRST-A", day(0), 0)
	seed("PL-REC-LAST", day(30), 1)
	seed("PL-REC-AFTER", day(31), 0)
	seed("PL-REC-NONE", civil.Date{}, 0)
	// A case whose day of receipt is corrected takes its events along.
	seed("PL-REC-MOVED", day(-5), 1)
	if _, err := s.Update(ctx, "PL-REC-MOVED", func(c *request.Case) (app.Change, error) {
		c.Received = day(5)
		return app.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CasesReceived(ctx, day(0), day(31))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Ref     string
		Actions []string
	}
	var rows []row
	for _, ce := range got {
		r := row{Ref: ce.Case.Reference}
		for _, e := range ce.Events {
			r.Actions = append(r.Actions, string(e.Action))
		}
		rows = append(rows, r)
	}
	want := []row{
		{"PL-REC-FIRST-A", []string{"submitted"}},
		{"PL-REC-FIRST-B", []string{"submitted", "step-0", "step-1"}},
		{"PL-REC-MOVED", []string{"submitted", "step-0"}},
		{"PL-REC-LAST", []string{"submitted", "step-0"}},
	}
	if d := cmp.Diff(want, rows); d != "" {
		t.Errorf("cases received in [from, to) with their events (-want +got):\n%s", d)
	}
	if got, err := s.CasesReceived(ctx, day(100), day(130)); err != nil || len(got) != 0 {
		t.Errorf("an empty period: %d cases, %v", len(got), err)
	}
}

func postLetter(ref string, kind letter.Kind, created time.Time) *outbox.Letter {
	l := newLetter(ref, kind, created)
	l.To, l.Status = "", outbox.ToPost
	l.ID = outbox.ID(testLetterKey, ref, kind, "post", "")
	return l
}

func lettersToPost(t *testing.T, s Subject) {
	c := newCase("PL-POST")
	mail := newLetter(c.Reference, letter.ConfirmEmail, t0)
	second, first := postLetter(c.Reference, letter.Decision, t0.Add(time.Hour)), postLetter(c.Reference, letter.Receipt, t0)
	submit(t, s, c, mail, second, first)
	ids := func(ls []*outbox.Letter) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.ID)
		}
		return out
	}
	got, err := s.LettersToPost(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{first.ID, second.ID}, ids(got)); d != "" {
		t.Errorf("letters to post, oldest first (-want +got):\n%s", d)
	}
	if len(got) > 0 && (got[0].Reference != c.Reference || got[0].Data.RecipientName != "Carla" || got[0].Kind != letter.Receipt) {
		t.Errorf("a letter to post comes back incomplete: %+v", got[0])
	}
	if got, _ := s.LettersToPost(ctx, 1); len(got) != 1 {
		t.Errorf("max 1: %d letters", len(got))
	}
	// No sender takes a letter to post, and the relay does not republish it.
	if _, err := s.ClaimLetter(ctx, first.ID, t0, t0.Add(time.Minute)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of a letter to post: %v, want ErrAlreadySent", err)
	}
	if ids, _ := s.PendingLetters(ctx, t0.Add(48*time.Hour), t0.Add(48*time.Hour), 10); len(ids) != 1 || ids[0] != mail.ID {
		t.Errorf("pending letters: %v, want only the e-mail", ids)
	}

	posted, err := s.MarkPosted(ctx, first.ID, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if posted.Status != outbox.Posted || !posted.SentAt.Equal(t0.Add(2*time.Hour)) {
		t.Errorf("posted letter: status %s at %s", posted.Status, posted.SentAt)
	}
	if _, err := s.MarkPosted(ctx, first.ID, t0.Add(3*time.Hour)); !errors.Is(err, app.ErrAlreadyPosted) {
		t.Errorf("posting twice: %v, want ErrAlreadyPosted", err)
	}
	if _, err := s.MarkPosted(ctx, mail.ID, t0); !errors.Is(err, app.ErrNotPostable) {
		t.Errorf("posting an e-mail: %v, want ErrNotPostable", err)
	}
	if _, err := s.MarkPosted(ctx, "absent", t0); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("posting an absent letter: %v, want ErrNotFound", err)
	}
	got, _ = s.LettersToPost(ctx, 10)
	if d := cmp.Diff([]string{second.ID}, ids(got)); d != "" {
		t.Errorf("letters to post after one was posted (-want +got):\n%s", d)
	}
	for _, l := range mustLetters(t, s, c.Reference) {
		if l.ID == first.ID && (l.Status != outbox.Posted || !l.SentAt.Equal(t0.Add(2*time.Hour))) {
			t.Errorf("stored posted letter: status %s at %s", l.Status, l.SentAt)
		}
	}
}

func oneMarkPostedWinner(t *testing.T, s Subject) {
	c := newCase("PL-POST-RACE")
	l := postLetter(c.Reference, letter.Receipt, t0)
	submit(t, s, c, l)
	oneWinner(t, 4, "MarkPosted", app.ErrAlreadyPosted, func() error {
		_, err := s.MarkPosted(ctx, l.ID, t0)
		return err
	})
}
