// The tests in this directory serve every function of the product together over HTTP, as
// scripts/dev does, each registered by its own package (the imports below) and built on a Kit of
// its own with exactly what it gets when deployed (testenv.Kit), and follow requests across
// them: a desk link to a case page, a decision to a download.
package functions_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/civil"
	"github.com/cloudevents/sdk-go/v2/event"

	_ "github.com/privacyloket/privacyloket/functions/approvedecision"
	_ "github.com/privacyloket/privacyloket/functions/confirmrequest"
	_ "github.com/privacyloket/privacyloket/functions/downloadresult"
	_ "github.com/privacyloket/privacyloket/functions/requestform"
	_ "github.com/privacyloket/privacyloket/functions/requeststatus"
	_ "github.com/privacyloket/privacyloket/functions/searchtask"
	_ "github.com/privacyloket/privacyloket/functions/sendmail"
	_ "github.com/privacyloket/privacyloket/functions/staffcase"
	_ "github.com/privacyloket/privacyloket/functions/staffdesk"
	_ "github.com/privacyloket/privacyloket/functions/thirdpartyresponse"
	_ "github.com/privacyloket/privacyloket/functions/tick"
	_ "github.com/privacyloket/privacyloket/functions/uploadid"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/testenv"
	"github.com/privacyloket/privacyloket/shared/web"
)

type env struct {
	*testenv.Stack
	srv *httptest.Server
	mu  sync.Mutex
	// fns serve the HTTP functions, each started like the deployed function: on a Kit of its
	// own with exactly the secrets Terraform mounts into it (fnlist.Function.Secrets), so a page
	// that needs a key its function lacks fails here as it would in production (issue 19 item 6).
	fns map[string]http.HandlerFunc
	// events are the event functions, called directly.
	events map[string]fnkit.EventFunc
	deps   app.Deps
	opts   fnkit.Options
}

func newEnv(t *testing.T, o testenv.Options) *env {
	t.Helper()
	return newEnvWith(t, o, fnkit.Options{})
}

// newEnvWith is newEnv with the deployment's options.
func newEnvWith(t *testing.T, o testenv.Options, ko fnkit.Options) *env {
	t.Helper()
	s := testenv.NewStack(t, o)
	return serve(t, s, s.Deps, ko)
}

