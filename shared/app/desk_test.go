package app_test

import (
	"bytes"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

const officer = "privacy@valleiwonen.example"

// phoneIntake is a request taken by phone from a tenant without e-mail.
func phoneIntake(name, receivedOn string) request.Intake {
	return request.Intake{
		Submission: request.Submission{Type: "access", Name: name, BirthDate: "1950-02-03", Address: "Dorpsstraat 1, 3901 AB Veenendaal"},
		Channel:    "phone", ReceivedOn: receivedOn, ConfirmPast: true,
	}
}

func intake(t *testing.T, s *testenv.Stack, in request.Intake) *request.Case {
	t.Helper()
	res, err := s.App.Desk.Intake(ctx, "staff@corp.test", in)
	if err != nil {
		t.Fatalf("Intake: %v", err)
	}
	return res.Case
}

func deskFields(err error) []string {
	var verr *app.ValidationError
	if !errors.As(err, &verr) {
		return nil
	}
	var out []string
	for _, f := range verr.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestDeskSignIn(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b})
		for _, addr := range []string{"staff@corp.test", "stranger@else.test", "STAFF@corp.test", officer} {
			if err := s.App.Desk.RequestDeskLink(ctx, addr, app.Client{IP: "192.0.2.1"}); err != nil {
				t.Fatalf("RequestDeskLink(%s): %v", addr, err)
			}
		}
		m := s.Mail.Await(t, "desk_link", "staff@corp.test", "")
		if m.Link("StaffDesk") == "" || m.Args["reference"] != "" {
			t.Errorf("desk_link: link %q, custom_args %v", m.Link("StaffDesk"), m.Args)
		}
		s.Mail.Await(t, "desk_link", officer, "")
		if n := s.Mail.Count("desk_link", "stranger@else.test", ""); n != 0 {
			t.Errorf("a stranger got %d desk links", n)
		}
		if n := s.Mail.Count("desk_link", "staff@corp.test", ""); n != 1 {
			t.Errorf("two sign-ins within the window sent %d links, want 1", n)
		}
		// Per address: the same limit for staff and strangers.
		var err error
		for range 6 {
			err = s.App.Desk.RequestDeskLink(ctx, "stranger@else.test", app.Client{IP: "192.0.2.9"})
		}
		var rl *app.RateLimitedError
		if !errors.As(err, &rl) {
			t.Errorf("sixth sign-in for one address: %v, want rate limited", err)
		}
		if got := deskFields(s.App.Desk.RequestDeskLink(ctx, "not an address", app.Client{})); !slices.Equal(got, []string{"email:email"}) {
			t.Errorf("bad address: %v", got)
		}
		if !s.App.Desk.DeskHolder("Staff@Corp.test") || s.App.Desk.DeskHolder("stranger@else.test") || !s.App.Desk.DeskHolder(officer) {
			t.Error("DeskHolder")
		}
	})
}

