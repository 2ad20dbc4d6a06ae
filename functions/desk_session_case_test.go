package functions_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

var tokenRE = regexp.MustCompile(`token=([A-Za-z0-9_.%-]+)`)

// tokensOn lists every token in page's links and forms.
func tokensOn(page string) []string {
	var out []string
	for _, m := range tokenRE.FindAllStringSubmatch(page, -1) {
		if v, err := url.QueryUnescape(m[1]); err == nil {
			out = append(out, v)
		}
	}
	for _, m := range regexp.MustCompile(`name="token" value="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		out = append(out, m[1])
	}
	return out
}

// A case link grants that case and nothing else (issue 19, item 3). No StaffCase page, open or
// finished, carries a desk token: it links to the desk's sign-in page, and serves the case's
// export itself. What was the attack: copy the desk token from a case page, keep it past
// revoke_links, and mint fresh case links from the desk.
func TestCasePageCarriesNoDeskToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	c, err := e.App.Desk.Intake(context.Background(), "staff@corp.test", letterIntake("Piet Post"))
	if err != nil {
		t.Fatal(err)
	}
	ref := c.Case.Reference
	link := e.Mail.Await(t, "staff_case", "staff@corp.test", ref).Link("StaffCase")
	tok := tokenOf(link)

	page := func(tok string) string {
		t.Helper()
		resp, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok), "", nil, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("case page: %d", resp.StatusCode)
		}
		return page
	}
	noDesk := func(when, page string) {
		t.Helper()
		if !strings.Contains(page, `href="/StaffDesk"`) {
			t.Errorf("%s: the case page does not link to the desk's sign-in page", when)
		}
		if regexp.MustCompile(`/StaffDesk\?`).MatchString(page) {
			t.Errorf("%s: the case page links into the desk with parameters", when)
		}
		for _, found := range tokensOn(page) {
			if _, err := e.Signer.Verify(found, linktoken.Desk, e.Clock.Now()); err == nil {
				t.Errorf("%s: the case page carries a desk token", when)
			}
			d := e.newDesk(t)
			if resp, _ := d.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {found}}.Encode()), asJSON); resp.StatusCode != http.StatusForbidden || d.cookie() != "" {
				t.Errorf("%s: a token from the case page opens the desk: %d", when, resp.StatusCode)
			}
		}
	}
	open := page(tok)
	noDesk("open case", open)

	// The export, by the case's own link, for exactly this case.
	m := regexp.MustCompile(`href="(/StaffCase\?format=json[^"]+)"`).FindStringSubmatch(open)
	if m == nil {
		t.Fatal("no export link on the case page")
	}
	exportURL := strings.ReplaceAll(m[1], "&amp;", "&")
	resp, body := e.do(t, "GET", exportURL, "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, ref) ||
		!strings.Contains(body, `"exported"`) || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("export by the case link: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	for q, field := range map[string]string{"view=export&format=xml": "format", "view=desk": "view"} {
		if resp, body := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok)+"&"+q, "", nil, asJSON); resp.StatusCode != 400 || !strings.Contains(body, `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
	}

	// revoke_links: the old link, its page and its export stop working, and nothing from the
	// old page opens anything.
	resp, _ = e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}, "action": {"revoke_links"}}.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke_links: %d", resp.StatusCode)
	}
	fresh := tokenOf(resp.Header.Get("Location"))
	for _, path := range []string{"/StaffCase?token=" + url.QueryEscape(tok), exportURL} {
		if resp, _ := e.do(t, "GET", path, "", nil, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s after revoke_links: %d, want 403", path, resp.StatusCode)
		}
	}

	// A finished case's page carries no desk token either.
	if resp, body := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded",
		strings.NewReader(url.Values{"token": {fresh}, "action": {"withdraw"}, "how": {"phone"}}.Encode()), asJSON); resp.StatusCode != 200 {
		t.Fatalf("withdraw: %d %s", resp.StatusCode, body)
	}
	noDesk("finished case", page(fresh))
}

// Every redirect carries the security headers, the 303 after revoke_links too (issue 19,
// item 11); its fresh link works and the old one does not.
func TestRevokeLinksRedirectCarriesTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	c, err := e.App.Desk.Intake(context.Background(), "staff@corp.test", letterIntake("Piet Post"))
	if err != nil {
		t.Fatal(err)
	}
	tok := tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", c.Case.Reference).Link("StaffCase"))
	resp, _ := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tok}, "action": {"revoke_links"}}.Encode()), nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/StaffCase?token=") {
		t.Fatalf("revoke_links: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Strict-Transport-Security", "Cache-Control"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("the 303 after revoke_links lacks %s", h)
		}
	}
	fresh := tokenOf(resp.Header.Get("Location"))
	if claims, err := e.Signer.Verify(fresh, linktoken.Staff, e.Clock.Now()); err != nil || claims.Issued == 0 {
		t.Errorf("the fresh link: %+v %v, want one that says when it was issued", claims, err)
	}
	if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(fresh), "", nil, nil); resp.StatusCode != 200 {
		t.Errorf("the fresh link: %d", resp.StatusCode)
	}
	if resp, _ := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(tok), "", nil, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the revoked link: %d, want 403", resp.StatusCode)
	}
}
