package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Every flow ends lawfully (issue 10). These tests follow one case each through a flow that
// used to have no ending, or a wrong one.

func staffAct(t *testing.T, s *testenv.Stack, ref string, in app.StaffInput) *request.Case {
	t.Helper()
	c, err := s.App.Casework.StaffAct(ctx, ref, staffLink, in)
	if err != nil {
		t.Fatalf("%s: %v", in.Action, err)
	}
	return c
}

// fields returns the fields of a *ValidationError as "field:code", or fails.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var v *app.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("error %v is not a *ValidationError", err)
	}
	var out []string
	for _, f := range v.Fields {
		out = append(out, f.Field+":"+f.Code)
	}
	slices.Sort(out)
	return out
}

// notAllowed checks that err is a 409 (with reason, unless the state machine itself refused:
// reason "") and that the case did not change.
func notAllowed(t *testing.T, s *testenv.Stack, err error, reason string, before *request.Case) {
	t.Helper()
	var na *app.NotAllowedError
	if !errors.Is(err, app.ErrNotAllowed) || reason != "" && (!errors.As(err, &na) || na.Reason != reason) {
		t.Errorf("error %v, want not allowed: %s", err, reason)
	}
	after, _ := s.Store.Case(ctx, before.Reference)
	if after.Version != before.Version || after.Status != before.Status {
		t.Errorf("a refused action changed the case: version %d→%d, status %s→%s", before.Version, after.Version, before.Status, after.Status)
	}
}

// Identity never established: the requester is asked, does not answer, staff are reminded
// after the profile's reply term (no due-date reminders or escalations while the clock stands
// still), and the request is refused on identity_not_established with a motivated letter.
func TestRefusalWhenIdentityIsNotEstablished(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testRefusalWhenIdentityIsNotEstablished)
}

func testRefusalWhenIdentityIsNotEstablished(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Now: amsterdam("2026-03-27 10:00")})
	email := "doubt@tenant.test"
	c := submitConfirm(t, s, access(email))
	if c.Status != request.InProgress {
		t.Fatalf("after confirm: %s, want in_progress (no ID copy from everyone)", c.Status)
	}
	// Nothing is disclosed before identity is verified.
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "granted", ResultFile: []byte(`{"a":"b"}`)})
	notAllowed(t, s, err, "identity_unverified", c)

	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het e-mailadres is niet bij ons bekend."})
	if c.Status != request.AwaitingIdentity || c.Identity.RequestedAt.IsZero() {
		t.Fatalf("after request_identity: %s, clock stopped at %v", c.Status, c.Identity.RequestedAt)
	}
	asked := s.Mail.Await(t, "id_requested", email, c.Reference)
	mustContain(t, "id_requested", asked.Text, "Het e-mailadres is niet bij ons bekend.", "staat stil")

	// Only a refusal on identity_not_established may end the case now.
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Motivation: "x", Ground: "excessive", Evidence: "Vier gelijke verzoeken in één maand."})
	notAllowed(t, s, err, "identity_pending", c)

	// Long past the original due date (24 April): no reminders or escalations about it. The
	// silent requester is reminded 14 days (identity.replyDays) after the question; when the
	// term passes a second time, staff are told the case is ready to refuse.
	tick(t, s, "2026-04-09 07:59")
	tick(t, s, "2026-04-10 08:00")
	settle(t, s, c.Reference)
	if n := s.Mail.Count("id_requested", email, c.Reference); n != 2 {
		t.Fatalf("%d id_requested letters, want the question and one reminder", n)
	}
	if n := s.Mail.Count("staff_reminder", "staff@corp.test", c.Reference); n != 0 {
		t.Errorf("%d staff reminders after the first reply term, want 0 (the requester is reminded first)", n)
	}
	tick(t, s, "2026-05-20 08:00")
	settle(t, s, c.Reference)
	if n := s.Mail.Count("staff_overdue", s.Profile.Organisation.PrivacyOfficerEmail, c.Reference); n != 0 {
		t.Errorf("%d escalations while the clock stood still", n)
	}
	if n := s.Mail.Count("id_requested", email, c.Reference); n != 2 {
		t.Errorf("%d id_requested letters, want 2: one reminder only", n)
	}
	if n := s.Mail.Count("staff_reminder", "staff@corp.test", c.Reference); n != 1 {
		t.Fatalf("%d staff reminders, want 1 (the second ID reply term)", n)
	}
	rem := s.Mail.Await(t, "staff_reminder", "staff@corp.test", c.Reference)
	mustContain(t, "staff_reminder", rem.Text, "27 maart 2026", "identiteit niet vastgesteld")

	c = decide(t, s, c.Reference, app.StaffInput{Outcome: "refused", Ground: "identity_not_established",
		Motivation: "U hebt niet gereageerd op onze vraag om een kopie van uw identiteitsbewijs."})
	if c.Status != request.Decided || c.Identity.RequestedAt.IsZero() && c.Decision.Ground != request.IdentityNotEstablished {
		t.Errorf("after refusal: %s %+v", c.Status, c.Decision)
	}
	dec := s.Mail.Await(t, "decision", email, c.Reference)
	mustContain(t, "decision", dec.Text, "wij konden niet vaststellen wie u bent", "U hebt niet gereageerd", apAddress, "6 weken", "Hiervoor geldt geen termijn")
	if strings.Contains(dec.Text, "bemiddel") {
		t.Error("a decision promises mediation by the AP")
	}
}

