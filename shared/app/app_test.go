package app_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

var ctx = context.Background()

func access(email string) request.Submission {
	return request.Submission{Type: "access", Name: "Carla Contract", Email: email, BirthDate: "1980-05-17",
		Signature: "Carla Contract", Declaration: true}
}

func submitConfirm(t *testing.T, s *testenv.Stack, sub request.Submission) *request.Case {
	t.Helper()
	c, err := s.App.Intake.Submit(ctx, sub, app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	s.Mail.Await(t, "confirm_email", sub.Email, c.Reference)
	c, err = s.App.Intake.Confirm(ctx, c.Reference)
	if err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	return c
}

func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 400))
	for x := 0; x < 640; x++ {
		for y := 0; y < 400; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func date(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// The whole path of issue 2 and 3 on Vallei Wonen: submit, confirm (ID copy always asked,
// clock suspended), upload, verify; letters carry what they must.
func TestAccessRequestWithIdentityCheck(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testAccessRequestWithIdentityCheck)
}

// idAlways is Vallei Wonen asking every requester for a masked ID copy: no shipped profile
// does that any more (docs/rules.md §2), but a profile may, and the flow must work.
const idAlways = "testdata/vallei-id-always.json"

func testAccessRequestWithIdentityCheck(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: idAlways})
	email := "carla@tenant.test"
	c, err := s.App.Intake.Submit(ctx, access(email), app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Status, request.AwaitingConfirmation; got != want {
		t.Errorf("status = %s, want %s", got, want)
	}
	conf := s.Mail.Await(t, "confirm_email", email, c.Reference)
	if !strings.Contains(conf.Subject, c.Reference) || conf.Text == "" || conf.HTML == "" {
		t.Errorf("confirm_email lacks reference in subject or a part: %q", conf.Subject)
	}
	if got := conf.Link("ConfirmRequest"); !strings.HasPrefix(got, "http://privacyloket.test/ConfirmRequest?token=") {
		t.Errorf("confirm link = %q", got)
	}

	c, err = s.App.Intake.Confirm(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Status, request.AwaitingIdentity; got != want {
		t.Errorf("status after confirm = %s, want %s (Vallei Wonen asks every requester for ID)", got, want)
	}
	// 27 March 2026 + 4 weeks = 24 April 2026 (a Friday, no holiday).
	if got, want := c.DueDate, date("2026-04-24"); got != want {
		t.Errorf("due = %s, want %s", got, want)
	}
	rec := s.Mail.Await(t, "receipt", email, c.Reference)
	if got, want := rec.Args["dueDate"], "2026-04-24"; got != want {
		t.Errorf("receipt dueDate = %q, want %q", got, want)
	}
	if rec.Link("RequestStatus") == "" {
		t.Error("receipt has no status link")
	}
	s.Mail.Await(t, "id_requested", email, c.Reference)
	staff := s.Mail.Await(t, "staff_case", "staff@corp.test", c.Reference)
	if staff.Link("StaffCase") == "" || staff.Args["dueDate"] != "2026-04-24" {
		t.Errorf("staff_case: link %q dueDate %q", staff.Link("StaffCase"), staff.Args["dueDate"])
	}
	if _, err := s.App.Intake.Confirm(ctx, c.Reference); !errors.Is(err, app.ErrAlreadyConfirmed) {
		t.Errorf("second confirm: %v, want ErrAlreadyConfirmed", err)
	}

	// Three days later the copy arrives: the clock stood still for three days.
	s.Clock.Add(72 * time.Hour)
	raw := testJPEG(t)
	doc, err := inspect.Inspect(raw)
	if err != nil {
		t.Fatal(err)
	}
	c, err = s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Identity.CopyHeld || c.SuspendedDays != 3 {
		t.Errorf("after upload: held %v suspended %d, want true 3", c.Identity.CopyHeld, c.SuspendedDays)
	}
	if got, want := c.DueDate, date("2026-04-27"); got != want {
		// 24 April + 3 days = 27 April, Koningsdag 2026 (a Monday): the GDPR month would roll,
		// but Vallei's own 4 weeks do not roll, and the earlier date wins.
		t.Errorf("due after suspension = %s, want %s", got, want)
	}
	sealed, _, err := s.Store.IDCopy(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, doc.Data[:64]) {
		t.Error("stored ID copy contains plaintext")
	}
	plain, _, err := s.App.Casework.IDCopy(ctx, c.Reference, staffLink)
	if err != nil || !bytes.Equal(plain, doc.Data) {
		t.Errorf("IDCopy round trip failed: %v", err)
	}

	c, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActVerifyIdentity, Method: "id_copy", DocumentType: "passport"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != request.InProgress || c.Identity.CheckedBy != "staff@corp.test" || c.Identity.DocumentType != "passport" || c.Identity.CopyHeld {
		t.Errorf("after verify: %+v %+v", c.Status, c.Identity)
	}
	if _, _, err := s.Store.IDCopy(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("ID copy after verify: %v, want ErrNotFound", err)
	}
	_, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActVerifyIdentity, Method: "id_copy", DocumentType: "passport"})
	if !errors.Is(err, app.ErrNotAllowed) {
		t.Errorf("second verify: %v, want ErrNotAllowed", err)
	}
	events, err := s.Store.Events(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range events {
		trail = append(trail, e.Actor+":"+string(e.Action))
	}
	if got, want := strings.Join(trail, " "), "requester:submitted requester:confirmed requester:id_uploaded staff@corp.test:id_copy_viewed staff@corp.test:verify_identity"; got != want {
		t.Errorf("audit trail = %q, want %q", got, want)
	}
	if strings.Contains(s.Logs.String(), email) || strings.Contains(s.Logs.String(), "Carla") {
		t.Errorf("logs contain personal data:\n%s", s.Logs.String())
	}
}

