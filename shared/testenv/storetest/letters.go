package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

func letterLeases(t *testing.T, s Subject) {
	c := newCase("PL-LEASE")
	l := newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, l)
	if _, err := s.ClaimLetter(ctx, "absent", t0, t0.Add(time.Minute)); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("claim of an absent letter: %v, want ErrNotFound", err)
	}
	got, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != outbox.Sending || got.Attempts != 1 || !got.LeaseUntil.Equal(t0.Add(time.Minute)) || !got.AttemptedAt.Equal(t0) ||
		got.To != l.To || got.Data.RecipientName != "Carla" || len(got.Links) != 1 {
		t.Errorf("claimed letter: %+v", got)
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(59*time.Second), t0.Add(2*time.Minute)); !errors.Is(err, app.ErrLeased) {
		t.Errorf("claim within the lease: %v, want ErrLeased", err)
	}
	// A sender that died: its lease runs out and another may claim.
	got, err = s.ClaimLetter(ctx, l.ID, t0.Add(time.Minute), t0.Add(2*time.Minute))
	if err != nil || got.Attempts != 2 {
		t.Fatalf("claim after the lease: %v (attempts %d)", err, got.Attempts)
	}
	// A transient failure puts it back.
	if err := s.FinishLetter(ctx, l.ID, outbox.Pending, t0.Add(time.Minute), "503"); err != nil {
		t.Fatal(err)
	}
	ls := mustLetters(t, s, c.Reference)
	if ls[0].Status != outbox.Pending || ls[0].LastError != "503" || !ls[0].LeaseUntil.IsZero() || !ls[0].SentAt.IsZero() {
		t.Errorf("after a transient failure: %+v", ls[0])
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(90*time.Second), t0.Add(3*time.Minute)); err != nil {
		t.Fatalf("claim after a transient failure: %v", err)
	}
	if err := s.FinishLetter(ctx, l.ID, outbox.Sent, t0.Add(2*time.Minute), ""); err != nil {
		t.Fatal(err)
	}
	ls = mustLetters(t, s, c.Reference)
	if ls[0].Status != outbox.Sent || !ls[0].SentAt.Equal(t0.Add(2*time.Minute)) || ls[0].LastError != "" || ls[0].Attempts != 3 {
		t.Errorf("after sending: %+v", ls[0])
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of a sent letter: %v, want ErrAlreadySent", err)
	}
	// Failed for good is final as well.
	f := newLetter(c.Reference, letter.Receipt, t0)
	if _, err := s.Update(ctx, c.Reference, func(*request.Case) (app.Change, error) {
		return app.Change{Letters: []*outbox.Letter{f}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, f.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, f.ID, outbox.Failed, t0, "400 bad address"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, f.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of a failed letter: %v, want ErrAlreadySent", err)
	}
	if err := s.FinishLetter(ctx, "absent", outbox.Sent, t0, ""); err != nil {
		t.Errorf("finishing a deleted letter: %v, want nil", err)
	}
}

// A letter that belongs to no case (the decree-days warning) is queued once and then claimed,
// sent and relayed like any other.
func lettersOfNoCase(t *testing.T, s Subject) {
	l := &outbox.Letter{ID: outbox.ID(testLetterKey, "", letter.DecreeDaysMissing, "privacy@corp.test", "2028"), Kind: letter.DecreeDaysMissing,
		Lang: "nl", To: "privacy@corp.test", Data: letter.Data{MissingYear: 2028}, Status: outbox.Pending, CreatedAt: t0,
		RetainUntil: t0.AddDate(1, 0, 0)}
	if err := s.QueueLetter(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.QueueLetter(ctx, l); !errors.Is(err, app.ErrExists) {
		t.Errorf("second queue of the same letter: %v, want ErrExists", err)
	}
	if ids, err := s.PendingLetters(ctx, t0.Add(time.Hour), t0.Add(time.Hour), 10); err != nil || len(ids) != 1 || ids[0] != l.ID {
		t.Errorf("pending: %v %v, want the queued letter", ids, err)
	}
	got, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got.Reference != "" || got.To != l.To || got.Data.MissingYear != 2028 || got.Status != outbox.Sending || !got.RetainUntil.Equal(l.RetainUntil) {
		t.Errorf("claimed letter of no case: %+v", got)
	}
	if err := s.FinishLetter(ctx, l.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimLetter(ctx, l.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim of the sent letter: %v, want ErrAlreadySent", err)
	}
}

func oneClaimWinner(t *testing.T, s Subject) {
	c := newCase("PL-CLAIM")
	l := newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, l)
	oneWinner(t, 5, "ClaimLetter", app.ErrLeased, func() error {
		_, err := s.ClaimLetter(ctx, l.ID, t0, t0.Add(time.Minute))
		return err
	})
	if ls := mustLetters(t, s, c.Reference); ls[0].Attempts != 1 {
		t.Errorf("attempts = %d, want 1", ls[0].Attempts)
	}
}

// A sender claims all of a case's letters that can go with the one its message names, and
// records their outcomes together.
func claimCaseLetters(t *testing.T, s Subject) {
	c := newCase("PL-CASECLAIM")
	a, b, done := newLetter(c.Reference, letter.Receipt, t0), newLetter(c.Reference, letter.StaffCase, t0), newLetter(c.Reference, letter.ConfirmEmail, t0)
	submit(t, s, c, a, b, done)
	other := newCase("PL-CASECLAIM-2")
	elsewhere := newLetter(other.Reference, letter.Receipt, t0)
	submit(t, s, other, elsewhere)
	if _, err := s.ClaimLetter(ctx, done.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishLetter(ctx, done.ID, outbox.Sent, t0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimCaseLetters(ctx, "absent", t0, t0.Add(time.Minute)); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("claim of an absent letter: %v, want ErrNotFound", err)
	}
	got, err := s.ClaimCaseLetters(ctx, b.ID, t0, t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range got {
		ids = append(ids, l.ID)
		if l.Status != outbox.Sending || l.Attempts != 1 || !l.LeaseUntil.Equal(t0.Add(time.Minute)) || l.Reference != c.Reference || l.To != a.To {
			t.Errorf("claimed letter: %+v", l)
		}
	}
	// The named letter first, then the case's others that can go: not the sent one, not
	// another case's.
	if d := cmp.Diff([]string{b.ID, a.ID}, ids); d != "" {
		t.Errorf("claimed (-want +got):\n%s", d)
	}
	if _, err := s.ClaimCaseLetters(ctx, a.ID, t0.Add(time.Second), t0.Add(time.Minute)); !errors.Is(err, app.ErrLeased) {
		t.Errorf("claim while a sender holds them: %v, want ErrLeased", err)
	}
	// b went out, a failed for a moment.
	if err := s.FinishLetters(ctx, t0.Add(2*time.Second), []app.LetterOutcome{{ID: b.ID, Status: outbox.Sent}, {ID: a.ID, Status: outbox.Pending, Error: "503"}}); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*outbox.Letter{}
	for _, l := range mustLetters(t, s, c.Reference) {
		byID[l.ID] = l
	}
	if l := byID[b.ID]; l.Status != outbox.Sent || !l.SentAt.Equal(t0.Add(2*time.Second)) || !l.LeaseUntil.IsZero() {
		t.Errorf("after sending: %+v", l)
	}
	if l := byID[a.ID]; l.Status != outbox.Pending || l.LastError != "503" || !l.LeaseUntil.IsZero() {
		t.Errorf("after a transient failure: %+v", l)
	}
	// The message that names b comes again: b is sent, a is claimed alone.
	got, err = s.ClaimCaseLetters(ctx, b.ID, t0.Add(time.Minute), t0.Add(2*time.Minute))
	if err != nil || len(got) != 1 || got[0].ID != a.ID || got[0].Attempts != 2 {
		t.Fatalf("claim after the retry: %v %v, want a alone", got, err)
	}
	if err := s.FinishLetters(ctx, t0.Add(time.Minute), []app.LetterOutcome{{ID: a.ID, Status: outbox.ToPost}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimCaseLetters(ctx, b.ID, t0.Add(time.Hour), t0.Add(2*time.Hour)); !errors.Is(err, app.ErrAlreadySent) {
		t.Errorf("claim when all went: %v, want ErrAlreadySent", err)
	}
	if ls, err := s.LettersToPost(ctx, 10); err != nil || len(ls) != 1 || ls[0].ID != a.ID {
		t.Errorf("letters to post: %v %v, want a", ls, err)
	}
	if ids, err := s.PendingLetters(ctx, t0.Add(time.Hour), t0.Add(time.Hour), 10); err != nil || len(ids) != 1 || ids[0] != elsewhere.ID {
		t.Errorf("pending: %v %v, want only the other case's letter", ids, err)
	}
	// A letter of no case is claimed alone; finishing a letter deleted meanwhile is no error.
	q := &outbox.Letter{ID: outbox.ID(testLetterKey, "", letter.DecreeDaysMissing, "privacy@corp.test", "2029"), Kind: letter.DecreeDaysMissing,
		Lang: "nl", To: "privacy@corp.test", Status: outbox.Pending, CreatedAt: t0, RetainUntil: t0.AddDate(1, 0, 0)}
	if err := s.QueueLetter(ctx, q); err != nil {
		t.Fatal(err)
	}
	if got, err := s.ClaimCaseLetters(ctx, q.ID, t0, t0.Add(time.Minute)); err != nil || len(got) != 1 || got[0].ID != q.ID {
		t.Errorf("claim of a letter of no case: %v %v", got, err)
	}
	if err := s.FinishLetters(ctx, t0, []app.LetterOutcome{{ID: q.ID, Status: outbox.Sent}, {ID: "absent", Status: outbox.Sent}}); err != nil {
		t.Errorf("finish: %v", err)
	}
}

func oneCaseClaimWinner(t *testing.T, s Subject) {
	c := newCase("PL-CASEWIN")
	a, b := newLetter(c.Reference, letter.Receipt, t0), newLetter(c.Reference, letter.StaffCase, t0)
	submit(t, s, c, a, b)
	oneWinner(t, 5, "ClaimCaseLetters", app.ErrLeased, func() error {
		_, err := s.ClaimCaseLetters(ctx, a.ID, t0, t0.Add(time.Minute))
		return err
	})
	for _, l := range mustLetters(t, s, c.Reference) {
		if l.Attempts != 1 {
			t.Errorf("%s: attempts = %d, want 1", l.ID, l.Attempts)
		}
	}
}

func pendingLetters(t *testing.T, s Subject) {
	c := newCase("PL-PEND")
	kinds := []letter.Kind{letter.ConfirmEmail, letter.Receipt, letter.StaffCase, letter.IDRequested, letter.StaffReminder}
	var ls []*outbox.Letter
	for i, k := range kinds {
		ls = append(ls, newLetter(c.Reference, k, t0.Add(time.Duration(i)*time.Second)))
	}
	submit(t, s, c, ls...)
	fresh := newLetter("PL-PEND", letter.DelayNotice, t0.Add(time.Hour))
	if _, err := s.Update(ctx, c.Reference, func(*request.Case) (app.Change, error) {
		return app.Change{Letters: []*outbox.Letter{fresh}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// ls[0]: sent. ls[1]: tried recently (pending again). ls[2]: tried long ago. ls[3]: being
	// sent under a live lease. ls[4]: never tried. fresh: too young.
	claim := func(l *outbox.Letter, at, lease time.Time) {
		t.Helper()
		if _, err := s.ClaimLetter(ctx, l.ID, at, lease); err != nil {
			t.Fatal(err)
		}
	}
	now := t0.Add(30 * time.Minute)
	claim(ls[0], t0, t0.Add(time.Minute))
	s.FinishLetter(ctx, ls[0].ID, outbox.Sent, t0, "")
	claim(ls[1], now.Add(-time.Minute), now)
	s.FinishLetter(ctx, ls[1].ID, outbox.Pending, now.Add(-time.Minute), "503")
	claim(ls[2], t0.Add(time.Minute), t0.Add(2*time.Minute))
	s.FinishLetter(ctx, ls[2].ID, outbox.Pending, t0.Add(time.Minute), "503")
	claim(ls[3], now.Add(-20*time.Minute), now.Add(time.Minute))
	olderThan, retryAfter := now.Add(-time.Minute), now.Add(-15*time.Minute)
	ids, err := s.PendingLetters(ctx, olderThan, retryAfter, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ls[2].ID, ls[4].ID} // pending ones, oldest first
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("pending letters (-want +got):\n%s", d)
	}
	// A sender that died: once its lease has run out, the letter is due again.
	ids, _ = s.PendingLetters(ctx, now.Add(2*time.Minute), now.Add(-15*time.Minute), 10)
	if d := cmp.Diff([]string{ls[2].ID, ls[4].ID, ls[3].ID}, ids); d != "" {
		t.Errorf("pending letters after the lease ran out (-want +got):\n%s", d)
	}
	// max bounds each status's query before the filter.
	ids, _ = s.PendingLetters(ctx, olderThan, retryAfter, 1)
	if len(ids) != 0 {
		t.Errorf("max 1: %v, want none (the oldest pending letter was tried recently)", ids)
	}
	ids, _ = s.PendingLetters(ctx, olderThan, retryAfter, 2)
	if d := cmp.Diff([]string{ls[2].ID}, ids); d != "" {
		t.Errorf("max 2 (-want +got):\n%s", d)
	}
}
