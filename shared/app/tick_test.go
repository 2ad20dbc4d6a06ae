package app_test

import (
	"cloud.google.com/go/civil"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

func amsterdam(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, deadline.Location())
	if err != nil {
		panic(err)
	}
	return t
}

func tick(t *testing.T, s *testenv.Stack, at string) app.TickResult {
	t.Helper()
	s.Quiet(t) // the clock jumps: no send may still hold a lease on the old time
	res, err := s.App.Sweep.Tick(ctx, amsterdam(at))
	if err != nil {
		t.Fatalf("Tick(%s): %v", at, err)
	}
	return res
}

// settle waits until every queued letter has been through SendLetter.
func settle(t *testing.T, s *testenv.Stack, ref string) {
	t.Helper()
	testenv.Eventually(t, "letters sent", func() bool {
		ls, err := s.Store.Letters(ctx, ref)
		if err != nil {
			return false
		}
		for _, l := range ls {
			if l.Status != "sent" {
				return false
			}
		}
		return true
	})
}

func TestConfirmReminderAndExpiry(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testConfirmReminderAndExpiry)
}

func testConfirmReminderAndExpiry(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Now: amsterdam("2026-03-27 10:00")})
	email := "slow@tenant.test"
	c, err := s.App.Intake.Submit(ctx, access(email), app.Client{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	tick(t, s, "2026-03-28 09:59")
	settle(t, s, c.Reference)
	if n := s.Mail.Count("confirm_reminder", email, c.Reference); n != 0 {
		t.Fatalf("reminder before 24 h: %d", n)
	}
	// The same tick twice, and two ticks at once: one reminder.
	tick(t, s, "2026-03-28 10:00")
	tick(t, s, "2026-03-28 10:00")
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); s.App.Sweep.Tick(ctx, amsterdam("2026-03-28 10:05")) }()
	}
	wg.Wait()
	m := s.Mail.Await(t, "confirm_reminder", email, c.Reference)
	if m.Link("ConfirmRequest") == "" {
		t.Error("confirm_reminder has no confirm link")
	}
	settle(t, s, c.Reference)
	if n := s.Mail.Count("confirm_reminder", email, c.Reference); n != 1 {
		t.Errorf("confirm_reminder sent %d times, want 1", n)
	}

	res := tick(t, s, "2026-04-03 10:00")
	if res.Deleted != 1 {
		t.Errorf("expiry tick deleted %d, want 1", res.Deleted)
	}
	got, err := s.Store.Case(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != request.Expired || got.Subject.Email != "" || got.Subject.Name != "" || got.Signature != "" {
		t.Errorf("expired case still holds personal data or wrong status: %+v", got)
	}
	if ls, _ := s.Store.Letters(ctx, c.Reference); len(ls) != 0 {
		t.Errorf("%d letters survive expiry", len(ls))
	}
	if _, err := s.App.Intake.Confirm(ctx, c.Reference); !errors.Is(err, app.ErrNotAllowed) {
		t.Errorf("confirming an expired request: %v, want ErrNotAllowed", err)
	}
	dump := dumpAll(t, s)
	if strings.Contains(dump, email) || strings.Contains(dump, "Carla") {
		t.Errorf("personal data left in Firestore after expiry:\n%s", dump)
	}
}

// Reminders around Koningsdag: received Monday 30 March 2026, de Alliantie's 4 weeks end on
// Monday 27 April, Koningsdag (own terms do not roll; the GDPR month would end on 30 April).
func TestStaffRemindersAndEscalation(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testStaffRemindersAndEscalation)
}