func TestDeskIntakeByPhoneWithoutEmailGoesByPost(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		c := intake(t, s, phoneIntake("Piet Post", "2026-03-20"))
		if c.Status != request.InProgress || c.Channel != request.ChannelPhone || c.Received != (civil.Date{Year: 2026, Month: 3, Day: 20}) {
			t.Errorf("case: status %s channel %s received %s", c.Status, c.Channel, c.Received)
		}
		if want, _ := deadline.NewCalendar().Due(s.Profile, "access", c.Received, 0); c.DueDate != want {
			t.Errorf("due %s, want %s (the term counts from the day of receipt)", c.DueDate, want)
		}
		var post []*outbox.Letter
		testenv.Eventually(t, "the receipt waits to be posted", func() bool {
			post, _ = s.Store.LettersToPost(ctx, 10)
			return len(post) == 1
		})
		if post[0].Kind != "receipt" || post[0].Reference != c.Reference {
			t.Fatalf("to post: %+v", post[0])
		}
		if n := s.Mail.Count("receipt", "", c.Reference); n != 0 {
			t.Errorf("%d receipts went by e-mail", n)
		}
		s.Mail.Await(t, "staff_case", "staff@corp.test", c.Reference)
		pv, err := s.App.Desk.PostLetter(ctx, post[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if pv.RecipientName != "Piet Post" || !strings.Contains(pv.RecipientAddress, "3901 AB") || !strings.Contains(pv.Text, c.Reference) {
			t.Errorf("print view: %+v", pv)
		}
		if strings.Contains(pv.Text, "token=") || strings.Contains(pv.Text, "/RequestStatus") || !strings.Contains(pv.Text, "kom langs") {
			t.Errorf("a letter by post holds a link or no way without a computer:\n%s", pv.Text)
		}
		v, err := s.App.Desk.Desk(ctx, app.DeskFilter{})
		if err != nil || v.Counts.ToPost != 1 {
			t.Fatalf("desk: %v, %+v", err, v)
		}
		l, err := s.App.Desk.MarkPosted(ctx, "staff@corp.test", post[0].ID)
		if err != nil || l.Status != outbox.Posted || !l.SentAt.Equal(s.Clock.Now()) {
			t.Fatalf("MarkPosted: %v %+v", err, l)
		}
		if _, err := s.App.Desk.MarkPosted(ctx, "staff@corp.test", post[0].ID); !errors.Is(err, app.ErrAlreadyPosted) {
			t.Errorf("posted twice: %v, want ErrAlreadyPosted", err)
		}
		staffLetter := c.Reference + "-staff_case-x"
		for _, id := range []string{"", "nonsense", staffLetter} {
			if got := deskFields(mustErr(s.App.Desk.MarkPosted(ctx, "staff@corp.test", id))); len(got) != 1 || !strings.HasPrefix(got[0], "letterId:") {
				t.Errorf("MarkPosted(%q): %v, want a letterId error", id, got)
			}
		}
		evs, _ := s.Store.Events(ctx, c.Reference)
		if !slices.ContainsFunc(evs, func(e request.Event) bool { return e.Action == "letter_posted" }) ||
			!slices.ContainsFunc(evs, func(e request.Event) bool { return e.Action == "intake" && e.Actor == "staff@corp.test" }) {
			t.Errorf("events %+v", evs)
		}
	})
}

func mustErr[T any](_ T, err error) error { return err }

func TestDeskIntakeBadInput(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Now: amsterdam("2026-03-27 10:00")})
	for _, tt := range []struct {
		name string
		edit func(*request.Intake)
		want []string
	}{
		{"future", func(in *request.Intake) { in.ReceivedOn = "2026-03-28" }, []string{"receivedOn:date_future"}},
		{"malformed", func(in *request.Intake) { in.ReceivedOn = "27-03-2026" }, []string{"receivedOn:date"}},
		{"far past unconfirmed", func(in *request.Intake) { in.ReceivedOn = "2025-11-01"; in.ConfirmPast = false }, []string{"receivedOn:confirm_past"}},
		{"no channel", func(in *request.Intake) { in.Channel = "" }, []string{"channel:required"}},
		{"web is no intake", func(in *request.Intake) { in.Channel = "web" }, []string{"channel:channel"}},
		{"no e-mail, no address", func(in *request.Intake) { in.Address = "" }, []string{"email:email_or_address"}},
	} {
		in := phoneIntake("Bad Input", "2026-03-20")
		tt.edit(&in)
		if got := deskFields(mustErr(s.App.Desk.Intake(ctx, "staff@corp.test", in))); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if open, _ := s.Store.OpenCases(ctx, 10); len(open) != 0 {
		t.Errorf("bad input stored %d cases", len(open))
	}
	// Far past, confirmed: the due date has passed and the case shows overdue.
	c := intake(t, s, phoneIntake("Late Letter", "2025-11-03"))
	v, _ := s.App.Desk.Desk(ctx, app.DeskFilter{})
	if len(v.Cases) != 1 || !v.Cases[0].Overdue || v.Counts.Overdue != 1 || c.DueDate.After(civil.Date{Year: 2025, Month: 12, Day: 31}) {
		t.Errorf("an old receipt: due %s, view %+v", c.DueDate, v.Cases)
	}
}

