package main

import (
	"context"
	"encoding/base64"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/web"
)

// switchLanguage follows the header's language link and back again. Each time the page must
// open in the other language at the same address with the same query (a token, a reference,
// a letter to print kept as they were), and must not be a "link does not work" page (issue 24
// item 1: the link once escaped the query into the path). Query parameters named in drop may
// go (a refused link's token is not handed on).
func switchLanguage(t *testing.T, ctx context.Context, what string, drop ...string) {
	t.Helper()
	checkAxe(t, ctx, what)
	start := read(t, ctx, what+": location", chromedp.Location())
	from := read(t, ctx, what+": language", chromedp.Evaluate[string](`document.documentElement.lang`))
	to := map[string]string{"nl": "en", "en": "nl"}[from]
	bad := map[string]bool{}
	for _, l := range []string{"nl", "en"} {
		for _, k := range []string{"err.token.heading", "err.token.staff.heading", "err.session.heading", "err.invalid.heading"} {
			if h := web.T(l, k); h != k {
				bad[h] = true
			}
		}
	}
	// A page that refused its link stays that page in the other language.
	refused := bad[strings.TrimSpace(read(t, ctx, what+": h1", chromedp.Text(css("main h1"))))]
	for _, lang := range []string{to, from} {
		browse(t, ctx, what+": switch to "+lang,
			chromedp.Click(css("header a.lang")),
			chromedp.WaitVisible(css(`html[lang="`+lang+`"] main h1`)),
		)
		now := read(t, ctx, what+": location after switching", chromedp.Location())
		if a, b := withoutLang(t, start, drop...), withoutLang(t, now, drop...); a != b {
			t.Errorf("%s: the language switch to %s led from %s to %s", what, lang, start, now)
		}
		if u, _ := url.Parse(now); u.Query().Get("lang") != lang {
			t.Errorf("%s: after switching to %s the address is %s", what, lang, now)
		}
		if h1 := strings.TrimSpace(read(t, ctx, what+": h1", chromedp.Text(css("main h1")))); bad[h1] && !refused {
			t.Errorf("%s: after switching to %s the page says %q (%s)", what, lang, h1, now)
		}
	}
}

// axeScript is axe-core (npm package axe-core, its axe.min.js) when PRIVACYLOKET_AXE names the
// file; without it the accessibility check is skipped. Every page the language switch is tried
// on is checked.
var axeScript = sync.OnceValues(func() (string, error) {
	p := os.Getenv("PRIVACYLOKET_AXE")
	if p == "" {
		return "", nil
	}
	b, err := os.ReadFile(p)
	return string(b), err
})

// checkAxe runs axe-core's default rules (WCAG 2 A and AA, best practices) on the page and
// fails on any violation.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	src, err := axeScript()
	if err != nil {
		t.Fatalf("PRIVACYLOKET_AXE: %v", err)
	}
	if src == "" {
		return
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+";true")); err != nil {
		t.Fatalf("%s: load axe-core: %v", what, err)
	}
	found := read(t, ctx, what+": axe", chromedp.Evaluate[[]string](`axe.run(document).then(r =>
		r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`, chromedp.EvalAwaitPromise))
	for _, v := range found {
		t.Errorf("%s: axe: %s", what, v)
	}
}

// withoutLang is an address without its lang parameter (and those named in drop), its query
// in a fixed order.
func withoutLang(t *testing.T, raw string, drop ...string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for _, k := range append(drop, "lang") {
		q.Del(k)
	}
	u.RawQuery, u.Fragment = q.Encode(), ""
	return u.String()
}

// focusedInView reports whether the element with id has the focus and is on the screen.
func focusedInView(t *testing.T, ctx context.Context, id string) bool {
	t.Helper()
	return read(t, ctx, "focus on #"+id, chromedp.Evaluate[bool](`(() => {
		const e = document.getElementById(`+"`"+id+"`"+`);
		if (!e || document.activeElement !== e) return false;
		const r = e.getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight + 1;
	})()`))
}

// pdfPages prints the page as Chromium's print dialog does by default (the page's own
// @page size and margins, no header or footer in a page without margins) and counts the pages.
func pdfPages(t *testing.T, ctx context.Context) int {
	t.Helper()
	yes := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	return len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(res.Data, -1))
}

// mint signs a link of purpose p to case ref with the stack's key: pages whose letters the
// flows here do not produce (an ID copy asked for, a result to download).
func mint(t *testing.T, s *e2eStack, p linktoken.Purpose, ref string) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(s.linkKey)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := linktoken.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := signer.Sign(linktoken.Claims{Purpose: p, Reference: ref, Expires: now.Add(24 * time.Hour).Unix(), Issued: now.UnixMilli()})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestBrowserLinkPages opens the requester's pages that come by a link in a letter the other
// flows do not send, switches their language, and checks the pages a requester may get stuck
// on name a way to reach the organisation (issue 24 items 1 and 9).
func TestBrowserLinkPages(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	const ref = "PL-7K3M-Q9XD"
	for _, tc := range []struct{ what, path string }{
		{"upload page", "/UploadID?token=" + url.QueryEscape(mint(t, s, linktoken.Upload, ref))},
		{"download page", "/DownloadResult?token=" + url.QueryEscape(mint(t, s, linktoken.Download, ref))},
	} {
		browse(t, ctx, "open the "+tc.what, chromedp.Navigate(s.base+tc.path), chromedp.WaitVisible(css("main h1")))
		if page := read(t, ctx, tc.what, chromedp.Text(css("main"))); !strings.Contains(page, ref) {
			t.Errorf("%s does not show the reference:\n%s", tc.what, page)
		}
		switchLanguage(t, ctx, tc.what)
	}
	browse(t, ctx, "open a link that does not work",
		chromedp.Navigate(s.base+"/RequestStatus?token=forged"),
		chromedp.WaitVisible(css("main h1")),
	)
	if page := read(t, ctx, "403 page", chromedp.Text(css("main"))); !strings.Contains(page, web.T("nl", "contact.heading")) || !strings.Contains(page, "Postbus") {
		t.Errorf("the page of a link that does not work names no contact:\n%s", page)
	}
	switchLanguage(t, ctx, "403 page", "token")
	if loc := read(t, ctx, "403 location", chromedp.Location()); strings.Contains(loc, "token=") {
		t.Errorf("the language switch of a refused link hands the link on: %s", loc)
	}
}
