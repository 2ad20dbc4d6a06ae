package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/privacyloket/privacyloket/shared/devmailbox"
)

// TestBrowserSearchTaskOnAPhone opens a system owner's search task from its letter on a phone
// (390 × 844, touch), checks the page fits the screen, uploads one extract through the form and
// sees the answer recorded (docs/contract.md §3 "Search tasks").
func TestBrowserSearchTaskOnAPhone(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	wait, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	post := func(path, ctype string, body []byte) map[string]any {
		t.Helper()
		req, _ := http.NewRequestWithContext(wait, http.MethodPost, s.base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode >= 300 {
			t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
		}
		return out
	}
	email := "phone." + testProject(t, "") + "@tenant.test"
	sub, _ := json.Marshal(map[string]any{"type": "access", "name": "Pim Phone", "email": email, "birthDate": "1975-02-03",
		"signature": "Pim Phone", "declaration": true})
	ref, _ := post("/RequestForm", "application/json", sub)["reference"].(string)
	letter := func(kind, to string) devmailbox.Message {
		t.Helper()
		m, err := s.mailbox.Wait(wait, func(m devmailbox.Message) bool {
			return m.Kind() == kind && m.CustomArgs["reference"] == ref && (to == "" || len(m.To) > 0 && m.To[0] == to)
		})
		if err != nil {
			t.Fatalf("%s for %s: %v", kind, ref, err)
		}
		return m
	}
	confirm := linkTo(t, letter("confirm_email", email).Text, "ConfirmRequest")
	post("/ConfirmRequest", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, confirm)}}.Encode()))
	staff := linkTo(t, letter("staff_case", "staff@e2e.test").Text, "StaffCase")
	post("/StaffCase", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, staff)}, "action": {"verify_identity"}, "method": {"known_data"}}.Encode()))
	task := linkTo(t, letter("search_task", "huuradministratie@valleiwonen.example").Text, "SearchTask")

	extract := filepath.Join(t.TempDir(), "huur.csv")
	if err := os.WriteFile(extract, []byte("contract;begin\nH-1;2019-01-01\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	browse(t, ctx, "open the task on a phone",
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(task),
		chromedp.WaitVisible(css(`form[action^="/SearchTask"]`)),
	)
	if wide := read(t, ctx, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); wide {
		t.Error("the task page is wider than the phone's screen")
	}
	facts := read(t, ctx, "what to look for", chromedp.Text(css("main")))
	if !strings.Contains(facts, ref) || !strings.Contains(facts, "Pim Phone") || !strings.Contains(facts, "3 februari 1975") {
		t.Errorf("the task page does not show what to look for:\n%s", facts)
	}
	browse(t, ctx, "answer with one extract",
		chromedp.Click(css(`input[name="result"][value="found"]`)),
		chromedp.SetUploadFiles(css(`input[name="extract"]`), []string{extract}),
		chromedp.Click(css(`form[action^="/SearchTask"] button[type="submit"]`)),
		chromedp.WaitVisible(css("p.notice")),
	)
	done := read(t, ctx, "answered", chromedp.Text(css("main")))
	if !strings.Contains(done, "Beantwoord op") || !strings.Contains(done, "01-huur.csv") && !strings.Contains(done, "huur.csv") {
		t.Errorf("after the answer the page shows:\n%s", done)
	}
	if png := read(t, ctx, "screenshot", chromedp.FullScreenshot(90)); len(png) > 0 {
		shot(t, "search-task-phone.png", png)
	}
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}