func TestDeskDuplicates(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b})
		first := intake(t, s, phoneIntake("Anna de Boer", "2026-03-26"))
		in := phoneIntake("anna  de boer", "2026-03-27")
		in.Type = "erasure"
		in.Details = "Alles weg graag."
		in.Channel = "counter"
		var dup *app.DuplicateError
		if _, err := s.App.Desk.Intake(ctx, "staff@corp.test", in); !errors.As(err, &dup) || !slices.Equal(dup.References, []string{first.Reference}) {
			t.Fatalf("same name and birth date: %v", err)
		}
		in.ConfirmDuplicate = true
		res, err := s.App.Desk.Intake(ctx, "staff@corp.test", in)
		if err != nil || !slices.Equal(res.Duplicates, []string{first.Reference}) {
			t.Fatalf("confirmed duplicate: %v %+v", err, res)
		}
		for ref, other := range map[string]string{first.Reference: res.Case.Reference, res.Case.Reference: first.Reference} {
			evs, _ := s.Store.Events(ctx, ref)
			if !slices.ContainsFunc(evs, func(e request.Event) bool { return e.Action == "possible_duplicate" && e.Detail == other }) {
				t.Errorf("%s does not note %s: %+v", ref, other, evs)
			}
		}
	})
}

func TestDeskOverviewOrderAndCounts(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		// Friday 27 March 2026.
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		soon := intake(t, s, phoneIntake("Due Soon", "2026-02-28"))    // due 2026-03-28 (Saturday: next working day 30 March?)
		late := intake(t, s, phoneIntake("Over Due", "2026-01-20"))    // due in February: overdue
		later := intake(t, s, phoneIntake("Much Later", "2026-03-25")) // due late April
		web, err := s.App.Intake.Submit(ctx, access("web@tenant.test"), app.Client{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.App.Desk.Desk(ctx, app.DeskFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, c := range v.Cases {
			order = append(order, c.Reference)
		}
		if want := []string{late.Reference, soon.Reference, later.Reference, web.Reference}; !slices.Equal(order, want) {
			t.Errorf("order %v, want %v", order, want)
		}
		if v.Counts.Open != 4 || v.Counts.Overdue != 1 || v.Counts.WaitingOnRequester != 1 || v.Counts.DueThisWeek != 1 {
			t.Errorf("counts %+v (due: %s %s %s)", v.Counts, late.DueDate, soon.DueDate, later.DueDate)
		}
		if c := v.Cases[0]; !c.Overdue || c.DaysLeft >= 0 || c.WorkingDaysLeft >= 0 || c.WaitingOn != app.WaitingOnStaff || c.Channel != request.ChannelPhone {
			t.Errorf("overdue case %+v", c)
		}
		if c := v.Cases[3]; c.WaitingOn != app.WaitingOnRequester || c.Channel != request.ChannelWeb || !c.DueDate.IsZero() {
			t.Errorf("unconfirmed web case %+v", c)
		}
		f, errs := app.ParseDeskFilter("awaiting_confirmation", "", "")
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		if v, _ := s.App.Desk.Desk(ctx, f); len(v.Cases) != 1 || v.Counts.Open != 4 {
			t.Errorf("filtered: %d cases, counts %+v", len(v.Cases), v.Counts)
		}
		if _, errs := app.ParseDeskFilter("bogus", "nope", ""); len(errs) != 2 || errs[0].Field != "status" || errs[1].Field != "type" {
			t.Errorf("unknown filters: %v", errs)
		}
	})
}

func TestDeskDigestOncePerDay(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Staff: []string{"staff@corp.test", "other@corp.test"}, Now: amsterdam("2026-03-30 07:00")})
		tick(t, s, "2026-03-30 09:00")
		if n := s.Mail.Count("staff_digest", "", ""); n != 0 {
			t.Fatalf("a digest with nothing open: %d", n)
		}
		intake(t, s, phoneIntake("Over Due", "2026-01-20"))
		tick(t, s, "2026-03-30 07:59") // before 08:00: nothing yet
		tick(t, s, "2026-03-30 09:00")
		tick(t, s, "2026-03-30 09:00")
		tick(t, s, "2026-03-30 15:00")
		m := s.Mail.Await(t, "staff_digest", "other@corp.test", "")
		s.Mail.Await(t, "staff_digest", "staff@corp.test", "")
		if m.Link("StaffDesk") == "" || !strings.Contains(m.Text, "Te laat") || m.Args["reference"] != "" {
			t.Errorf("digest:\n%s\n%v", m.Text, m.Args)
		}
		// The digest's desk link lives one day from the tick that made it, like a desk_link's.
		u, _ := url.Parse(m.Link("StaffDesk"))
		if c, err := s.Signer.Verify(u.Query().Get("token"), linktoken.Desk, time.Unix(0, 0)); err != nil ||
			!c.ExpiresAt().Equal(amsterdam("2026-03-31 09:00")) || !c.IssuedAt().Equal(amsterdam("2026-03-30 09:00")) {
			t.Errorf("digest's desk link: %+v %v, want issued at the tick and one day long", c, err)
		}
		tick(t, s, "2026-04-04 09:00") // Saturday: none
		tick(t, s, "2026-03-31 08:05")
		testenv.Eventually(t, "the second day's digests", func() bool { return s.Mail.Count("staff_digest", "", "") == 4 })
		if n := s.Mail.Count("staff_digest", "staff@corp.test", ""); n != 2 {
			t.Errorf("staff@ got %d digests over two working days, want 2", n)
		}
	})
}

