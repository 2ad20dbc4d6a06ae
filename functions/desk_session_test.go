package functions_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// desk is one browser at the desk: its cookies, and the form token of its session.
type desk struct {
	e         *env
	client    *http.Client
	formToken string
}

// newDesk is a browser with no session yet.
func (e *env) newDesk(t *testing.T) *desk {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &desk{e: e, client: &http.Client{Jar: jar, CheckRedirect: noRedirect.CheckRedirect}}
}

func (d *desk) do(t *testing.T, method, path, ctype string, body io.Reader, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, d.e.srv.URL+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := d.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// post posts a desk form with the session's form token.
func (d *desk) post(t *testing.T, v url.Values, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"formToken": {d.formToken}}
	for k, vs := range v {
		form[k] = vs
	}
	return d.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), hdr)
}

// cookie is the browser's desk_session cookie as it would send it to the desk; "" without one.
func (d *desk) cookie() string {
	u, _ := url.Parse(d.e.srv.URL + "/StaffDesk")
	for _, c := range d.client.Jar.Cookies(u) {
		if c.Name == app.DeskSessionCookie {
			return c.Value
		}
	}
	return ""
}

// deskLink signs addr in by e-mail and returns the desk link of the newest desk_link letter.
func (e *env) deskLink(t *testing.T, addr string) string {
	t.Helper()
	n := e.Mail.Count("desk_link", addr, "")
	resp, _ := e.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"email": {addr}}.Encode()), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	testenv.Eventually(t, "a desk_link letter", func() bool { return e.Mail.Count("desk_link", addr, "") > n })
	var link string
	for _, m := range e.Mail.All() {
		if m.Kind() == "desk_link" && m.To == addr {
			link = m.Link("StaffDesk")
		}
	}
	return link
}

var formTokenRE = regexp.MustCompile(`name="formToken" value="([^"]+)"`)

// signIn is a browser that signed in as addr as staff do: the e-mail, the link's page, its
// button.
func (e *env) signIn(t *testing.T, addr string) *desk {
	t.Helper()
	d := e.newDesk(t)
	d.open(t, tokenOf(e.deskLink(t, addr)))
	return d
}

// open opens a session with desk link token tok, as the button on the link's page does.
func (d *desk) open(t *testing.T, tok string) {
	t.Helper()
	resp, _ := d.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/StaffDesk" || d.cookie() == "" {
		t.Fatalf("open a session: %d to %q, cookie %q", resp.StatusCode, resp.Header.Get("Location"), d.cookie())
	}
	resp, page := d.do(t, "GET", "/StaffDesk", "", nil, nil)
	m := formTokenRE.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("the desk after sign-in: %d, no form token", resp.StatusCode)
	}
	d.formToken = m[1]
}