func TestRejectAndRequestIdentity(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testRejectAndRequestIdentity)
}

func testRejectAndRequestIdentity(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie"})
	c := submitConfirm(t, s, access("ria@tenant.test"))
	if got, want := c.Status, request.InProgress; got != want {
		t.Fatalf("de Alliantie after confirm = %s, want %s (no ID copy by default)", got, want)
	}
	_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActRejectIdentity, Reason: "x"})
	if !errors.Is(err, app.ErrNotAllowed) {
		t.Errorf("reject without copy: %v, want ErrNotAllowed", err)
	}
	var verr *app.ValidationError
	if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActRequestIdentity}); !errors.As(err, &verr) {
		t.Errorf("request_identity without reason: %v, want ValidationError", err)
	}
	c, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActRequestIdentity, Reason: "De naam wijkt af."})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Mail.Await(t, "id_requested", "ria@tenant.test", c.Reference)
	if !strings.Contains(m.Text, "De naam wijkt af.") || m.Link("UploadID") == "" {
		t.Errorf("id_requested lacks the reason or the upload link:\n%s", m.Text)
	}
	if _, err := s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, testJPEG(t)); err != nil {
		t.Fatal(err)
	}
	c, err = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActRejectIdentity, Reason: "Onleesbaar."})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != request.AwaitingIdentity || c.Identity.CopyHeld {
		t.Errorf("after reject: %s held=%v", c.Status, c.Identity.CopyHeld)
	}
	if _, _, err := s.Store.IDCopy(ctx, c.Reference); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("ID copy after reject: %v, want gone", err)
	}
	rej := s.Mail.Await(t, "id_rejected", "ria@tenant.test", c.Reference)
	if !strings.Contains(rej.Text, "Onleesbaar.") || rej.Link("UploadID") == "" {
		t.Errorf("id_rejected lacks reason or new link:\n%s", rej.Text)
	}
}