// The clock stops for proof of identity only when it is asked within
// identity.askWithinWorkingDays working days of receipt, once per case, and never for a
// complaint; a later question states the unchanged due date (docs/rules.md §2, issue 23 item 7).
func TestIdentityStopsTheClockOnlyWhenAskedInTime(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testIdentityStopsTheClockOnlyWhenAskedInTime)
}

func testIdentityStopsTheClockOnlyWhenAskedInTime(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Now: amsterdam("2026-03-27 10:00")})
	// Received Friday 27 March 2026: five working days later is Friday 3 April (Goede Vrijdag
	// is no holiday for GDPR periods). Asked on 7 April: too late to stop the clock.
	late := submitConfirm(t, s, access("late@tenant.test"))
	s.Clock.Set(amsterdam("2026-04-07 09:00"))
	late = staffAct(t, s, late.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het adres klopt niet."})
	if !late.Identity.RequestedAt.IsZero() || late.DueDate.String() != "2026-04-24" {
		t.Errorf("asked late: clock stopped at %v, due %s; want running, 2026-04-24", late.Identity.RequestedAt, late.DueDate)
	}
	l := s.Mail.Await(t, "id_requested", "late@tenant.test", late.Reference)
	mustContain(t, "id_requested asked late", l.Text, "loopt gewoon door", "24 april 2026")
	if strings.Contains(l.Text, "staat stil") || l.Args["dueDate"] != "2026-04-24" {
		t.Errorf("a late question promises a stopped clock, or custom_args.dueDate = %q:\n%s", l.Args["dueDate"], l.Text)
	}

	// Asked in time (3 April): the clock stops; a rejected copy asks again without a second stop.
	s.Clock.Set(amsterdam("2026-03-27 10:00"))
	c := submitConfirm(t, s, access("once@tenant.test"))
	s.Clock.Set(amsterdam("2026-04-03 16:00"))
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het e-mailadres is nieuw."})
	if c.Identity.RequestedAt.IsZero() {
		t.Fatal("asked on the fifth working day: the clock runs on")
	}
	s.Clock.Set(amsterdam("2026-04-08 10:00"))
	if _, err := s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, testJPEG(t)); err != nil {
		t.Fatal(err)
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRejectIdentity, Reason: "De pasfoto is niet afgeschermd."})
	// 5 days stood still: Vallei's 4 weeks end on 24 April, + 5 = 29 April.
	if !c.Identity.RequestedAt.IsZero() || c.SuspendedDays != 5 || c.DueDate.String() != "2026-04-29" {
		t.Errorf("after the rejected copy: stopped at %v, %d days, due %s; want running, 5, 2026-04-29", c.Identity.RequestedAt, c.SuspendedDays, c.DueDate)
	}
	rej := s.Mail.Await(t, "id_rejected", "once@tenant.test", c.Reference)
	mustContain(t, "id_rejected", rej.Text, "loopt gewoon door", "29 april 2026")

	// A complaint needs no identity check: no question, no stop.
	k := access("klacht-id@tenant.test")
	k.Type, k.Details = "complaint", "Mijn gegevens lagen bij de buren."
	kc := submitConfirm(t, s, k)
	_, err := s.App.Casework.StaffAct(ctx, kc.Reference, staffLink, app.StaffInput{Action: request.ActRequestIdentity, Reason: "x"})
	notAllowed(t, s, err, "complaint_no_identity", kc)
}