// The desk link's GET shows one button and signs no one in; its POST opens a session: an
// HttpOnly, SameSite=Strict cookie for the desk only, eight hours, and a 303 to the desk
// (issue 19, item 4; docs/contract.md §3 "The desk").
func TestDeskLinkOpensASession(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	link := e.deskLink(t, "staff@corp.test")
	tok := tokenOf(link)
	c, err := e.Signer.Verify(tok, linktoken.Desk, e.Clock.Now())
	if err != nil || !c.ExpiresAt().Equal(e.Clock.Now().Add(24*time.Hour)) || !c.IssuedAt().Equal(e.Clock.Now()) {
		t.Errorf("desk link claims %+v (%v): want one day, issued now", c, err)
	}

	d := e.newDesk(t)
	u, _ := url.Parse(link)
	resp, page := d.do(t, "GET", u.RequestURI(), "", nil, nil)
	if resp.StatusCode != 200 || d.cookie() != "" || len(resp.Cookies()) != 0 {
		t.Fatalf("GET of the desk link: %d, cookies %v: want a page and no session", resp.StatusCode, resp.Cookies())
	}
	if !strings.Contains(page, `<form method="post" action="/StaffDesk`) || !strings.Contains(page, `name="token"`) || strings.Count(page, "<button") != 1 {
		t.Errorf("the desk link's page is not one button posting the token:\n%s", page)
	}
	if resp, _ := d.do(t, "GET", "/StaffDesk", "", nil, asJSON); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the desk after only a GET of the link: %d, want 401 (no session)", resp.StatusCode)
	}

	resp, _ = d.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/StaffDesk" {
		t.Fatalf("POST token: %d to %q, want 303 to /StaffDesk", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("the 303 after sign-in lacks the security headers")
	}
	cookies := resp.Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies %v, want the session alone", cookies)
	}
	ck := cookies[0]
	if ck.Name != "desk_session" || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/StaffDesk" ||
		ck.MaxAge != 8*3600 || ck.Secure || len(ck.Value) < 43 {
		t.Errorf("session cookie %+v (raw %q)", ck, resp.Header.Get("Set-Cookie"))
	}
	if strings.Contains(ck.Value, tok) {
		t.Error("the cookie holds the desk link")
	}

	// JSON: 200 {"signedIn": true} with the same kind of cookie, and the form token.
	resp, body := e.newDesk(t).do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), asJSON)
	var in struct {
		SignedIn  bool   `json:"signedIn"`
		FormToken string `json:"formToken"`
	}
	json.Unmarshal([]byte(body), &in)
	if resp.StatusCode != 200 || !in.SignedIn || in.FormToken == "" || len(resp.Cookies()) != 1 || resp.Cookies()[0].Name != "desk_session" {
		t.Errorf("JSON sign-in: %d %s, cookies %v", resp.StatusCode, body, resp.Cookies())
	}

	// A link that does not work opens nothing; nor does a case link.
	caseTok, _ := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Staff, Reference: "PL-AAAA-BBBB", Subject: "staff@corp.test",
		Expires: e.Clock.Now().Add(time.Hour).Unix(), Issued: e.Clock.Now().UnixMilli()})
	for _, bad := range []string{"forged", caseTok} {
		nd := e.newDesk(t)
		if resp, _ := nd.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {bad}}.Encode()), asJSON); resp.StatusCode != http.StatusForbidden || nd.cookie() != "" {
			t.Errorf("POST token %.12s…: %d, cookie %q; want 403 and no session", bad, resp.StatusCode, nd.cookie())
		}
		if resp, _ := nd.do(t, "GET", "/StaffDesk?token="+url.QueryEscape(bad), "", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET token %.12s…: %d, want 403", bad, resp.StatusCode)
		}
	}
	// A desk link with an action is refused: a link only opens a session.
	if resp, body := e.newDesk(t).do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"token": {tok}, "action": {"posted"}, "letterId": {"x"}}.Encode()), asJSON); resp.StatusCode != 400 || !strings.Contains(body, `"field":"token"`) {
		t.Errorf("token with an action: %d %s", resp.StatusCode, body)
	}
	// One day: the link is refused after it.
	e.Clock.Add(24 * time.Hour)
	if resp, _ := e.newDesk(t).do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the desk link after a day: %d, want 403", resp.StatusCode)
	}
}

// Over https the session cookie is Secure.
func TestDeskSessionCookieIsSecureOverHTTPS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, BaseURL: "https://privacy.corp.test"})
	tok := tokenOf(e.deskLink(t, "staff@corp.test"))
	resp, _ := e.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}}.Encode()), nil)
	if cs := resp.Cookies(); resp.StatusCode != http.StatusSeeOther || len(cs) != 1 || !cs[0].Secure {
		t.Errorf("sign-in over https: %d, cookies %+v; want a Secure cookie", resp.StatusCode, cs)
	}
}