// Two staff members acting at once on one case: exactly one wins.
func TestConcurrentStaffActionsHaveOneWinner(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testConcurrentStaffActionsHaveOneWinner)
}

func testConcurrentStaffActionsHaveOneWinner(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: idAlways})
	c := submitConfirm(t, s, access("duo@tenant.test"))
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActVerifyIdentity, Method: "id_copy", DocumentType: "id_card"})
		}()
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, app.ErrNotAllowed):
			t.Errorf("unexpected error: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d winners, want 1", wins)
	}
	events, _ := s.Store.Events(ctx, c.Reference)
	verifies := 0
	for _, e := range events {
		if e.Action == "verify_identity" {
			verifies++
		}
	}
	if verifies != 1 {
		t.Errorf("%d verify events, want 1", verifies)
	}
}

func TestExtendOnceAndOnlyBeforeTheDueDate(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testExtendOnceAndOnlyBeforeTheDueDate)
}

func testExtendOnceAndOnlyBeforeTheDueDate(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, Profile: "de-alliantie"})
	c := submitConfirm(t, s, access("ext@tenant.test"))
	var verr *app.ValidationError
	if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActExtend}); !errors.As(err, &verr) {
		t.Fatalf("extend without explanation: %v", err)
	}
	c, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActExtend, Explanation: "Wij moeten gegevens uit drie systemen halen."})
	if err != nil {
		t.Fatal(err)
	}
	// Receipt 27 March 2026 + 3 months = 27 June 2026, a Saturday: rolls to Monday 29 June.
	if got, want := c.DueDate, date("2026-06-29"); got != want || !c.Extended {
		t.Errorf("extended due = %s (extended %v), want %s", got, c.Extended, want)
	}
	notice := s.Mail.Await(t, "delay_notice", "ext@tenant.test", c.Reference)
	if notice.Args["dueDate"] != "2026-06-29" || !strings.Contains(notice.Text, "drie systemen") {
		t.Errorf("delay_notice: dueDate %q, text:\n%s", notice.Args["dueDate"], notice.Text)
	}
	if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, app.StaffInput{Action: request.ActExtend, Explanation: "Nog eens."}); !errors.Is(err, app.ErrNotAllowed) {
		t.Errorf("second extend: %v, want ErrNotAllowed", err)
	}

	late := submitConfirm(t, s, access("late@tenant.test"))
	s.Clock.Set(deadline.StartOfDay(late.DueDate.AddDays(1)).Add(9 * time.Hour))
	_, err = s.App.Casework.StaffAct(ctx, late.Reference, staffLink, app.StaffInput{Action: request.ActExtend, Explanation: "Te laat."})
	var na *app.NotAllowedError
	if !errors.As(err, &na) || na.Reason != "extend_late" {
		t.Errorf("extend after due date: %v, want extend_late", err)
	}
}

// A rejected submission stores nothing at all.
func TestInvalidSubmissionStoresNothing(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testInvalidSubmissionStoresNothing)
}

func testInvalidSubmissionStoresNothing(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend})
	bad := request.Submission{Type: "erasure", Email: "not-an-email", BirthDate: "2030-01-01"}
	_, err := s.App.Intake.Submit(ctx, bad, app.Client{IP: "192.0.2.9"}, nil)
	var verr *app.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Submit: %v, want ValidationError", err)
	}
	var fields []string
	for _, f := range verr.Fields {
		fields = append(fields, f.Field)
	}
	if got, want := strings.Join(fields, ","), "name,email,birthDate,details,signature,declaration"; got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
	if s.Mem != nil {
		if dump := s.Mem.Dump(); dump != "" {
			t.Errorf("the store holds records after a rejected submission:\n%s", dump)
		}
		return
	}
	docs, err := s.FS.Collections(ctx).GetAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 0 {
		t.Errorf("Firestore holds collections after a rejected submission: %d", len(docs))
	}
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testRateLimits)
}