// The clock stands still from the request for a copy until it arrives; the days are added at
// the end and an extension is kept (docs/rules.md §3). The requester is told the new due date.
func TestSuspensionKeepsTheExtensionAndTellsTheNewDueDate(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testSuspensionKeepsTheExtension)
}

func testSuspensionKeepsTheExtension(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Now: amsterdam("2026-03-27 10:00")})
	email := "ext@tenant.test"
	c := submitConfirm(t, s, access(email))
	s.Clock.Set(amsterdam("2026-04-01 10:00"))
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActExtend, Explanation: "Het dossier is groot."})
	// 27 March + 3 months = 27 June, a Saturday: Monday 29 June.
	if got := c.DueDate.String(); got != "2026-06-29" || !c.Extended {
		t.Fatalf("extended due = %s extended=%v, want 2026-06-29", got, c.Extended)
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het adres klopt niet met onze gegevens."})
	s.Clock.Set(amsterdam("2026-04-15 11:00"))
	if _, err := s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, testJPEG(t)); err != nil {
		t.Fatal(err)
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActVerifyIdentity, Method: "id_copy", DocumentType: "passport"})
	// 14 days stood still: 27 June + 14 = 11 July, a Saturday: Monday 13 July. Still extended.
	if got := c.DueDate.String(); got != "2026-07-13" || !c.Extended || c.SuspendedDays != 14 {
		t.Errorf("due = %s extended=%v suspended=%d, want 2026-07-13, true, 14", got, c.Extended, c.SuspendedDays)
	}
	if c.Identity.Method != request.VerifyIDCopy || c.Identity.DocumentType != request.Passport || c.Identity.CopyHeld {
		t.Errorf("identity = %+v", c.Identity)
	}
	conf := s.Mail.Await(t, "identity_confirmed", email, c.Reference)
	if got := conf.Args["dueDate"]; got != "2026-07-13" {
		t.Errorf("identity_confirmed dueDate = %q, want 2026-07-13", got)
	}
	mustContain(t, "identity_confirmed", conf.Text, "13 juli 2026", "opgeschoven")
	if conf.Link("RequestStatus") == "" {
		t.Error("identity_confirmed has no status link")
	}

	st, err := s.App.Intake.Status(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, e := range st.Timeline {
		steps = append(steps, e.Event)
	}
	want := []string{"submitted", "confirmed", "extend", "request_identity", "id_uploaded", "verify_identity"}
	if strings.Join(steps, " ") != strings.Join(want, " ") || st.DueDate != "2026-07-13" {
		t.Errorf("status timeline %v due %s, want %v due 2026-07-13", steps, st.DueDate, want)
	}
}

// Only the requester withdraws: staff record how they told us, and the letter says the request
// is closed without a decision. Every other ending is a decision with a ground and the full
// remedies: a representative who does not prove their authority is refused on
// representation_not_proven (docs/rules.md §4, issue 23 item 3).
func TestWithdrawalSendsALetter(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testWithdrawalSendsALetter)
}