// serve serves every function of the product, as registered by its package (the imports
// above), each on a Kit built from deps with what it gets when deployed.
func serve(t *testing.T, s *testenv.Stack, deps app.Deps, ko fnkit.Options) *env {
	t.Helper()
	if got, want := len(fnkit.Registered()), len(fnlist.All); got != want {
		t.Fatalf("%d functions registered, want all %d (fnlist.All): a package is not imported here", got, want)
	}
	e := &env{Stack: s, fns: map[string]http.HandlerFunc{}, events: map[string]fnkit.EventFunc{}, deps: deps, opts: ko}
	mux := http.NewServeMux()
	for _, f := range fnlist.All {
		if f.Topic != "" {
			e.events[f.Name] = fnkit.EventHandler(f.Name, s.KitFrom(t, f, deps, ko))
			continue
		}
		e.restart(t, f, deps)
		mux.HandleFunc("/"+f.Name, func(w http.ResponseWriter, r *http.Request) { e.handler(f.Name)(w, r) })
	}
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// restart serves HTTP function f from now on as a new instance started on deps.
func (e *env) restart(t *testing.T, f fnlist.Function, deps app.Deps) {
	t.Helper()
	h := fnkit.HTTPHandler(f.Name, e.KitFrom(t, f, deps, e.opts))
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fns[f.Name] = h
}

func (e *env) handler(name string) http.HandlerFunc {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fns[name]
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func (e *env) do(t *testing.T, method, path, ctype string, body io.Reader, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var asJSON = map[string]string{"Accept": "application/json"}

func (e *env) postJSON(t *testing.T, path string, v any) (*http.Response, string) {
	t.Helper()
	b, _ := json.Marshal(v)
	return e.do(t, "POST", path, "application/json", bytes.NewReader(b), asJSON)
}

func valid() map[string]any {
	return map[string]any{"type": "access", "name": "Carla Contract", "email": "carla@tenant.test",
		"birthDate": "1980-05-17", "signature": "Carla Contract", "declaration": true}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

// assertEmpty checks that the emulator holds no document at all for this test's project.
func (e *env) assertEmpty(t *testing.T) {
	t.Helper()
	cols, err := e.FS.Collections(context.Background()).GetAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 0 {
		var names []string
		for _, c := range cols {
			names = append(names, c.ID)
		}
		t.Errorf("Firestore holds %v after a rejected submission", names)
	}
}

func TestSubmissionRulesNameEveryField(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	today := e.Clock.Now()
	minor := today.AddDate(-10, 0, 0).Format("2006-01-02")
	cases := []struct {
		name string
		body map[string]any
		want []string
	}{
		{"empty", map[string]any{}, []string{"birthDate", "declaration", "email", "name", "signature", "type"}},
		{"unknown type", with(valid(), "type", "delete-all"), []string{"type"}},
		{"bad email and date", with(valid(), "email", "carla@", "birthDate", "17-05-1980"), []string{"birthDate", "email"}},
		{"future birth date", with(valid(), "birthDate", "2090-01-01"), []string{"birthDate"}},
		{"erasure without details", with(valid(), "type", "erasure"), []string{"details"}},
		{"complaint without details", with(valid(), "type", "complaint"), []string{"details"}},
		{"rectification without proposed changes", with(valid(), "type", "rectification"), []string{"proposedChanges"}},
		{"objection without motivation", with(valid(), "type", "objection"), []string{"motivation"}},
		{"minor without representative", with(valid(), "birthDate", minor), []string{"representative"}},
		{"representative incomplete", with(valid(), "birthDate", minor, "representative", map[string]any{"name": "Ouder", "email": "x", "capacity": "uncle"}),
			[]string{"representative.capacity", "representative.email"}},
		{"declaration false", with(valid(), "declaration", false), []string{"declaration"}},
		{"bad relation and lang", with(valid(), "relation", "landlord", "lang", "de"), []string{"lang", "relation"}},
		{"wrong JSON types", with(valid(), "name", 42, "email", true), []string{"email", "name"}},
	}
	for _, tc := range cases {
		resp, body := e.postJSON(t, "/RequestForm", tc.body)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400 (%s)", tc.name, resp.StatusCode, body)
			continue
		}
		var got struct {
			Errors []struct{ Field, Message string } `json:"errors"`
		}
		json.Unmarshal([]byte(body), &got)
		var fields []string
		for _, f := range got.Errors {
			fields = append(fields, f.Field)
			if f.Message == "" {
				t.Errorf("%s: field %s has no message", tc.name, f.Field)
			}
		}
		sort.Strings(fields)
		if !slices.Equal(fields, tc.want) {
			t.Errorf("%s: fields %v, want %v", tc.name, fields, tc.want)
		}
	}
	// A minor with a complete representative is fine, and letters go to the representative.
	resp, body := e.postJSON(t, "/RequestForm", with(valid(), "birthDate", minor,
		"representative", map[string]any{"name": "Olga Ouder", "email": "olga@tenant.test", "capacity": "parent"}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("minor with representative: %d %s", resp.StatusCode, body)
	}
	var created struct{ Reference string }
	json.Unmarshal([]byte(body), &created)
	e.Mail.Await(t, "confirm_email", "olga@tenant.test", created.Reference)
	if n := e.Mail.Count("", "carla@tenant.test", ""); n != 0 {
		t.Errorf("the minor received %d letters; the representative should", n)
	}
}

func TestRejectedRequestsStoreNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{FormIDCopy: true})
	big := strings.Repeat("a", 70<<10)
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...)
	cases := []struct {
		name   string
		ctype  string
		body   func() io.Reader
		status int
	}{
		{"invalid JSON fields", "application/json", func() io.Reader { return strings.NewReader(`{"type":"x"}`) }, 400},
		{"not JSON", "application/json", func() io.Reader { return strings.NewReader(`{`) }, 400},
		{"text/plain", "text/plain", func() io.Reader { return strings.NewReader("hello") }, 415},
		{"no content type", "", func() io.Reader { return strings.NewReader("hello") }, 415},
		{"JSON too large", "application/json", func() io.Reader { return strings.NewReader(`{"details":"` + big + `"}`) }, 413},
	}
	for _, tc := range cases {
		resp, body := e.do(t, "POST", "/RequestForm", tc.ctype, tc.body(), asJSON)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d (%.200s)", tc.name, resp.StatusCode, tc.status, body)
		}
	}
	// Multipart: an executable as ID copy, and a body over the limit.
	ct, body := multipartBody(t, valid(), "id.jpg", exe)
	if resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON); resp.StatusCode != 415 || !strings.Contains(b, "idDocument") {
		t.Errorf("executable ID copy: %d %s, want 415 naming idDocument", resp.StatusCode, b)
	}
	ct, body = multipartBody(t, valid(), "id.jpg", bytes.Repeat([]byte{0xFF}, 11<<20))
	if resp, _ := e.do(t, "POST", "/RequestForm", ct, body, asJSON); resp.StatusCode != 413 {
		t.Errorf("11 MiB upload: %d, want 413", resp.StatusCode)
	}
	if resp, _ := e.do(t, "PUT", "/RequestForm", "application/json", strings.NewReader("{}"), asJSON); resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
		t.Errorf("PUT: %d, want 405 with Allow", resp.StatusCode)
	}
	// The honeypot: answered like a success, nothing kept.
	resp, b := e.postJSON(t, "/RequestForm", with(valid(), "website", "http://spam.example"))
	if resp.StatusCode != 201 {
		t.Errorf("honeypot: %d %s", resp.StatusCode, b)
	}
	e.assertEmpty(t)
}