func testRateLimits(t *testing.T, backend testenv.Backend) {
	two := 2
	s := testenv.NewStack(t, testenv.Options{Backend: backend, RateIP: &two})
	for i := range 2 {
		if _, err := s.App.Intake.Submit(ctx, access("r"+string(rune('a'+i))+"@tenant.test"), app.Client{IP: "198.51.100.7"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.App.Intake.Submit(ctx, access("rc@tenant.test"), app.Client{IP: "198.51.100.7"}, nil)
	var rl *app.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 || rl.RetryAfter > time.Hour {
		t.Fatalf("third submission: %v, want RateLimitedError within the hour", err)
	}
	if _, err := s.App.Intake.Submit(ctx, access("rd@tenant.test"), app.Client{IP: "198.51.100.8"}, nil); err != nil {
		t.Errorf("another IP is limited too: %v", err)
	}
	s.Clock.Add(time.Hour)
	if _, err := s.App.Intake.Submit(ctx, access("re@tenant.test"), app.Client{IP: "198.51.100.7"}, nil); err != nil {
		t.Errorf("after the window: %v", err)
	}
	if strings.Contains(s.Logs.String(), "198.51.100.7") {
		t.Error("an IP address reached the logs")
	}
}

// SendGrid down for a while: the letter is retried and delivered exactly once.
func TestMailSurvivesAnOutage(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testMailSurvivesAnOutage)
}

func testMailSurvivesAnOutage(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend})
	s.Mail.FailNext(500, 503, 429)
	c, err := s.App.Intake.Submit(ctx, access("outage@tenant.test"), app.Client{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Mail.Await(t, "confirm_email", "outage@tenant.test", c.Reference)
	if got := s.Mail.Calls(); got < 4 {
		t.Errorf("calls = %d, want at least 4 (3 failures, then success)", got)
	}
	// Redelivering the same letter sends nothing again (once its outcome is recorded).
	settle(t, s, c.Reference)
	letters, _ := s.Store.Letters(ctx, c.Reference)
	for _, l := range letters {
		if err := s.App.Mailroom.SendLetter(ctx, l.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := s.Mail.Count("confirm_email", "outage@tenant.test", c.Reference); got != 1 {
		t.Errorf("confirm_email sent %d times, want 1", got)
	}
}

// A 400 from SendGrid is final: recorded on the letter, not retried for ever.
func TestPermanentMailFailureIsRecorded(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testPermanentMailFailureIsRecorded)
}

func testPermanentMailFailureIsRecorded(t *testing.T, backend testenv.Backend) {
	s := testenv.NewStack(t, testenv.Options{Backend: backend, NoDelivery: true})
	c, err := s.App.Intake.Submit(ctx, access("perm@tenant.test"), app.Client{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	letters, _ := s.Store.Letters(ctx, c.Reference)
	s.Mail.FailNext(400)
	if err := s.App.Mailroom.SendLetter(ctx, letters[0].ID); err != nil {
		t.Fatalf("SendLetter on a permanent failure = %v, want nil (no retry)", err)
	}
	letters, _ = s.Store.Letters(ctx, c.Reference)
	if letters[0].Status != "failed" || letters[0].LastError == "" {
		t.Errorf("letter after 400: status %s error %q", letters[0].Status, letters[0].LastError)
	}
}

func sprint(v any) string { return fmt.Sprint(v) }

// New names every missing store instead of failing later on a nil interface.
func TestNewRejectsMissingStores(t *testing.T) {
	t.Parallel()
	_, err := app.New(app.Deps{})
	if err == nil {
		t.Fatal("New without stores succeeded")
	}
	for _, want := range []string{"Cases", "Outbox", "DeskStore", "Blobs", "Sessions"} {
		if !strings.Contains(err.Error(), want+" is required") {
			t.Errorf("New without stores: %v, want it to name %s", err, want)
		}
	}
}