func testStaffRemindersAndEscalation(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie", Now: amsterdam("2026-03-30 09:00")})
	c := submitConfirm(t, s, access("due@tenant.test"))
	if got, want := c.DueDate.String(), "2026-04-27"; got != want {
		t.Fatalf("due = %s, want %s", got, want)
	}
	staff, officer := "staff@corp.test", s.Profile.Organisation.PrivacyOfficerEmail
	// The requester gets one term_passed letter, the working day after the missed due date
	// (docs/rules.md §4, issue 23 item 10).
	cases := []struct {
		at                             string
		reminders, overdue, termPassed int
	}{
		// The internal date is 5 working days before the due date: 20 April (27 is a holiday).
		{"2026-04-15 07:59", 0, 0, 0}, // 3 working days before it: 15 (Wed), 16, 17
		{"2026-04-15 08:00", 1, 0, 0},
		{"2026-04-15 12:00", 1, 0, 0}, // nothing new the same day
		{"2026-04-20 08:00", 2, 0, 0}, // the internal date
		{"2026-04-24 08:00", 3, 0, 0}, // the last working day before the due date
		{"2026-04-27 08:00", 3, 0, 0}, // the due date itself (a holiday): no letter
		{"2026-04-28 08:00", 3, 1, 1}, // overdue: escalate, and tell the requester
		{"2026-04-29 08:00", 3, 1, 1},
		{"2026-05-01 08:00", 3, 2, 1}, // every 3 days; the requester once
	}
	for _, tc := range cases {
		tick(t, s, tc.at)
		tick(t, s, tc.at) // a redelivered tick changes nothing
		settle(t, s, c.Reference)
		if got := s.Mail.Count("staff_reminder", staff, c.Reference); got != tc.reminders {
			t.Errorf("%s: %d staff_reminder, want %d", tc.at, got, tc.reminders)
		}
		if got := s.Mail.Count("staff_overdue", officer, c.Reference); got != tc.overdue {
			t.Errorf("%s: %d staff_overdue to the privacy officer, want %d", tc.at, got, tc.overdue)
		}
		if got := s.Mail.Count("term_passed", "due@tenant.test", c.Reference); got != tc.termPassed {
			t.Errorf("%s: %d term_passed to the requester, want %d", tc.at, got, tc.termPassed)
		}
	}
	tp := s.Mail.Await(t, "term_passed", "due@tenant.test", c.Reference)
	mustContain(t, "term_passed", tp.Text, "27 april 2026", "Het spijt ons", "binnen 6 weken na 27 april 2026", "Hiervoor geldt geen termijn")
	if tp.Args["dueDate"] != "2026-04-27" || tp.Link("RequestStatus") == "" {
		t.Errorf("term_passed: dueDate %q, status link %q", tp.Args["dueDate"], tp.Link("RequestStatus"))
	}
	m := s.Mail.Await(t, "staff_overdue", officer, c.Reference)
	if m.Args["dueDate"] != "2026-04-27" || m.Link("StaffCase") == "" {
		t.Errorf("staff_overdue: dueDate %q link %q", m.Args["dueDate"], m.Link("StaffCase"))
	}
}

func TestRetentionDeletesClosedCases(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testRetentionDeletesClosedCases)
}

func testRetentionDeletesClosedCases(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "vallei-wonen", Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("gone@tenant.test"))
	if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActWithdraw, How: "phone"}); err != nil {
		t.Fatal(err)
	}
	settle(t, s, c.Reference)
	tick(t, s, "2027-03-27 09:00") // Vallei Wonen keeps its case records 12 months after closing
	if _, err := s.Store.Case(ctx, c.Reference); err != nil {
		t.Fatalf("case gone before its retention ended: %v", err)
	}
	res := tick(t, s, "2027-03-27 10:01")
	if res.Deleted != 1 {
		t.Errorf("deleted %d, want 1", res.Deleted)
	}
	if _, err := s.Store.Case(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("case after retention: %v, want ErrNotFound", err)
	}
	if dump := dumpAll(t, s); strings.Contains(dump, c.Reference) {
		t.Errorf("documents about the case survive retention:\n%s", dump)
	}
}

func TestIDCopyDeletedAtTheLatestAfterItsTerm(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testIDCopyDeletedAtTheLatestAfterItsTerm)
}

func testIDCopyDeletedAtTheLatestAfterItsTerm(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: idAlways, Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("copy@tenant.test"))
	if _, err := s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, testJPEG(t)); err != nil {
		t.Fatal(err)
	}
	tick(t, s, "2026-04-25 10:00")
	if _, _, err := s.Store.IDCopy(ctx, c.Reference); err != nil {
		t.Fatalf("copy gone before its term: %v", err)
	}
	tick(t, s, "2026-04-26 10:00") // 30 days after the upload
	if _, _, err := s.Store.IDCopy(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("copy after its term: %v, want ErrNotFound", err)
	}
	got, _ := s.Store.Case(ctx, c.Reference)
	if got.Identity.CopyHeld {
		t.Error("case still says a copy is held")
	}
}

// dumpAll returns every document of the test's project (or every record in memory) as text.
func dumpAll(t *testing.T, s *testenv.Stack) string {
	t.Helper()
	if s.Mem != nil {
		return s.Mem.Dump()
	}
	var b strings.Builder
	cols, err := s.FS.Collections(ctx).GetAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, col := range cols {
		docs, err := s.FS.CollectionGroup(col.ID).Documents(ctx).GetAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			b.WriteString(d.Ref.Path)
			b.WriteString(" ")
			for k, v := range d.Data() {
				b.WriteString(k)
				b.WriteString("=")
				b.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(v), "\n", " ")))
				b.WriteString(" ")
			}
			b.WriteString("\n")
		}
	}
	for _, sub := range []string{"events", "chunks"} {
		docs, _ := s.FS.CollectionGroup(sub).Documents(ctx).GetAll()
		for _, d := range docs {
			b.WriteString(d.Ref.Path + "\n")
		}
	}
	return b.String()
}

func fmtAny(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		var parts []string
		for k, x := range v {
			parts = append(parts, k+":"+fmtAny(x))
		}
		return "{" + strings.Join(parts, ",") + "}"
	default:
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(sprint(v), "\n", " "), "\t", " "))
	}
}

func civilDate(t time.Time) civil.Date { return deadline.DateIn(t) }

// A letter whose publish was lost is published again by the Tick; one that a sender tried
// recently is left to Pub/Sub's retries.
func TestOutboxRelay(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testOutboxRelay)
}