func testWithdrawalSendsALetter(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend})
	email := "gone@tenant.test"
	c := submitConfirm(t, s, access(email))
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActWithdraw})
	if got := fields(t, err); strings.Join(got, " ") != "how:required" {
		t.Errorf("withdraw without how: %v", got)
	}
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActWithdraw, How: "web"})
	if got := fields(t, err); strings.Join(got, " ") != "how:invalid" {
		t.Errorf("withdraw on the web: %v", got)
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActWithdraw, How: "phone", Note: "Belde om 10:05."})
	if c.Status != request.Closed {
		t.Errorf("status = %s", c.Status)
	}
	l := s.Mail.Await(t, "withdrawn", email, c.Reference)
	mustContain(t, "withdrawn", l.Text, "U hebt ons telefonisch laten weten dat u uw verzoek om inzage van ", c.Reference, "niet ingetrokken")
	if strings.Contains(l.Text, "Belde om") {
		t.Errorf("the staff note reached the letter:\n%s", l.Text)
	}
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActWithdraw, How: "phone"})
	notAllowed(t, s, err, "", c)

	// A representative who does not prove their authority: a decision with its ground and the
	// remedies, never a silent close.
	sub := access("voogd@family.test")
	sub.Name, sub.Representative = "Piet Pupil", &request.RepresentativeInput{Name: "Vera Voogd", Email: "voogd@family.test", Capacity: "guardian"}
	sub.Signature = "Vera Voogd"
	c = submitConfirm(t, s, sub)
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused",
		Motivation: "x", Ground: "representation_not_proven"})
	if err != nil {
		t.Fatalf("refusal on representation_not_proven from in_progress: %v", err)
	}
	dec := s.Mail.Await(t, "decision", "voogd@family.test", c.Reference)
	mustContain(t, "decision", dec.Text, "wij hebben geen bewijs gekregen dat u namens deze persoon mag optreden", apAddress, "6 weken")

	// Without a representative the ground does not fit the case.
	c = submitConfirm(t, s, access("alone@tenant.test"))
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Motivation: "x", Ground: "representation_not_proven"})
	if got := fields(t, err); strings.Join(got, " ") != "ground:ground_no_representative" {
		t.Errorf("representation_not_proven without a representative: %v", got)
	}
	// Nor may a case end on identity_not_established when the requester was never asked.
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "refused", Motivation: "x", Ground: "identity_not_established"})
	notAllowed(t, s, err, "identity_not_asked", c)
}

// Deciding while the third party has not answered: their data counts as masked, the answer is
// a partial grant on protection_of_rights with remedies, and the access answer carries the
// profile's GDPR 15(1) information, in the letter and in the package.
func TestDecideWhileTheThirdPartyHasNotAnswered(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testDecideWhileTheThirdPartyHasNotAnswered)
}

func testDecideWhileTheThirdPartyHasNotAnswered(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie", Now: amsterdam("2026-03-02 10:00")})
	email := "tp@tenant.test"
	c := ready(t, s, access(email))
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActConsult, ThirdPartyName: "Buurvrouw de Boer", ThirdPartyEmail: "boer@buren.test"})
	tp := s.Mail.Await(t, "third_party_consultation", "boer@buren.test", c.Reference)
	mustContain(t, "third_party_consultation", tp.Text, "Dan maken wij uw gegevens onleesbaar")

	c = decide(t, s, c.Reference, app.StaffInput{Outcome: "partly_granted", Ground: "protection_of_rights",
		Motivation: "De naam van uw buurvrouw laten wij niet zien.", AccessInfo: "De melding over overlast kwam van een buurvrouw.",
		ResultFile: []byte(`{"dossier":"overlast"}`)})
	if c.Status != request.Decided || !c.ThirdParty.Mask {
		t.Errorf("after deciding: %s mask=%v", c.Status, c.ThirdParty.Mask)
	}
	dec := s.Mail.Await(t, "decision", email, c.Reference)
	mustContain(t, "decision", dec.Text, "onleesbaar", "de bescherming van u of van de rechten en vrijheden van anderen", apAddress,
		"de huur, de koop of het beheer", "WoningNet", "uiterlijk 2 jaar", "De melding over overlast kwam van een buurvrouw.")

	pkg, err := s.App.Intake.DownloadResult(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var readme string
	for _, f := range zr.File {
		if f.Name == "README.txt" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			readme = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	}
	flat := strings.Join(strings.Fields(readme), " ")
	mustContain(t, "README.txt", flat, "WoningNet", "Europese Economische Ruimte", "European Economic Area",
		"uiterlijk 2 jaar", "De melding over overlast kwam van een buurvrouw.", "Kenmerk: "+c.Reference)
}