func TestDeskMonthlyReportOncePerMonth(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		intake(t, s, phoneIntake("In March", "2026-03-10"))
		tick(t, s, "2026-04-01 07:30") // the first working day, before 08:00
		tick(t, s, "2026-04-01 08:30")
		tick(t, s, "2026-04-01 10:30")
		tick(t, s, "2026-04-02 08:30")
		m := s.Mail.Await(t, "accountability_report", officer, "")
		if !strings.Contains(m.Subject, "1 maart 2026") || !strings.Contains(m.Text, "Binnengekomen: 1") || !strings.Contains(m.Link("StaffDesk"), "view=report") {
			t.Errorf("report letter:\n%s\n%s", m.Subject, m.Text)
		}
		tick(t, s, "2026-04-03 09:00") // Good Friday 2026 is no holiday in the calendar; still not the first working day
		if n := s.Mail.Count("accountability_report", "", ""); n != 1 {
			t.Errorf("%d report letters in one month, want 1", n)
		}
	})
}

func TestDeskReportAndCSV(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		intake(t, s, phoneIntake("Old One", "2026-01-20"))
		in := phoneIntake("Erik Erasure", "2026-03-02")
		in.Type, in.Details = "erasure", "Verwijder mijn gegevens."
		intake(t, s, in)
		intake(t, s, phoneIntake("Outside Period", "2026-02-27"))
		r, facts, err := s.App.Desk.Report(ctx, civil.Date{Year: 2026, Month: 1, Day: 1}, civil.Date{Year: 2026, Month: 1, Day: 31})
		if err != nil {
			t.Fatal(err)
		}
		if r.Received[request.Access] != 1 || r.Open != 1 || r.OverdueNow != 1 || len(facts) != 1 {
			t.Errorf("January: %+v", r)
		}
		r, facts, _ = s.App.Desk.Report(ctx, civil.Date{Year: 2026, Month: 3, Day: 1}, civil.Date{Year: 2026, Month: 3, Day: 31})
		if r.Received[request.Erasure] != 1 || r.Received[request.Access] != 0 || r.Open != 1 {
			t.Errorf("March: %+v", r)
		}
		var buf bytes.Buffer
		if err := report.WriteCSV(&buf, facts, "nl"); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"Erik", "Erasure", "Dorpsstraat", "3901"} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("CSV holds %q:\n%s", secret, buf.String())
			}
		}
	})
}

