package functions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Issue 19 item 5 over HTTP: an upload is inspected only once everything cheaper has passed,
// every inspection counts against the client's RATE_LIMIT_PER_IP, and one client has at most
// one inspection in progress. An executable is the probe: inspected, it is always refused with
// 415 naming idDocument, so any other answer means it was not inspected.

var inspectProbe = append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...)

// countingCases counts Count, which every inspection calls before it opens the file. With hold
// set, the first Count signals entered and waits until hold is closed.
type countingCases struct {
	app.CaseStore
	counts  atomic.Int32
	hold    chan struct{}
	entered chan struct{}
	started atomic.Bool
}

func (c *countingCases) Count(ctx context.Context, limits []app.Limit, now time.Time) error {
	c.counts.Add(1)
	if c.hold != nil && c.started.CompareAndSwap(false, true) {
		close(c.entered)
		<-c.hold
	}
	return c.CaseStore.Count(ctx, limits, now)
}

// newCountingEnv is newEnv (memory backend) whose functions use a service on a countingCases.
func newCountingEnv(t *testing.T, o testenv.Options, hold bool) (*env, *countingCases) {
	t.Helper()
	o.Backend = testenv.Memory
	s := testenv.NewStack(t, o)
	cc := &countingCases{CaseStore: s.Store}
	if hold {
		cc.hold, cc.entered = make(chan struct{}), make(chan struct{})
	}
	deps := s.Deps
	deps.Cases = cc
	return serve(t, s, deps, fnkit.Options{}), cc
}

// errorFields lists the fields a JSON error answer names.
func errorFields(body string) []string {
	var got struct {
		Errors []struct{ Field string } `json:"errors"`
	}
	json.Unmarshal([]byte(body), &got)
	var out []string
	for _, f := range got.Errors {
		out = append(out, f.Field)
	}
	return out
}

func TestFieldInvalidPostsAreNotInspected(t *testing.T) {
	t.Parallel()
	three := 3
	e, cc := newCountingEnv(t, testenv.Options{RateIP: &three, FormIDCopy: true}, false)
	for i := range 5 { // more than the limit: nothing counts either
		ct, body := multipartBody(t, with(valid(), "name", nil, "email", "carla@"), "id.jpg", inspectProbe)
		resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
		if got := strings.Join(errorFields(b), ","); resp.StatusCode != 400 || strings.Contains(got, "idDocument") || got == "" {
			t.Fatalf("post %d with invalid fields: %d naming %q, want 400 naming the fields only (%s)", i+1, resp.StatusCode, got, b)
		}
	}
	// The HTML form again names the fields, not the file.
	ct, body := multipartBody(t, with(valid(), "name", nil), "id.jpg", inspectProbe)
	if resp, page := e.do(t, "POST", "/RequestForm", ct, body, nil); resp.StatusCode != 400 || strings.Contains(page, `href="#idDocument"`) {
		t.Errorf("HTML post with invalid fields: %d, want 400 without a verdict on the file", resp.StatusCode)
	}
	if n := cc.counts.Load(); n != 0 {
		t.Errorf("%d inspections counted, want 0", n)
	}
}

func TestBotPostsAreNotInspected(t *testing.T) {
	t.Parallel()
	e, _ := newCountingEnv(t, testenv.Options{FormIDCopy: true}, false)
	ct, body := multipartBody(t, with(valid(), "website", "http://spam.example"), "id.jpg", inspectProbe)
	resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("bot with an upload: %d %s, want 201 like a person, its file never inspected", resp.StatusCode, b)
	}
	if dump := e.Mem.Dump(); dump != "" {
		t.Errorf("a bot's post left records:\n%s", dump)
	}
}

func TestEveryInspectionCountsAndTheNextIs429(t *testing.T) {
	t.Parallel()
	three := 3
	e, cc := newCountingEnv(t, testenv.Options{RateIP: &three, FormIDCopy: true}, false)
	post := func() (*http.Response, string) {
		ct, body := multipartBody(t, valid(), "id.jpg", inspectProbe)
		return e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	}
	for i := range 3 {
		if resp, b := post(); resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(b, "idDocument") {
			t.Fatalf("inspection %d: %d %s, want 415 naming idDocument", i+1, resp.StatusCode, b)
		}
	}
	resp, b := post()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("fourth inspection in the hour: %d %s Retry-After %q, want 429 with Retry-After and no inspection",
			resp.StatusCode, b, resp.Header.Get("Retry-After"))
	}
	if n := cc.counts.Load(); n != 3 {
		t.Errorf("%d inspections counted, want 3", n)
	}
}