// Every desk page works by the cookie: no address and no form on it carries a token, and every
// form that posts carries the session's form token (issue 19, item 4).
func TestDeskPagesCarryNoToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	d := e.signIn(t, "staff@corp.test")
	form := url.Values{"action": {"intake"}, "channel": {"letter"}, "receivedOn": {"2026-03-26"}, "type": {"access"},
		"name": {"Piet Post"}, "birthDate": {"1950-02-03"}, "address": {"Dorpsstraat 1, 3901 AB Veenendaal"}}
	if resp, body := d.post(t, form, asJSON); resp.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %d %s", resp.StatusCode, body)
	}
	var overview struct {
		FormToken     string `json:"formToken"`
		LettersToPost []struct{ ID, Link string }
	}
	testenv.Eventually(t, "the receipt waits to be posted", func() bool {
		_, body := d.do(t, "GET", "/StaffDesk", "", nil, asJSON)
		json.Unmarshal([]byte(body), &overview)
		return len(overview.LettersToPost) == 1
	})
	if overview.FormToken != d.formToken {
		t.Errorf("the overview's JSON form token %q, the page's %q", overview.FormToken, d.formToken)
	}
	letter, _ := url.Parse(overview.LettersToPost[0].Link)
	pages := map[string]string{}
	for _, path := range []string{"/StaffDesk", "/StaffDesk?view=report&from=2026-03-01&to=2026-03-31", letter.RequestURI(), "/StaffDesk?lang=en"} {
		resp, page := d.do(t, "GET", path, "", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		pages[path] = page
	}
	forms := regexp.MustCompile(`(?s)<form[^>]*method="post".*?</form>`)
	deskToken := regexp.MustCompile(`/StaffDesk\?[^"]*token=`) // a case's own StaffCase link is its link
	for path, page := range pages {
		if deskToken.MatchString(page) || strings.Contains(page, `name="token"`) {
			t.Errorf("%s carries a token:\n%s", path, page)
		}
		for _, f := range forms.FindAllString(page, -1) {
			if !strings.Contains(f, `name="formToken" value="`+d.formToken+`"`) {
				t.Errorf("%s: a form without the session's form token:\n%s", path, f)
			}
		}
	}
	if !strings.Contains(pages["/StaffDesk"], `value="sign_out"`) || !strings.Contains(pages["/StaffDesk"], `value="sign_out_everywhere"`) {
		t.Error("the desk has no sign-out")
	}
	// A token in a desk address is a desk link, with a session as without: this one is refused.
	if resp, _ := d.do(t, "GET", "/StaffDesk?view=report&token=x", "", nil, asJSON); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a token in a desk address: %d, want 403", resp.StatusCode)
	}
}

// Every POST of a session carries its form token, and passes the same-origin check: a form
// on another site, or one without the token, changes nothing (issue 19, item 4).
func TestDeskPostsNeedTheFormToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	tok := tokenOf(e.deskLink(t, "staff@corp.test"))
	d, other := e.newDesk(t), e.newDesk(t) // the same person's other session
	d.open(t, tok)
	other.open(t, tok)
	intake := url.Values{"action": {"intake"}, "channel": {"phone"}, "receivedOn": {"2026-03-26"}, "type": {"access"},
		"name": {"Piet Post"}, "birthDate": {"1950-02-03"}, "address": {"Dorpsstraat 1"}}
	post := func(v url.Values, hdr map[string]string) int {
		resp, _ := d.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), hdr)
		return resp.StatusCode
	}
	with := func(tok string) url.Values {
		v := url.Values{"formToken": {tok}}
		for k, vs := range intake {
			v[k] = vs
		}
		return v
	}
	for name, tc := range map[string]struct {
		v    url.Values
		hdr  map[string]string
		want int
	}{
		"no form token":                 {intake, asJSON, http.StatusForbidden},
		"another session's form token":  {with(other.formToken), asJSON, http.StatusForbidden},
		"a wrong form token":            {with("x" + d.formToken), asJSON, http.StatusForbidden},
		"from another site":             {with(d.formToken), map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		"from another origin":           {with(d.formToken), map[string]string{"Origin": "https://evil.test"}, http.StatusForbidden},
		"sign out without a form token": {url.Values{"action": {"sign_out"}}, asJSON, http.StatusForbidden},
	} {
		if got := post(tc.v, tc.hdr); got != tc.want {
			t.Errorf("%s: %d, want %d", name, got, tc.want)
		}
	}
	if open, _ := e.Store.OpenCases(context.Background(), 10); len(open) != 0 {
		t.Errorf("refused posts registered %d cases", len(open))
	}
	if _, err := e.App.Desk.DeskSession(context.Background(), d.cookie()); err != nil {
		t.Errorf("a refused sign-out ended the session: %v", err)
	}
	if got := post(with(d.formToken), asJSON); got != http.StatusCreated {
		t.Errorf("with the form token: %d, want 201", got)
	}
	// Without a session: 401, and the page to sign in.
	stranger := e.newDesk(t)
	resp, page := stranger.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(with(d.formToken).Encode()), nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, `name="email"`) {
		t.Errorf("an action without a session: %d", resp.StatusCode)
	}
}