func TestDeskExport(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory})
	c := intake(t, s, phoneIntake("Audit Me", "2026-03-20"))
	x, err := s.App.Desk.ExportCase(ctx, "auditor@corp.test", c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"intake"`, `"exported"`, `"receipt"`, `"channel": "phone"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, buf.String())
		}
	}
	if strings.Contains(buf.String(), "Audit Me") || strings.Contains(buf.String(), "Dorpsstraat") {
		t.Errorf("export holds personal data:\n%s", buf.String())
	}
	if _, err := s.App.Desk.ExportCase(ctx, "auditor@corp.test", "PL-0000-0000"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("unknown case: %v", err)
	}
}

// A seeded set with known answers: on time, late, extended, refused, suspended (awaiting
// identity for 10 days), and one still open and overdue.
func TestDeskReportFiguresOnASeededSet(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, NoDelivery: true, Now: amsterdam("2026-03-27 10:00")})
		day := func(d int) civil.Date { return civil.Date{Year: 2026, Month: 1, Day: 1}.AddDays(d - 1) } // day(5) = 5 January
		at := func(d int) time.Time { return deadline.StartOfDay(day(d)).Add(10 * time.Hour) }
		seed := func(ref string, typ request.Type, received, due int, extended bool, outcome request.Outcome, ground request.Ground, decided int, events ...request.Event) {
			c := &request.Case{Reference: ref, Type: typ, Status: request.InProgress, Lang: "nl", Channel: request.ChannelPhone,
				Subject:     request.Person{Name: "Seed " + ref, BirthDate: civil.Date{Year: 1970, Month: 1, Day: 1}},
				SubmittedAt: at(received), ConfirmedAt: at(received), Received: day(received), DueDate: day(due), Extended: extended,
				UpdatedAt: at(received), RetainUntil: at(400)}
			if decided > 0 {
				c.Status = request.Decided
				c.Decision = &request.Decision{Outcome: outcome, Ground: ground, DecidedAt: at(decided), DecidedBy: "staff@corp.test", Motivation: "m"}
				events = append(events, request.Event{At: at(decided), Actor: "staff@corp.test", Action: "decide", Detail: string(outcome)})
				c.UpdatedAt = at(decided)
			}
			if err := s.Store.Submit(ctx, c, app.Change{Events: events}, nil); err != nil {
				t.Fatal(err)
			}
		}
		intakeAt := func(d int, st request.Status) request.Event {
			return request.Event{At: at(d), Actor: "staff@corp.test", Action: "intake", Detail: string(st)}
		}
		seed("PL-0NT1-ME00", request.Access, 5, 33, false, request.Granted, "", 20, intakeAt(5, request.InProgress))
		seed("PL-1ATE-0000", request.Access, 6, 34, false, request.Refused, request.Excessive, 41, intakeAt(6, request.InProgress))
		seed("PL-EXTD-0000", request.Access, 7, 97, true, request.Granted, "", 60, intakeAt(7, request.InProgress),
			request.Event{At: at(30), Actor: "staff@corp.test", Action: "extend"})
		seed("PL-SUSP-0000", request.Erasure, 8, 46, false, request.PartlyGranted, request.ProtectionOfRights, 25,
			intakeAt(8, request.AwaitingIdentity), request.Event{At: at(18), Actor: "staff@corp.test", Action: "verify_identity"})
		seed("PL-0PEN-0000", request.Access, 9, 37, false, "", "", 0, intakeAt(9, request.InProgress))
		seed("PL-FEB0-0000", request.Access, 40, 68, false, "", "", 0, intakeAt(40, request.InProgress)) // February: outside

		r, facts, err := s.App.Desk.Report(ctx, day(1), day(31))
		if err != nil {
			t.Fatal(err)
		}
		if len(facts) != 5 || r.Received[request.Access] != 4 || r.Received[request.Erasure] != 1 {
			t.Errorf("received %v (%d facts)", r.Received, len(facts))
		}
		if r.Decided[request.Granted] != 2 || r.Decided[request.Refused] != 1 || r.Decided[request.PartlyGranted] != 1 {
			t.Errorf("decided %v", r.Decided)
		}
		if r.OnTime != 3 || r.Late != 1 || r.OnTimeRate == nil || *r.OnTimeRate != 0.75 {
			t.Errorf("on time %d, late %d, rate %v", r.OnTime, r.Late, r.OnTimeRate)
		}
		if r.Open != 1 || r.OverdueNow != 1 || r.Extended != 1 {
			t.Errorf("open %d, overdue %d, extended %d", r.Open, r.OverdueNow, r.Extended)
		}
		// Days to decision: 15, 35, 53, 17 → median (nearest rank) 17, p90 53.
		if r.MedianDaysToDecision == nil || *r.MedianDaysToDecision != 17 || r.P90DaysToDecision == nil || *r.P90DaysToDecision != 53 {
			t.Errorf("median %v, p90 %v", r.MedianDaysToDecision, r.P90DaysToDecision)
		}
		if r.RefusedByGround[request.Excessive] != 1 || r.RefusedByGround[request.ProtectionOfRights] != 1 {
			t.Errorf("grounds %v", r.RefusedByGround)
		}
		if st := r.Stages[request.AwaitingIdentity]; st.MedianDays == nil || *st.MedianDays != 10 {
			t.Errorf("awaiting identity: %+v", st)
		}
	})
}