func testOutboxRelay(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, NoDelivery: true, Now: amsterdam("2026-03-27 10:00")})
	c, err := s.App.Intake.Submit(ctx, access("relay@tenant.test"), app.Client{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res := tick(t, s, "2026-03-27 10:00"); res.Relayed != 0 {
		t.Errorf("relayed %d letters younger than a minute", res.Relayed)
	}
	if res := tick(t, s, "2026-03-27 10:02"); res.Relayed != 1 {
		t.Errorf("relayed %d, want 1 (never tried)", res.Relayed)
	}
	letters, _ := s.Store.Letters(ctx, c.Reference)
	s.Clock.Set(amsterdam("2026-03-27 10:03"))
	s.Mail.FailNext(503)
	if err := s.App.Mailroom.SendLetter(ctx, letters[0].ID); err == nil {
		t.Fatal("SendLetter during an outage returned nil, want an error so Pub/Sub retries")
	}
	if res := tick(t, s, "2026-03-27 10:10"); res.Relayed != 0 {
		t.Errorf("relayed %d, want 0 (tried 7 minutes ago)", res.Relayed)
	}
	if res := tick(t, s, "2026-03-27 10:20"); res.Relayed != 1 {
		t.Errorf("relayed %d, want 1 (quiet for 17 minutes)", res.Relayed)
	}
	if err := s.App.Mailroom.SendLetter(ctx, letters[0].ID); err != nil {
		t.Fatal(err)
	}
	if res := tick(t, s, "2026-03-27 11:00"); res.Relayed != 0 {
		t.Errorf("relayed %d sent letters", res.Relayed)
	}
	if n := s.Mail.Count("confirm_email", "relay@tenant.test", c.Reference); n != 1 {
		t.Errorf("sent %d times, want 1", n)
	}
}

// Vallei Wonen: rectification within 14 days. Received Thursday 10 December 2026, due Thursday
// 24 December; the reminders fall on Monday 21 and Thursday 24 December, the escalation on
// Christmas Day and three days later.
func TestValleiRectificationReminders(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testValleiRectificationReminders)
}

func testValleiRectificationReminders(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: idAlways, Now: amsterdam("2026-12-10 09:00")})
	sub := access("rect@tenant.test")
	sub.Type, sub.ProposedChanges = "rectification", "Mijn achternaam is Jansen, niet Janssen."
	c := submitConfirm(t, s, sub)
	c, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActVerifyIdentity, Method: "id_copy", DocumentType: "id_card"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.DueDate.String(), "2026-12-24"; got != want {
		t.Fatalf("due = %s, want %s", got, want)
	}
	officer := s.Profile.Organisation.PrivacyOfficerEmail
	for _, tc := range []struct {
		at                 string
		reminders, overdue int
	}{
		// Internal date 17 December: reminders 3 working days before it, on it, and on the
		// last working day before the due date.
		{"2026-12-11 08:00", 0, 0},
		{"2026-12-14 08:00", 1, 0},
		{"2026-12-17 08:00", 2, 0},
		{"2026-12-24 08:00", 3, 0},
		{"2026-12-25 08:00", 3, 1},
		{"2026-12-28 08:00", 3, 2},
	} {
		tick(t, s, tc.at)
		settle(t, s, c.Reference)
		if got := s.Mail.Count("staff_reminder", "staff@corp.test", c.Reference); got != tc.reminders {
			t.Errorf("%s: %d reminders, want %d", tc.at, got, tc.reminders)
		}
		if got := s.Mail.Count("staff_overdue", officer, c.Reference); got != tc.overdue {
			t.Errorf("%s: %d escalations, want %d", tc.at, got, tc.overdue)
		}
	}
}

// An open case ends only by a decision, a refusal or a withdrawal: a request whose requester
// never sent the asked-for ID copy is not deleted without a word when years pass; it stays open
// (on the desk and in the digest) and nothing about it expires.
func TestOpenCasesAreNeverDeletedSilently(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, backend testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "vallei-wonen", Now: amsterdam("2026-03-27 10:00")})
		c := submitConfirm(t, s, access("stil@tenant.test"))
		c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het adres klopt niet met onze gegevens."})
		if c.Status != request.AwaitingIdentity || !c.RetainUntil.IsZero() {
			t.Fatalf("after request_identity: %s, kept until %v; want awaiting_identity with no end", c.Status, c.RetainUntil)
		}
		res := tick(t, s, "2028-09-01 10:00") // long past submission + 4 months + the 12 months' retention
		if res.Deleted != 0 {
			t.Errorf("tick deleted %d cases, want 0", res.Deleted)
		}
		got, err := s.Store.Case(ctx, c.Reference)
		if err != nil {
			t.Fatalf("open case after years: %v", err)
		}
		if got.Status != request.AwaitingIdentity || got.Subject.Name == "" {
			t.Errorf("open case after years: %s, name %q", got.Status, got.Subject.Name)
		}
	})
}