// Correction notices tell the recipients only what staff write was corrected or erased, "at
// the request of the data subject"; "we gave these data to no one" only when staff tick it.
// Vallei Wonen motivates every correction decision, granted included.
func TestCorrectionNoticesCarryTheStaffSummaryOnly(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testCorrectionNoticesCarryTheStaffSummaryOnly)
}

func testCorrectionNoticesCarryTheStaffSummaryOnly(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend})
	email := "fix@tenant.test"
	sub := access(email)
	sub.Type, sub.ProposedChanges = "rectification", "Zet mijn nummer op 06-11111111 en haal mijn schuld weg, die is onterecht."
	c := ready(t, s, sub)

	in := app.StaffInput{Action: request.ActDecide, Outcome: "granted", Recipients: []string{"aannemer@werk.test"}}
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, in)
	if got, want := fields(t, err), []string{"correctionSummary:required", "motivation:required"}; !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v (every problem at once)", got, want)
	}
	in.Outcome, in.Ground = "partly_granted", "accurate"
	in.Motivation = "Uw telefoonnummer hebben wij aangepast. De huurschuld staat terecht in onze administratie."
	in.Evidence = "Een bankafschrift waaruit blijkt dat u de huur van maart hebt betaald."
	in.CorrectionSummary = "Het telefoonnummer is nu 06-11111111."
	c = staffAct(t, s, c.Reference, in)
	n := s.Mail.Await(t, "correction_notice", "aannemer@werk.test", c.Reference)
	mustContain(t, "correction_notice", n.Text, "Het telefoonnummer is nu 06-11111111.", "Op verzoek van de betrokkene", "Carla Contract")
	for _, never := range []string{"schuld", "onterecht", "op ons verzoek", email} {
		if strings.Contains(n.Text, never) {
			t.Errorf("correction_notice contains %q:\n%s", never, n.Text)
		}
	}

	er := access("erase2@tenant.test")
	er.Type, er.Details = "erasure", "Mijn oude inschrijving."
	c = ready(t, s, er)
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActDecide, Outcome: "granted", Motivation: "Niet meer nodig."})
	if got := fields(t, err); !slices.Equal(got, []string{"recipients:recipients_missing"}) {
		t.Errorf("erasure without recipients, note or tick: %v", got)
	}
	// The message names the three ways out, not only "fill in this field".
	var verr *app.ValidationError
	if errors.As(err, &verr) && len(verr.Fields) == 1 {
		if m := verr.Fields[0].Message("nl"); !strings.Contains(m, "Noem de ontvangers") || !strings.Contains(m, "aan niemand") {
			t.Errorf("recipients error (nl): %q", m)
		}
		if m := verr.Fields[0].Message("en"); !strings.Contains(m, "recipients") || !strings.Contains(m, "no one") {
			t.Errorf("recipients error (en): %q", m)
		}
	}
	c = decide(t, s, c.Reference, app.StaffInput{Outcome: "granted", Motivation: "Niet meer nodig.", NoRecipients: true})
	dec := s.Mail.Await(t, "decision", "erase2@tenant.test", c.Reference)
	mustContain(t, "decision", dec.Text, "aan niemand anders gegeven", "Niet meer nodig.")
}

// verify_identity records how identity was established, and a representative's authority;
// every problem is named at once.
func TestVerifyIdentityRecordsTheMethod(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testVerifyIdentityRecordsTheMethod)
}