func multipartBody(t *testing.T, fields map[string]any, filename string, file []byte) (string, io.Reader) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		switch v := v.(type) {
		case map[string]any:
			for kk, vv := range v {
				w.WriteField(k+"."+kk, vv.(string))
			}
		default:
			w.WriteField(k, strings.TrimSpace(strings.Trim(jsonString(v), `"`)))
		}
	}
	if file != nil {
		fw, _ := w.CreateFormFile("idDocument", filename)
		fw.Write(file)
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestRateLimitAnswers429(t *testing.T) {
	t.Parallel()
	one := 1
	e := newEnv(t, testenv.Options{RateIP: &one})
	if resp, b := e.postJSON(t, "/RequestForm", valid()); resp.StatusCode != 201 {
		t.Fatalf("first: %d %s", resp.StatusCode, b)
	}
	resp, _ := e.postJSON(t, "/RequestForm", with(valid(), "email", "other@tenant.test"))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("second: %d Retry-After %q, want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestPagesAndSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	for _, path := range []string{"/RequestForm", "/RequestForm?lang=en", "/RequestStatus?token=bad", "/StaffCase?token=bad"} {
		resp, body := e.do(t, "GET", path, "", nil, nil)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: CSP allows script: %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
		if strings.Contains(body, "<script") {
			t.Errorf("%s: page contains a script", path)
		}
	}
	_, nl := e.do(t, "GET", "/RequestForm", "", nil, nil)
	_, en := e.do(t, "GET", "/RequestForm?lang=en", "", nil, nil)
	if !strings.Contains(nl, `lang="nl"`) || !strings.Contains(nl, "Privacyverzoek") {
		t.Error("Dutch form lacks its lang or title")
	}
	// No ID upload on the form by default (form.acceptsIdCopy), and the GDPR 13 notice: who
	// decides, the FG, the basis, the retention, the rights and the AP (issue 23 items 11, 12).
	if strings.Contains(nl, `name="idDocument"`) || strings.Contains(nl, `type="file"`) {
		t.Error("the form invites an ID copy, though the profile takes none")
	}
	for _, want := range []string{"Vallei Wonen", "functionaris gegevensbescherming", e.Profile.Organisation.PrivacyOfficerEmail,
		"artikel 6 lid 1 onder c", "Tot 12 maanden nadat uw verzoek is afgehandeld", "Autoriteit Persoonsgegevens"} {
		if !strings.Contains(nl, want) {
			t.Errorf("the form's privacy notice lacks %q", want)
		}
	}
	if !strings.Contains(en, `lang="en"`) || !strings.Contains(en, "Make a privacy request") {
		t.Error("English form lacks its lang or title")
	}
	for _, label := range []string{`for="name"`, `for="email"`, `for="birthDate"`, `for="signature"`, `for="declaration"`} {
		if !strings.Contains(nl, label) {
			t.Errorf("form lacks a label %s", label)
		}
	}
	// An HTML submission with errors shows the form again with a summary naming the fields.
	resp, page := e.do(t, "POST", "/RequestForm", "application/x-www-form-urlencoded", strings.NewReader("type=access"), nil)
	if resp.StatusCode != 400 || !strings.Contains(page, `class="summary"`) || !strings.Contains(page, `href="#email"`) || !strings.Contains(page, `aria-invalid="true"`) {
		t.Errorf("invalid HTML post: %d, summary missing", resp.StatusCode)
	}
	// A valid HTML submission redirects to the thank-you page.
	form := url.Values{"type": {"access"}, "name": {"Carla"}, "email": {"c@tenant.test"}, "birthDate": {"1980-05-17"}, "signature": {"Carla"}, "declaration": {"true"}}
	resp, _ = e.do(t, "POST", "/RequestForm", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "submitted=PL-") {
		t.Errorf("valid HTML post: %d %q, want 303 to the thank-you page", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A form posted from another site is refused.
	resp, _ = e.do(t, "POST", "/RequestForm", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), map[string]string{"Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != 403 {
		t.Errorf("cross-site post: %d, want 403", resp.StatusCode)
	}
}

// The happy path through the HTTP functions, with the ID copy sent along in the form.
func TestConfirmStatusStaffAndIDCopy(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{FormIDCopy: true})
	ct, body := multipartBody(t, valid(), "scan.jpg", jpegWithExif(t))
	resp, b := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != 201 {
		t.Fatalf("multipart submit: %d %s", resp.StatusCode, b)
	}
	var created struct{ Reference, Status string }
	json.Unmarshal([]byte(b), &created)
	ref := created.Reference
	conf := e.Mail.Await(t, "confirm_email", "carla@tenant.test", ref)
	link := conf.Link("ConfirmRequest")
	tok := tokenOf(link)
	if resp, page := e.do(t, "GET", "/ConfirmRequest?token="+url.QueryEscape(tok), "", nil, nil); resp.StatusCode != 200 || !strings.Contains(page, "<form") {
		t.Errorf("confirm page: %d", resp.StatusCode)
	}
	resp, b = e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), asJSON)
	if resp.StatusCode != 200 || !strings.Contains(b, `"awaiting_identity"`) {
		t.Fatalf("confirm: %d %s", resp.StatusCode, b)
	}
	rec := e.Mail.Await(t, "receipt", "carla@tenant.test", ref)
	st := tokenOf(rec.Link("RequestStatus"))
	resp, b = e.do(t, "GET", "/RequestStatus?token="+url.QueryEscape(st), "", nil, asJSON)
	var status map[string]any
	json.Unmarshal([]byte(b), &status)
	if resp.StatusCode != 200 || status["reference"] != ref || status["dueDate"] != rec.Args["dueDate"] || status["status"] != "awaiting_identity" {
		t.Errorf("status JSON: %d %v", resp.StatusCode, status)
	}
	if _, page := e.do(t, "GET", "/RequestStatus?token="+url.QueryEscape(st), "", nil, nil); !strings.Contains(page, ref) {
		t.Error("status page lacks the reference")
	} else if due, err := civil.ParseDate(rec.Args["dueDate"]); err != nil || !strings.Contains(page, web.Date(due, "nl")) {
		t.Errorf("status page does not show the receipt's due date %q as the letters write it (%v)", rec.Args["dueDate"], err)
	}
	// docs/contract.md §3: the timeline, in codes in JSON and in words on the page.
	if tl, _ := status["timeline"].([]any); len(tl) < 2 || tl[0].(map[string]any)["event"] != "submitted" || tl[1].(map[string]any)["event"] != "confirmed" {
		t.Errorf("status JSON timeline: %v", status["timeline"])
	}
	if _, page := e.do(t, "GET", "/RequestStatus?token="+url.QueryEscape(st), "", nil, nil); !strings.Contains(page, web.T("nl", "event.confirmed")) {
		t.Error("status page lacks the timeline")
	}

	staff := e.Mail.Await(t, "staff_case", "staff@corp.test", ref)
	stok := tokenOf(staff.Link("StaffCase"))
	resp, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, ref) || !strings.Contains(page, "Carla Contract") || !strings.Contains(page, `value="verify_identity"`) {
		t.Fatalf("staff page: %d", resp.StatusCode)
	}
	// The ID copy: served to staff only, not cached, without its EXIF.
	resp, img := e.do(t, "GET", "/StaffCase?view=idcopy&token="+url.QueryEscape(stok), "", nil, nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Errorf("ID copy: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
	if strings.Contains(img, "Exif") || strings.Contains(img, "GPS-SECRET") {
		t.Error("the ID copy served to staff still carries its EXIF")
	}
	// A status link does not open the staff page or the copy.
	if resp, _ := e.do(t, "GET", "/StaffCase?view=idcopy&token="+url.QueryEscape(st), "", nil, nil); resp.StatusCode != 403 {
		t.Errorf("status token on the staff page: %d, want 403", resp.StatusCode)
	}

	post := func(v url.Values) (*http.Response, string) {
		return e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), asJSON)
	}
	if resp, b := post(url.Values{"token": {stok}, "action": {"verify_identity"}, "method": {"id_copy"}}); resp.StatusCode != 400 || !strings.Contains(b, "documentType") {
		t.Errorf("verify without documentType: %d %s", resp.StatusCode, b)
	}
	if resp, b := post(url.Values{"token": {stok}, "action": {"verify_identity"}, "method": {"id_copy"}, "documentType": {"passport"}}); resp.StatusCode != 200 || !strings.Contains(b, "in_progress") {
		t.Fatalf("verify: %d %s", resp.StatusCode, b)
	}
	if resp, _ := post(url.Values{"token": {stok}, "action": {"verify_identity"}, "method": {"id_copy"}, "documentType": {"passport"}}); resp.StatusCode != 409 {
		t.Errorf("second verify: %d, want 409", resp.StatusCode)
	}
	if resp, _ := e.do(t, "GET", "/StaffCase?view=idcopy&token="+url.QueryEscape(stok), "", nil, nil); resp.StatusCode != 404 {
		t.Errorf("ID copy after verification: %d, want 404 (deleted)", resp.StatusCode)
	}
	// An HTML post redirects back to the page (post/redirect/get).
	resp, _ = e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"token": {stok}, "action": {"extend"}, "explanation": {"Veel systemen."}}.Encode()), nil)
	if resp.StatusCode != 303 {
		t.Errorf("HTML staff post: %d, want 303", resp.StatusCode)
	}
	if logs := e.Logs.String(); strings.Contains(logs, "carla@tenant.test") || strings.Contains(logs, "Carla") || strings.Contains(logs, "staff@corp.test") {
		t.Errorf("logs carry personal data:\n%s", logs)
	}
}

func TestTokensAreRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	good := linktoken.Claims{Purpose: linktoken.Status, Reference: "PL-AAAA-BBBB", Expires: e.Clock.Now().Add(time.Hour).Unix()}
	tok, _ := e.Signer.Sign(good)
	other, _ := linktoken.NewSigner(testenv.Key(32))
	forged, _ := other.Sign(good)
	expired, _ := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Status, Reference: "PL-AAAA-BBBB", Expires: e.Clock.Now().Add(-time.Second).Unix()})
	// The claims are sealed: flip one character in the middle of the sealed part.
	i := len(tok) - 20
	c := "A"
	if tok[i] == 'A' {
		c = "B"
	}
	altered := tok[:i] + c + tok[i+1:]
	staffTok, _ := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: "PL-AAAA-BBBB", Subject: "staff@corp.test", Expires: e.Clock.Now().Add(time.Hour).Unix()})
	for name, path := range map[string]string{
		"forged":                "/RequestStatus?token=" + url.QueryEscape(forged),
		"altered":               "/RequestStatus?token=" + url.QueryEscape(altered),
		"expired":               "/RequestStatus?token=" + url.QueryEscape(expired),
		"missing":               "/RequestStatus",
		"status on staff page":  "/StaffCase?token=" + url.QueryEscape(tok),
		"staff on status page":  "/RequestStatus?token=" + url.QueryEscape(staffTok),
		"status as confirm":     "/ConfirmRequest?token=" + url.QueryEscape(tok),
		"status as upload link": "/UploadID?token=" + url.QueryEscape(tok),
	} {
		resp, page := e.do(t, "GET", path, "", nil, nil)
		if resp.StatusCode != 403 || !strings.Contains(page, "nieuwe link") {
			t.Errorf("%s: %d, want 403 with advice", name, resp.StatusCode)
		}
	}
}