// sign_out ends this session; sign_out_everywhere ends every session, desk link and case link
// of this staff member issued before it, and nobody else's (issue 19, item 4).
func TestDeskSignOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", "other@corp.test"},
		Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	oldDeskLink := tokenOf(e.deskLink(t, "staff@corp.test"))
	laptop, phone := e.newDesk(t), e.newDesk(t)
	laptop.open(t, oldDeskLink)
	phone.open(t, oldDeskLink)
	colleague := e.signIn(t, "other@corp.test")

	// One case, and this staff member's links to it: from the letter and from the desk.
	c, err := e.App.Desk.Intake(context.Background(), "staff@corp.test", letterIntake("Piet Post"))
	if err != nil {
		t.Fatal(err)
	}
	letterLink := e.Mail.Await(t, "staff_case", "staff@corp.test", c.Case.Reference).Link("StaffCase")
	deskCaseLink := caseLinkOf(t, laptop, c.Case.Reference)
	colleagueLink := caseLinkOf(t, colleague, c.Case.Reference)
	for _, l := range []string{letterLink, deskCaseLink, colleagueLink} {
		if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tokenOf(l)), "", nil, nil); resp.StatusCode != 200 {
			t.Fatalf("case link before sign-out: %d", resp.StatusCode)
		}
	}

	// sign_out: this session only; the cookie goes; the answer is the sign-in page.
	resp, _ := phone.post(t, url.Values{"action": {"sign_out"}}, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/StaffDesk") || phone.cookie() != "" ||
		resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("sign_out: %d to %q, cookie %q", resp.StatusCode, resp.Header.Get("Location"), phone.cookie())
	}
	if _, page := phone.do(t, "GET", resp.Header.Get("Location"), "", nil, nil); !strings.Contains(page, `name="email"`) {
		t.Error("after sign_out the desk does not show the sign-in page")
	}
	if resp, _ := laptop.do(t, "GET", "/StaffDesk", "", nil, asJSON); resp.StatusCode != 200 {
		t.Errorf("the other session after sign_out: %d", resp.StatusCode)
	}

	// sign_out_everywhere, a minute on.
	e.Clock.Add(time.Minute)
	if resp, body := laptop.post(t, url.Values{"action": {"sign_out_everywhere"}}, asJSON); resp.StatusCode != 200 || !strings.Contains(body, `"signedOut":true`) {
		t.Fatalf("sign_out_everywhere: %d %s", resp.StatusCode, body)
	}
	if resp, _ := laptop.do(t, "GET", "/StaffDesk", "", nil, asJSON); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the session after sign_out_everywhere: %d, want 401", resp.StatusCode)
	}
	for name, l := range map[string]string{"the letter's": letterLink, "the desk's": deskCaseLink} {
		if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tokenOf(l)), "", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s case link after sign_out_everywhere: %d, want 403", name, resp.StatusCode)
		}
		if resp, _ := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded",
			strings.NewReader(url.Values{"token": {tokenOf(l)}, "action": {"note"}, "text": {"x"}}.Encode()), asJSON); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s case link POST after sign_out_everywhere: %d, want 403", name, resp.StatusCode)
		}
	}
	if resp, _ := e.newDesk(t).do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {oldDeskLink}}.Encode()), nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a desk link from before sign_out_everywhere: %d, want 403", resp.StatusCode)
	}
	// The colleague is untouched.
	if resp, _ := colleague.do(t, "GET", "/StaffDesk", "", nil, asJSON); resp.StatusCode != 200 {
		t.Errorf("a colleague's session: %d", resp.StatusCode)
	}
	if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tokenOf(colleagueLink)), "", nil, nil); resp.StatusCode != 200 {
		t.Errorf("a colleague's case link: %d", resp.StatusCode)
	}
	// Signing in again works, and so do the case links the desk gives from then on.
	e.Clock.Add(10 * time.Minute)
	again := e.signIn(t, "staff@corp.test")
	if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tokenOf(caseLinkOf(t, again, c.Case.Reference))), "", nil, nil); resp.StatusCode != 200 {
		t.Errorf("a case link from the desk after signing in again: %d", resp.StatusCode)
	}
}