// computerWords are what a letter by post must never say (issue 12, item 4).
var computerWords = regexp.MustCompile(`(?i)e-?mail|\bmail|link|download|upload|\bklik|click|readme|json|csv|token=|https?://`)

// A tenant without e-mail asks by phone for access; everything they get comes on paper, the
// data too, and posting it provides it.
func TestDeskPostalAccessThroughToPaperResult(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		c := intake(t, s, phoneIntake("Piet Post", "2026-03-27"))
		steps := []app.StaffInput{
			{Action: request.ActRequestIdentity, Reason: "Uw adres komt niet overeen met ons dossier."},
			{Action: request.ActVerifyIdentity, Method: "in_person", DocumentType: "passport"},
			{Action: request.ActExtend, Explanation: "Uw dossier is groot en ligt deels in het archief."},
			{Action: request.ActDecide, Outcome: "granted", AccessInfo: "Uw huurdossier van 1998 is vernietigd.",
				ResultFile: []byte("contract;adres;huur\r\nHV-1;Dorpsstraat 1;712,50\r\n")},
		}
		for _, in := range steps {
			s.Clock.Add(time.Hour)
			var err error
			if c, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, in); err != nil {
				t.Fatalf("%s: %v", in.Action, err)
			}
		}
		if c.Status != request.Decided || c.Result == nil {
			t.Fatalf("after decide: %s, result %v", c.Status, c.Result)
		}
		kinds := []string{"receipt", "id_requested", "identity_confirmed", "delay_notice", "decision", "result_ready"}
		var post []*outbox.Letter
		testenv.Eventually(t, "every letter waits to be posted", func() bool {
			post, _ = s.Store.LettersToPost(ctx, 20)
			return len(post) == len(kinds)
		})
		var got []string
		var result *outbox.Letter
		for _, l := range post {
			got = append(got, string(l.Kind))
			if l.Kind == "result_ready" {
				result = l
			}
			pv, err := s.App.Desk.PostLetter(ctx, l.ID)
			if err != nil {
				t.Fatalf("PostLetter(%s): %v", l.Kind, err)
			}
			if w := computerWords.FindAllString(pv.Subject+"\n"+pv.Text, -1); w != nil {
				t.Errorf("%s by post says %q:\n%s", l.Kind, w, pv.Text)
			}
			if !strings.Contains(pv.Text, "000 000 0000") || !slices.Equal(pv.OrgAddress, s.Profile.Organisation.PostalAddress) {
				t.Errorf("%s by post: no phone, or sender address %q", l.Kind, pv.OrgAddress)
			}
			if (l.Kind == "result_ready") != (pv.Result != nil) {
				t.Errorf("%s: paper result %v", l.Kind, pv.Result)
			}
		}
		slices.Sort(got)
		slices.Sort(kinds)
		if !slices.Equal(got, kinds) {
			t.Fatalf("letters to post %v, want %v", got, kinds)
		}
		if n := s.Mail.Count("result_ready", "", c.Reference) + s.Mail.Count("decision", "", c.Reference); n != 0 {
			t.Errorf("%d letters went by e-mail", n)
		}
		pv, err := s.App.Desk.PostLetterFor(ctx, "staff@corp.test", result.ID)
		if err != nil {
			t.Fatal(err)
		}
		if evs, _ := s.Store.Events(ctx, c.Reference); !slices.ContainsFunc(evs, func(e request.Event) bool {
			return e.Action == "result_viewed" && e.Actor == "staff@corp.test"
		}) {
			t.Errorf("opening the paper result is no event: %+v", evs)
		}
		recs := pv.Result.Data.Records()
		if len(recs) != 1 || !slices.Contains(recs[0], accessresult.Field{Name: "huur", Value: "712,50"}) {
			t.Errorf("paper result records %v", recs)
		}
		if pv.Result.Own.Reference != c.Reference || len(pv.Result.Own.Events) == 0 {
			t.Errorf("paper result own records %+v", pv.Result.Own)
		}
		if i := pv.Result.Info; i == nil || i.Purposes == "" || i.Particular != "Uw huurdossier van 1998 is vernietigd." {
			t.Errorf("paper result GDPR 15(1) information %+v", i)
		}
		decision := post[slices.IndexFunc(post, func(l *outbox.Letter) bool { return l.Kind == "decision" })]
		dv, err := s.App.Desk.PostLetter(ctx, decision.ID)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "decision by post", dv.Text, "op papier", "bij deze brief")

		// Posting the data provides it; the package then lives the profile's result term.
		s.Clock.Add(24 * time.Hour)
		if _, err := s.App.Desk.MarkPosted(ctx, "staff@corp.test", result.ID); err != nil {
			t.Fatal(err)
		}
		evs, _ := s.Store.Events(ctx, c.Reference)
		if !slices.ContainsFunc(evs, func(e request.Event) bool { return e.Action == "result_posted" && e.Actor == "staff@corp.test" }) {
			t.Errorf("no result_posted event: %+v", evs)
		}
		after, err := s.Store.Case(ctx, c.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if want := s.Clock.Now().AddDate(0, 0, s.Profile.Links.ResultDays); after.Result == nil || after.Result.ExpiresAt.After(want.Add(24*time.Hour)) {
			t.Errorf("result after posting: %+v, want it to expire about %s", after.Result, want)
		}
		v, err := s.App.Desk.Desk(ctx, app.DeskFilter{})
		if err != nil || v.Counts.ToPost != len(kinds)-1 {
			t.Errorf("desk after posting the result: %v, %d to post", err, v.Counts.ToPost)
		}
	})
}