func TestEventFunctions(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, testenv.Options{NoDelivery: true}, fnkit.Options{AllowTickNow: true})
	resp, b := e.postJSON(t, "/RequestForm", valid())
	if resp.StatusCode != 201 {
		t.Fatal(b)
	}
	var created struct{ Reference string }
	json.Unmarshal([]byte(b), &created)
	letters, _ := e.Store.Letters(context.Background(), created.Reference)
	msg := func(data string) event.Event {
		ev := event.New()
		ev.SetID("1")
		ev.SetType("google.cloud.pubsub.topic.v1.messagePublished")
		ev.SetSource("//pubsub.googleapis.com/projects/p/topics/mail")
		ev.SetData("application/json", map[string]any{"message": map[string]any{"data": base64.StdEncoding.EncodeToString([]byte(data)), "messageId": "1"}})
		return ev
	}
	for _, bad := range []string{"not json", `{"letterId":""}`} {
		if err := e.events["SendMail"](context.Background(), msg(bad)); err != nil {
			t.Errorf("malformed %q: %v, want nil (no retry)", bad, err)
		}
	}
	for range 2 { // redelivered: sent once
		if err := e.events["SendMail"](context.Background(), msg(`{"letterId":"`+letters[0].ID+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.Mail.Count("confirm_email", "carla@tenant.test", created.Reference); n != 1 {
		t.Errorf("confirm_email sent %d times, want 1", n)
	}
	// A tick "as of" a moment a day later sends the confirm reminder.
	at := e.Clock.Now().Add(25 * time.Hour).UTC().Format(time.RFC3339)
	if err := e.events["Tick"](context.Background(), msg(`{"now":"`+at+`"}`)); err != nil {
		t.Fatal(err)
	}
	if err := e.events["Tick"](context.Background(), msg(`{"now":"yesterday"}`)); err != nil {
		t.Errorf("bad now: %v, want nil (dropped)", err)
	}
	ls, _ := e.Store.Letters(context.Background(), created.Reference)
	kinds := map[string]bool{}
	for _, l := range ls {
		kinds[string(l.Kind)] = true
	}
	if !kinds["confirm_reminder"] {
		t.Errorf("no confirm_reminder queued by the tick: %v", kinds)
	}
}

func tokenOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Query().Get("token")
}

// jpegWithExif is a valid JPEG with an APP1 Exif segment holding a marker string.
func jpegWithExif(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 420))
	for x := 0; x < 640; x++ {
		for y := 0; y < 420; y++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	b := buf.Bytes()
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("GPS-SECRET 52.0N 5.5E")...)
	seg := append([]byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}, payload...)
	return append(append(append([]byte{}, b[:2]...), seg...), b[2:]...)
}

func TestDecisionDownloadAndThirdPartyOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Profile: "de-alliantie"})
	submit := func(email string) (string, string) {
		resp, b := e.postJSON(t, "/RequestForm", with(valid(), "email", email))
		if resp.StatusCode != 201 {
			t.Fatal(b)
		}
		var c struct{ Reference string }
		json.Unmarshal([]byte(b), &c)
		tok := tokenOf(e.Mail.Await(t, "confirm_email", email, c.Reference).Link("ConfirmRequest"))
		e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), asJSON)
		return c.Reference, tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", c.Reference).Link("StaffCase"))
	}
	ref, stok := submit("dl@tenant.test")
	_, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil)
	if !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `name="resultFile"`) || !strings.Contains(page, `value="consult_third_party"`) {
		t.Fatal("staff page lacks the decide form with a result file, or the consult form")
	}
	// Identity first (docs/rules.md §2): the data the corporation holds match.
	if resp, b := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"token": {stok}, "action": {"verify_identity"}, "method": {"known_data"}}.Encode()), asJSON); resp.StatusCode != 200 {
		t.Fatalf("verify: %d %s", resp.StatusCode, b)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("token", stok)
	w.WriteField("action", "decide")
	w.WriteField("outcome", "granted")
	fw, _ := w.CreateFormFile("resultFile", "export.csv")
	fw.Write([]byte("contract;adres\nHV-1;Dorpsstraat 1\n"))
	w.Close()
	resp, b := e.do(t, "POST", "/StaffCase", w.FormDataContentType(), &buf, asJSON)
	if resp.StatusCode != 200 || !strings.Contains(b, "decided") {
		t.Fatalf("decide: %d %s", resp.StatusCode, b)
	}
	// The decided case's staff page: reference, status, outcome and timeline; nothing personal,
	// no action.
	resp, page = e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, ref) || strings.Contains(page, "Carla") || strings.Contains(page, "dl@tenant.test") ||
		strings.Contains(page, `class="action"`) {
		t.Errorf("decided case's staff page: %d, shows personal data or an action form", resp.StatusCode)
	}
	if _, b := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, asJSON); strings.Contains(b, "Carla") || strings.Contains(b, "dl@tenant.test") {
		t.Errorf("decided case's staff JSON shows personal data: %s", b)
	}
	link := e.Mail.Await(t, "result_ready", "dl@tenant.test", ref).Link("DownloadResult")
	u, _ := url.Parse(link)
	downloads := func() int {
		evs, err := e.Store.Events(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, ev := range evs {
			if ev.Action == "result_downloaded" {
				n++
			}
		}
		return n
	}
	// A link scanner follows the e-mail's link: it gets a page with a button, no package, and
	// no download is recorded.
	for range 2 {
		resp, page = e.do(t, "GET", "/DownloadResult?"+u.RawQuery, "", nil, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") == "application/zip" || strings.HasPrefix(page, "PK") ||
			!strings.Contains(page, `method="post"`) || !strings.Contains(page, ref) {
			t.Errorf("download page: %d %q, want a page with a download button", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		// It names the files, never the data in them (issue 24 item 8).
		if !strings.Contains(page, "<code>gegevens.csv</code>") || !strings.Contains(page, "<code>privacyloket.csv</code>") ||
			strings.Contains(page, "HV-1") || strings.Contains(page, "Dorpsstraat") {
			t.Errorf("download page names no files, or shows the data:\n%s", page)
		}
	}
	if n := downloads(); n != 0 {
		t.Errorf("following the link recorded %d downloads, want 0", n)
	}
	// The button posts the token: the package, recorded as a download.
	dl := func() (*http.Response, string) {
		return e.do(t, "POST", "/DownloadResult", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tokenOf(link)}}.Encode()), nil)
	}
	resp, zipBody := dl()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(zipBody, "PK") {
		t.Errorf("download: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if n := downloads(); n != 1 {
		t.Errorf("a download recorded %d downloads, want 1", n)
	}
	// Posted over and over (a script, a shared link), it stops at the day's downloads: 429 with
	// Retry-After, nothing recorded (docs/security.md).
	for range app.DownloadsPerDay - 1 {
		dl()
	}
	if resp, _ := dl(); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("download %d of the day: %d, Retry-After %q; want 429 with Retry-After", app.DownloadsPerDay+1, resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if n := downloads(); n != app.DownloadsPerDay {
		t.Errorf("%d downloads recorded, want %d", n, app.DownloadsPerDay)
	}
	e.Clock.Add(15 * 24 * time.Hour)
	resp, page = e.do(t, "GET", "/DownloadResult?"+u.RawQuery, "", nil, nil)
	if resp.StatusCode != 403 || !strings.Contains(page, "verlopen") {
		t.Errorf("expired download link: %d, want 403 with a clear page", resp.StatusCode)
	}
	if resp, page = dl(); resp.StatusCode != 403 || !strings.Contains(page, "verlopen") {
		t.Errorf("expired download post: %d, want 403 with a clear page", resp.StatusCode)
	}

	ref2, stok2 := submit("tp@tenant.test")
	resp, b = e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {stok2}, "action": {"consult_third_party"},
		"thirdPartyName": {"Buurvrouw"}, "thirdPartyEmail": {"buur@buren.test"}}.Encode()), asJSON)
	if resp.StatusCode != 200 || !strings.Contains(b, "awaiting_third_party") {
		t.Fatalf("consult: %d %s", resp.StatusCode, b)
	}
	tl := e.Mail.Await(t, "third_party_consultation", "buur@buren.test", ref2).Link("ThirdPartyResponse")
	ttok := tokenOf(tl)
	resp, page = e.do(t, "GET", "/ThirdPartyResponse?token="+url.QueryEscape(ttok), "", nil, nil)
	if resp.StatusCode != 200 || strings.Contains(page, "Carla") || strings.Contains(page, "tp@tenant.test") || !strings.Contains(page, `value="object"`) {
		t.Errorf("third-party page: %d, or it names the requester", resp.StatusCode)
	}
	post := func() (*http.Response, string) {
		return e.do(t, "POST", "/ThirdPartyResponse", "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"token": {ttok}, "decision": {"object"}, "comment": {"Liever niet."}}.Encode()), asJSON)
	}
	if resp, b := post(); resp.StatusCode != 200 || !strings.Contains(b, "object") {
		t.Errorf("third-party answer: %d %s", resp.StatusCode, b)
	}
	if resp, _ := post(); resp.StatusCode != 409 {
		t.Errorf("second answer: %d, want 409", resp.StatusCode)
	}
	_, page = e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok2), "", nil, nil)
	if !strings.Contains(page, "onleesbaar") {
		t.Error("the staff page does not remind staff to mask the third party's data")
	}
}