func testVerifyIdentityRecordsTheMethod(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie"})
	sub := access("parent@family.test")
	sub.Name, sub.BirthDate = "Yusuf el Amrani", "2014-05-12"
	sub.Representative = &request.RepresentativeInput{Name: "Fatima el Amrani", Email: "parent@family.test", Capacity: "parent"}
	sub.Signature = "Fatima el Amrani"
	c := submitConfirm(t, s, sub)
	rec := s.Mail.Await(t, "receipt", "parent@family.test", c.Reference)
	mustContain(t, "receipt to a representative", rec.Text, "over de persoon die u vertegenwoordigt")
	if strings.Contains(rec.Text, "persoonsgegevens wij over u hebben") {
		t.Errorf("the receipt speaks to the representative as the data subject:\n%s", rec.Text)
	}

	for _, tc := range []struct {
		in   app.StaffInput
		want []string
	}{
		{app.StaffInput{}, []string{"method:required", "representationChecked:representation"}},
		{app.StaffInput{Method: "selfie", RepresentationChecked: true}, []string{"method:invalid"}},
		{app.StaffInput{Method: "in_person", RepresentationChecked: true}, []string{"documentType:required"}},
		{app.StaffInput{Method: "known_data", DocumentType: "passport"}, []string{"documentType:invalid", "representationChecked:representation"}},
	} {
		tc.in.Action = request.ActVerifyIdentity
		_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, tc.in)
		if got := fields(t, err); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: fields %v, want %v", tc.in, got, tc.want)
		}
	}
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActVerifyIdentity, Method: "in_person", DocumentType: "id_card", RepresentationChecked: true})
	if id := c.Identity; id.Method != request.VerifyInPerson || id.DocumentType != request.IDCard || !id.RepresentationChecked || id.Outcome != request.IdentityVerified {
		t.Errorf("identity = %+v", id)
	}
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActVerifyIdentity, Method: "known_data", RepresentationChecked: true})
	notAllowed(t, s, err, "already_verified", c)
}

// A complaint's receipt promises no delay notice (no complaint is extended) and names the routes
// when no decision comes: the complaints committee and the AP, without a time limit; never the
// AP's "advice" or a court term (docs/rules.md §4, issue 23 items 4, 10).
func TestComplaintReceipt(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: "de-alliantie"})
	sub := access("klacht@tenant.test")
	sub.Type, sub.Details = "complaint", "Mijn gegevens zijn naar de verkeerde aannemer gestuurd."
	c := submitConfirm(t, s, sub)
	rec := s.Mail.Await(t, "receipt", "klacht@tenant.test", c.Reference)
	mustContain(t, "complaint receipt", rec.Text, "nog geen beslissing", "klachtencommissie", "Hiervoor geldt geen termijn")
	for _, never := range []string{"vóór die datum weten", "identiteitsbewijs", "binnen 6 weken na", "advies"} {
		if strings.Contains(rec.Text, never) {
			t.Errorf("complaint receipt says %q:\n%s", never, rec.Text)
		}
	}
	c = submitConfirm(t, s, access("inzage@tenant.test"))
	rec = s.Mail.Await(t, "receipt", "inzage@tenant.test", c.Reference)
	mustContain(t, "access receipt", rec.Text, "vóór die datum weten", "binnen 6 weken na")
}

// Vallei Wonen's regulation allows a delay for access only (issue 23 item 6): a rectification
// cannot be extended, and its receipt promises no delay notice.
func TestValleiExtendsAccessOnly(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: "vallei-wonen"})
	sub := access("corr-ext@tenant.test")
	sub.Type, sub.ProposedChanges = "rectification", "Mijn telefoonnummer is 06-12345678."
	c := submitConfirm(t, s, sub)
	rec := s.Mail.Await(t, "receipt", "corr-ext@tenant.test", c.Reference)
	if strings.Contains(rec.Text, "vóór die datum weten") {
		t.Errorf("a Vallei rectification's receipt promises a delay notice:\n%s", rec.Text)
	}
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActExtend, Explanation: "Druk."})
	notAllowed(t, s, err, "extend_not_allowed", c)
	if slices.Contains(s.App.Actions(c, s.App.Now()), request.ActExtend) {
		t.Error("the staff page offers extend for a Vallei rectification")
	}
	a := submitConfirm(t, s, access("inzage-ext@tenant.test"))
	staffAct(t, s, a.Reference, app.StaffInput{Action: request.ActExtend, Explanation: "Het dossier is groot."})
}