// A stranger who tries a staff address five times does not lock its owner out of sign-in: the
// hourly count is per client and address; the letter id still sends one link per 10 minutes.
func TestDeskSignInCannotBeBlockedByAStranger(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		stranger, owner := app.Client{IP: "203.0.113.66"}, app.Client{IP: "198.51.100.7"}
		for range 5 {
			if err := s.App.Desk.RequestDeskLink(ctx, "staff@corp.test", stranger); err != nil {
				t.Fatalf("stranger's sign-in: %v", err)
			}
		}
		var rl *app.RateLimitedError
		if err := s.App.Desk.RequestDeskLink(ctx, "staff@corp.test", stranger); !errors.As(err, &rl) {
			t.Errorf("stranger's sixth sign-in: %v, want rate limited", err)
		}
		s.Clock.Set(amsterdam("2026-03-27 10:11"))
		if err := s.App.Desk.RequestDeskLink(ctx, "staff@corp.test", owner); err != nil {
			t.Fatalf("the owner's sign-in after a stranger's five: %v", err)
		}
		testenv.Eventually(t, "a second desk_link", func() bool { return s.Mail.Count("desk_link", "staff@corp.test", "") == 2 })
		if n := s.Mail.Count("desk_link", "staff@corp.test", ""); n != 2 {
			t.Errorf("%d desk links, want 2 (one per 10 minutes)", n)
		}
	})
}