func TestConcurrentInspectionsOfOneClient(t *testing.T) {
	t.Parallel()
	ten := 10
	e, cc := newCountingEnv(t, testenv.Options{RateIP: &ten, FormIDCopy: true}, true)
	type answer struct {
		status int
		body   string
	}
	first := make(chan answer, 1)
	ct, body := multipartBody(t, valid(), "id.jpg", inspectProbe)
	req, _ := http.NewRequest("POST", e.srv.URL+"/RequestForm", body)
	go func() {
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Accept", "application/json")
		resp, err := noRedirect.Do(req)
		if err != nil {
			first <- answer{0, err.Error()}
			return
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		first <- answer{resp.StatusCode, b.String()}
	}()
	select {
	case <-cc.entered: // the first upload's inspection is in progress
	case a := <-first:
		t.Fatalf("the first upload finished without being counted: %d %s", a.status, a.body)
	}
	ct, body = multipartBody(t, with(valid(), "email", "second@tenant.test"), "id.jpg", inspectProbe)
	resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("second upload meanwhile: %d %s Retry-After %q, want 503 with Retry-After", resp.StatusCode, b, resp.Header.Get("Retry-After"))
	}
	close(cc.hold)
	if a := <-first; a.status != http.StatusUnsupportedMediaType {
		t.Errorf("first upload: %d %s, want 415 (inspected)", a.status, a.body)
	}
	ct, body = multipartBody(t, valid(), "id.jpg", inspectProbe)
	if resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON); resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("after the first finished: %d %s, want 415 (inspected)", resp.StatusCode, b)
	}
}

func TestUploadIDToADecidedCaseIs409WithoutInspection(t *testing.T) {
	t.Parallel()
	three := 3
	e, cc := newCountingEnv(t, testenv.Options{RateIP: &three, FormIDCopy: true}, false)
	ctx := context.Background()
	c, err := e.App.Intake.Submit(ctx, request.Submission{Type: "access", Name: "Carla", Email: "carla@tenant.test",
		BirthDate: "1980-05-17", Signature: "Carla", Declaration: true}, app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Intake.Confirm(ctx, c.Reference); err != nil {
		t.Fatal(err)
	}
	by := app.StaffLink{Holder: "staff@corp.test"}
	if _, err := e.App.Casework.StaffAct(ctx, c.Reference, by, app.StaffInput{Action: request.ActVerifyIdentity, Method: "known_data"}); err != nil {
		t.Fatal(err)
	}
	c, err = e.App.Casework.StaffAct(ctx, c.Reference, by, app.StaffInput{Action: request.ActDecide, Outcome: "refused",
		Motivation: "De gegevens gaan over de rechten van een ander.", Ground: "protection_of_rights"})
	if err != nil || c.Status != request.Decided {
		t.Fatalf("decide: %v, want decided", err)
	}
	tok, err := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Upload, Reference: c.Reference, Expires: e.Clock.Now().Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 { // more than the limit: nothing counts either
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		fw, _ := w.CreateFormFile("idDocument", "id.jpg")
		fw.Write(inspectProbe)
		w.Close()
		resp, b := e.do(t, "POST", "/UploadID?token="+url.QueryEscape(tok), w.FormDataContentType(), &buf, asJSON)
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("upload %d to a decided case: %d %s, want 409 without inspection", i+1, resp.StatusCode, b)
		}
	}
	if n := cc.counts.Load(); n != 0 {
		t.Errorf("%d inspections counted, want 0", n)
	}
}

// A function built without the inspector (fnlist says it takes no upload, so fnkit gives it
// none) answers an upload that reaches it with 500 and keeps nothing: a wiring mistake, never a
// verdict on the file and never a file stored unchecked.
func TestUploadWithoutAnInspectorFailsClearly(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, FormIDCopy: true})
	f := fnlist.RequestForm
	f.InspectsUploads = false
	k := s.KitFrom(t, f, s.Deps, fnkit.Options{})
	if k.App.Equipped().Inspector {
		t.Fatal("a Kit for a function that inspects no upload has an inspector")
	}
	srv := httptest.NewServer(fnkit.HTTPHandler(f.Name, k))
	t.Cleanup(srv.Close)
	ct, body := multipartBody(t, valid(), "id.jpg", jpegWithExif(t))
	req, _ := http.NewRequest("POST", srv.URL, body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("an upload to a function without the inspector: %d, want 500", resp.StatusCode)
	}
	if !strings.Contains(s.Logs.String(), app.ErrNoInspector.Error()) {
		t.Errorf("the log does not say why:\n%s", s.Logs)
	}
	if dump := s.Mem.Dump(); dump != "" {
		t.Errorf("an upload refused for want of an inspector left records:\n%s", dump)
	}
	// UploadIdentity refuses it too, for a case that waits for a copy.
	ctx := context.Background()
	c, err := s.App.Intake.Submit(ctx, request.Submission{Type: "access", Name: "Carla Contract", Email: "carla@tenant.test",
		BirthDate: "1980-05-17", Signature: "Carla Contract", Declaration: true}, app.Client{IP: "192.0.2.1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Intake.Confirm(ctx, c.Reference); err != nil {
		t.Fatal(err)
	}
	staff := app.StaffLink{Holder: "staff@corp.test"}
	if _, err := s.App.Casework.StaffAct(ctx, c.Reference, staff, app.StaffInput{Action: request.ActRequestIdentity, Reason: "De naam wijkt af."}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{IP: "192.0.2.1"}, jpegWithExif(t)); !errors.Is(err, app.ErrNoInspector) {
		t.Errorf("UploadIdentity without an inspector: %v, want ErrNoInspector", err)
	}
}