// idAlways is Vallei Wonen asking every requester for a masked ID copy, as a profile may.
const idAlways = "../shared/app/testdata/vallei-id-always.json"

// The staff page's JSON and HTML offer the same actions, the app's: a case that waits for a
// copy it has not got offers no second request and no rejection, and the app refuses both.
func TestStaffActionsComeFromTheApp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Profile: idAlways}) // Vallei Wonen asking everyone for an ID copy
	resp, b := e.postJSON(t, "/RequestForm", with(valid(), "email", "acts@tenant.test"))
	if resp.StatusCode != 201 {
		t.Fatal(b)
	}
	var c struct{ Reference string }
	json.Unmarshal([]byte(b), &c)
	tok := tokenOf(e.Mail.Await(t, "confirm_email", "acts@tenant.test", c.Reference).Link("ConfirmRequest"))
	e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), asJSON)
	stok := tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", c.Reference).Link("StaffCase"))

	_, b = e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, asJSON)
	var got struct {
		Status  string
		Actions []string
	}
	json.Unmarshal([]byte(b), &got)
	if got.Status != "awaiting_identity" || slices.Contains(got.Actions, "request_identity") || slices.Contains(got.Actions, "reject_identity") ||
		!slices.Contains(got.Actions, "verify_identity") {
		t.Errorf("JSON: status %s, actions %v", got.Status, got.Actions)
	}
	_, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil)
	for _, a := range []string{"verify_identity", "request_identity", "reject_identity", "extend", "withdraw"} {
		if want := slices.Contains(got.Actions, a); strings.Contains(page, `value="`+a+`"`) != want {
			t.Errorf("HTML offers %s: %v, JSON: %v", a, !want, want)
		}
	}
	for _, a := range []string{"request_identity", "reject_identity"} {
		resp, b := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"token": {stok}, "action": {a}, "reason": {"Nog een keer."}}.Encode()), asJSON)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("%s: %d %s, want 409", a, resp.StatusCode, b)
		}
	}
	// The upload link: the use case inspects what arrives, whoever calls it.
	up := tokenOf(e.Mail.Await(t, "id_requested", "acts@tenant.test", c.Reference).Link("UploadID"))
	upload := func(file []byte) (*http.Response, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("token", up)
		if file != nil {
			fw, _ := w.CreateFormFile("idDocument", "id.jpg")
			fw.Write(file)
		}
		w.Close()
		return e.do(t, "POST", "/UploadID", w.FormDataContentType(), &buf, asJSON)
	}
	if resp, b := upload(append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...)); resp.StatusCode != 415 || !strings.Contains(b, "idDocument") {
		t.Errorf("executable upload: %d %s, want 415 naming idDocument", resp.StatusCode, b)
	}
	if resp, b := upload(nil); resp.StatusCode != 400 || !strings.Contains(b, "idDocument") {
		t.Errorf("upload without a file: %d %s, want 400 naming idDocument", resp.StatusCode, b)
	}
	if resp, b := upload(jpegWithExif(t)); resp.StatusCode != 200 {
		t.Errorf("upload: %d %s", resp.StatusCode, b)
	}
	// The timeline says what happened, in the page's language.
	if !strings.Contains(page, "Verzoek ingediend door de aanvrager") || strings.Contains(page, "submitted: access") {
		t.Error("the staff timeline shows action codes instead of words")
	}
}