// A staff member taken off the list loses their session at once.
func TestDeskSessionEndsOffTheList(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test", "leaver@corp.test"}})
	d := e.signIn(t, "leaver@corp.test")
	deps := e.Deps
	deps.Staff = []string{"staff@corp.test"}
	e.restart(t, fnlist.StaffDesk, deps) // the next instance, started with the new list
	resp, page := d.do(t, "GET", "/StaffDesk", "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `name="email"`) || strings.Contains(page, `name="formToken"`) {
		t.Errorf("the desk of someone off the list: %d, want the sign-in page", resp.StatusCode)
	}
	if d.cookie() != "" {
		t.Error("the cookie of a session that ended stays")
	}
}

// letterIntake is a request registered at the desk, by letter, without e-mail.
func letterIntake(name string) request.Intake {
	return request.Intake{Submission: request.Submission{Type: "access", Name: name, BirthDate: "1950-02-03", Address: "Dorpsstraat 1"},
		Channel: "letter", ReceivedOn: "2026-03-26"}
}

// caseLinkOf is the StaffCase link the desk gives d for case ref.
func caseLinkOf(t *testing.T, d *desk, ref string) string {
	t.Helper()
	_, body := d.do(t, "GET", "/StaffDesk", "", nil, asJSON)
	var o struct {
		Cases []struct{ Reference, Link string }
	}
	json.Unmarshal([]byte(body), &o)
	for _, c := range o.Cases {
		if c.Reference == ref {
			return c.Link
		}
	}
	t.Fatalf("the desk does not list %s: %s", ref, body)
	return ""
}

// The accountability report's desk link opens the report once the session is open: the page's
// button carries the period along, and nothing else.
func TestDeskLinkToTheReport(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 4, 1, 7, 0, 0, 0, time.UTC)})
	now := e.Clock.Now()
	tok, err := e.Signer.Sign(linktoken.Claims{Purpose: linktoken.Desk, Reference: app.DeskReference, Subject: "staff@corp.test",
		Expires: now.Add(app.DeskLinkLife).Unix(), Issued: now.UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	d := e.newDesk(t)
	resp, page := d.do(t, "GET", "/StaffDesk?view=report&from=2026-03-01&to=2026-03-31&token="+url.QueryEscape(tok), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, `name="view" value="report"`) || !strings.Contains(page, `name="from" value="2026-03-01"`) {
		t.Fatalf("the report link's page: %d\n%s", resp.StatusCode, page)
	}
	form := url.Values{"token": {tok}, "view": {"report"}, "from": {"2026-03-01"}, "to": {"2026-03-31"}}
	resp, _ = d.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
	if got, want := resp.Header.Get("Location"), "/StaffDesk?from=2026-03-01&to=2026-03-31&view=report"; resp.StatusCode != http.StatusSeeOther || got != want {
		t.Errorf("after sign-in: %d to %q, want 303 to %q", resp.StatusCode, got, want)
	}
	// Anything but a report period goes to the overview.
	form.Set("view", "letter")
	resp, _ = e.newDesk(t).do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/StaffDesk" {
		t.Errorf("another view after sign-in: %d to %q, want the overview", resp.StatusCode, got)
	}
}