// The decree-day data runs out: the product warns in time (docs/rules.md §3).
func TestCheckDecreeData(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, NoDelivery: true})
	if w := s.App.CheckDecreeData(amsterdam("2026-11-28 09:00")); w != "" {
		t.Errorf("2026: warning %q, want none", w)
	}
	w := s.App.CheckDecreeData(amsterdam("2027-07-01 09:00"))
	if !strings.Contains(w, "2028") || !strings.Contains(w, "decree_days.json") {
		t.Errorf("2027-07-01: warning %q, want one naming 2028 and decree_days.json", w)
	}
}

// queueStore records letters that belong to no case, refusing an id it already holds.
type queueStore struct {
	app.OutboxStore
	mu      sync.Mutex
	letters map[string]*outbox.Letter
}

func (q *queueStore) QueueLetter(_ context.Context, l *outbox.Letter) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.letters[l.ID]; ok {
		return app.ErrExists
	}
	q.letters[l.ID] = l
	return nil
}

// A year without decree-day data: the Tick warns the privacy officer and staff once, well
// before the year begins, in a letter about no case.
func TestDecreeDaysWarningLetterIsSentOnce(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, NoDelivery: true})
	q := &queueStore{OutboxStore: s.Store, letters: map[string]*outbox.Letter{}}
	d := s.Deps
	d.Outbox = q
	svc, err := app.New(d)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Sweep.Tick(ctx, amsterdam("2027-06-30 09:00")); err != nil || len(q.letters) != 0 {
		t.Fatalf("2027-06-30: %v, %d letters, want none (2028 is more than 6 months away)", err, len(q.letters))
	}
	for _, at := range []string{"2027-07-01 09:00", "2027-07-02 09:00", "2027-07-01 09:00"} {
		if _, err := svc.Sweep.Tick(ctx, amsterdam(at)); err != nil {
			t.Fatal(err)
		}
	}
	var to []string
	for _, l := range q.letters {
		to = append(to, l.To)
		m, err := svc.Render(l)
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, "decree_days_missing", m.Text, "2028", "decree_days.json")
		if _, ok := m.CustomArgs["reference"]; ok || m.Categories[0] != "decree_days_missing" {
			t.Errorf("custom_args %v categories %v", m.CustomArgs, m.Categories)
		}
	}
	slices.Sort(to)
	if want := []string{s.Profile.Organisation.PrivacyOfficerEmail, "staff@corp.test"}; !slices.Equal(to, want) {
		t.Errorf("warned %v, want %v, once each", to, want)
	}
}

// The form takes no ID copy unless the profile says so (form.acceptsIdCopy; both shipped
// profiles: off): a file sent anyway is refused, unopened, with every other problem at once,
// and nothing is stored (issue 23 item 12).
func TestFormTakesNoIDCopyByDefault(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory})
	sub := access("copy@tenant.test")
	sub.Name = ""
	_, err := s.App.Intake.Submit(ctx, sub, app.Client{IP: "192.0.2.70"}, testJPEG(t))
	if got := strings.Join(fields(t, err), " "); got != "idDocument:id_not_accepted name:required" {
		t.Errorf("fields %s, want idDocument:id_not_accepted name:required", got)
	}
	sub.Name = "Carla Contract"
	_, err = s.App.Intake.Submit(ctx, sub, app.Client{IP: "192.0.2.70"}, testJPEG(t))
	if got := strings.Join(fields(t, err), " "); got != "idDocument:id_not_accepted" {
		t.Errorf("fields %s, want idDocument:id_not_accepted", got)
	}
	if n := len(s.Mail.All()); n != 0 {
		t.Errorf("%d letters after refused submissions", n)
	}
	if _, err := s.App.Intake.Submit(ctx, sub, app.Client{IP: "192.0.2.70"}, nil); err != nil {
		t.Errorf("the same submission without a file: %v", err)
	}
}