// Issue 10's staff fields arrive from a form: a representative's authority must be ticked
// before identity counts as established, and an erasure granted to no recipients says so with a
// tick and a summary.
func TestStaffFormFieldsOfIssue10(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{})
	minor := e.Clock.Now().AddDate(-10, 0, 0).Format("2006-01-02")
	resp, b := e.postJSON(t, "/RequestForm", with(valid(), "type", "erasure", "details", "Mijn oude telefoonnummer.", "birthDate", minor,
		"representative", map[string]any{"name": "Olga Ouder", "email": "olga@tenant.test", "capacity": "parent"}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatal(b)
	}
	var c struct{ Reference string }
	json.Unmarshal([]byte(b), &c)
	tok := tokenOf(e.Mail.Await(t, "confirm_email", "olga@tenant.test", c.Reference).Link("ConfirmRequest"))
	e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), asJSON)
	stok := tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", c.Reference).Link("StaffCase"))
	post := func(v url.Values) (*http.Response, string) {
		v.Set("token", stok)
		return e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), asJSON)
	}
	if _, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil); !strings.Contains(page, `name="representationChecked"`) {
		t.Error("the staff page of a represented case lacks the representationChecked tick")
	}
	if resp, b := post(url.Values{"action": {"verify_identity"}, "method": {"known_data"}}); resp.StatusCode != 400 || !strings.Contains(b, "representationChecked") {
		t.Errorf("verify without representationChecked: %d %s, want 400 naming it", resp.StatusCode, b)
	}
	if resp, b := post(url.Values{"action": {"verify_identity"}, "method": {"known_data"}, "representationChecked": {"on"}}); resp.StatusCode != 200 {
		t.Fatalf("verify with representationChecked: %d %s", resp.StatusCode, b)
	}
	_, b = e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, asJSON)
	if !strings.Contains(b, "known_data") {
		t.Errorf("the staff JSON does not record the method: %s", b)
	}
	decide := url.Values{"action": {"decide"}, "outcome": {"granted"}, "motivation": {"Verwijderd."}}
	if resp, b := post(decide); resp.StatusCode != 400 || !strings.Contains(b, "recipients") {
		t.Errorf("erasure granted without recipients, note or tick: %d %s, want 400", resp.StatusCode, b)
	}
	decide.Set("noRecipients", "true")
	decide.Set("correctionSummary", "Het oude telefoonnummer is verwijderd.")
	if resp, b := post(decide); resp.StatusCode != 200 || !strings.Contains(b, "decided") {
		t.Errorf("erasure granted with the noRecipients tick: %d %s", resp.StatusCode, b)
	}
}
