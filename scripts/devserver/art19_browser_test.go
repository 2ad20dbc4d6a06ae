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
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/web"
)

// e2eRecipients are the recipients the shared stack's rent administration names (vallei-wonen
// names none): one the register gives an e-mail address, one it gives none.
var e2eRecipients = []map[string]string{
	{"nl": "Incassobureau Noord", "en": "Incassobureau Noord", "email": "incasso@noord.example"},
	{"nl": "Aannemer Bouw", "en": "Aannemer Bouw"},
}

// e2eProfilePath is the stack's ORG_PROFILE (e2eProfile), set once when the stack is built.
var e2eProfilePath string

// e2eProfile writes the shipped vallei-wonen profile with e2eRecipients on its rent
// administration to a file for ORG_PROFILE (a path is read as a profile: policy.Load), removed
// after the last test that shares the stack.
func e2eProfile(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "policy", "profiles", "vallei-wonen.json"))
	if err != nil {
		t.Fatal(err)
	}
	var prof map[string]any
	if err := json.Unmarshal(raw, &prof); err != nil {
		t.Fatal(err)
	}
	systems, _ := prof["systems"].([]any)
	named := false
	for _, sys := range systems {
		if sys := sys.(map[string]any); sys["id"] == "huuradministratie" {
			sys["recipients"], named = e2eRecipients, true
		}
	}
	if !named {
		t.Fatal("vallei-wonen has no system huuradministratie to name recipients")
	}
	dir, err := os.MkdirTemp("", "privacyloket-e2e-profile-")
	if err != nil {
		t.Fatal(err)
	}
	stackDone = append(stackDone, func() { os.RemoveAll(dir) })
	out, _ := json.Marshal(prof)
	path := filepath.Join(dir, "vallei-wonen-recipients.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	e2eProfilePath = path
	return path
}

// TestBrowserArt19Recipients decides an erasure whose rent administration held the data, on a
// laptop and on a phone (docs/casework.md "Art. 19 notices"): the decide form lists the
// recipients the system names, each box labelled (axe finds nothing), with a field for the
// address of the one the register gives none; unticking a box and sending without a note
// brings the form back with the error at the note and everything as entered (the box still
// unticked, the address, the texts, the outcome); with the note it is decided.
func TestBrowserArt19Recipients(t *testing.T) {
	requireEmulators(t)
	ctx := newBrowser(t)
	s := startStack(t)
	for _, vp := range []struct {
		name   string
		width  int64
		height int64
		opts   []chromedp.EmulateViewportOption
	}{
		{"laptop", 1280, 900, nil},
		{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch}},
	} {
		t.Run(vp.name, func(t *testing.T) {
			c := erasureToDecide(t, s)
			browse(t, ctx, "open the case",
				chromedp.EmulateViewport(vp.width, vp.height, vp.opts...),
				chromedp.Navigate(c.staff),
				chromedp.WaitVisible(css("#decide-recipients-named")),
			)
			defer browse(t, ctx, "reset the viewport", chromedp.EmulateReset())
			named := read(t, ctx, "the recipients named", chromedp.Text(css("#decide-recipients-named")))
			for _, want := range []string{"Incassobureau Noord — incasso@noord.example", web.T("nl", "field.recipients.named")} {
				if !strings.Contains(named, want) {
					t.Errorf("the decide form does not list %q:\n%s", want, named)
				}
			}
			box := `#decide-recipients-named input[type="checkbox"][value="incasso@noord.example"]`
			if !checked(t, ctx, box) {
				t.Error("the recipient the system names is not ticked")
			}
			if got, want := read(t, ctx, "the address label", chromedp.Text(css(`label[for="decide-recipientAddresses-0"]`))), "E-mailadres van Aannemer Bouw (genoemd door Huuradministratie)"; got != want {
				t.Errorf("the field for Aannemer Bouw's address is labelled %q, want %q", got, want)
			}
			checkAxe(t, ctx, "decide form with recipients on a "+vp.name)
			if read(t, ctx, "page width", chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
				t.Errorf("on a %s the case page is wider than the screen", vp.name)
			}

			const motivation, summary = "U staat niet meer bij ons ingeschreven.", "Uw gegevens in de huuradministratie zijn gewist."
			browse(t, ctx, "untick a recipient and decide without a note",
				chromedp.SetValue(css("#decide-outcome"), "granted"),
				chromedp.SendKeys(css("#decide-motivation"), motivation),
				chromedp.Click(css(box)),
				chromedp.SendKeys(css("#decide-recipientAddresses-0"), "info@aannemerbouw.example"),
				chromedp.SendKeys(css("#decide-correctionSummary"), summary),
				chromedp.Click(css("#decide-confirm")),
				chromedp.Click(css(`form.action:has(input[value="decide"]) button[type="submit"]`)),
				chromedp.WaitVisible(css("#decide-recipientsNote-error")),
			)
			if got, want := read(t, ctx, "the error at the note", chromedp.Text(css("#decide-recipientsNote-error"))), web.T("nl", "fielderr.recipients_unconfirmed"); got != want {
				t.Errorf("the error at the note is %q, want %q", got, want)
			}
			if read(t, ctx, "note described by its error", chromedp.Evaluate[string](`document.getElementById('decide-recipientsNote').getAttribute('aria-describedby')`)) != "decide-recipientsNote-error" {
				t.Error("the note is not described by its error")
			}
			if checked(t, ctx, box) {
				t.Error("after the refusal the box staff unticked is ticked again")
			}
			for sel, want := range map[string]string{"#decide-outcome": "granted", "#decide-motivation": motivation, "#decide-correctionSummary": summary,
				"#decide-recipientAddresses-0": "info@aannemerbouw.example", "#decide-recipients": ""} {
				if got := read(t, ctx, "value of "+sel, chromedp.Evaluate[string](`document.querySelector('`+sel+`').value`)); got != want {
					t.Errorf("after the refusal %s holds %q, want %q", sel, got, want)
				}
			}
			if summaryLinks := read(t, ctx, "summary", chromedp.Evaluate[[]string](`[...document.querySelectorAll('.summary a')].map(a => a.getAttribute('href'))`)); len(summaryLinks) != 1 || summaryLinks[0] != "#decide-recipientsNote" {
				t.Errorf("the error summary links %v, want the note only", summaryLinks)
			}
			checkAxe(t, ctx, "refused decide form on a "+vp.name)
			t.Logf("refused decide on a %s: %s", vp.name, shot(t, "art19-refused-"+vp.name+".png", read(t, ctx, "screenshot", chromedp.FullScreenshot(90))))

			browse(t, ctx, "write the note and decide",
				chromedp.SendKeys(css("#decide-recipientsNote"), "Incassobureau Noord kreeg van deze huurder nooit gegevens."),
				chromedp.Click(css("#decide-confirm")),
				chromedp.Click(css(`form.action:has(input[value="decide"]) button[type="submit"]`)),
				chromedp.WaitNotPresent(css("#decide-recipients-named")),
				chromedp.WaitVisible(css("#done")),
			)
			if got := read(t, ctx, "notice", chromedp.Text(css("#done"))); !strings.Contains(got, web.T("nl", "event.decide")) {
				t.Errorf("after deciding the notice says %q", got)
			}

			// Carried out, the decision names Aannemer Bouw at the address typed, and only it
			// gets a notice there.
			c.answer(c.letter("carry_out_task", kind("carry_out_task", "huuradministratie@valleiwonen.example")), map[string]string{"result": "done", "backups": "included"})
			if dec := c.letter("decision", kind("decision", c.email)); !strings.Contains(dec.Text, "- Aannemer Bouw (info@aannemerbouw.example)") || strings.Contains(dec.Text, "Incassobureau Noord (") {
				t.Errorf("the decision does not name Aannemer Bouw at the address typed, or names the recipient unticked as informed:\n%s", dec.Text)
			}
			c.letter("correction_notice", kind("correction_notice", "info@aannemerbouw.example"))
			for _, m := range s.mailbox.Messages() {
				if m.CustomArgs["reference"] == c.ref && m.Kind() == "correction_notice" && (len(m.To) == 0 || m.To[0] != "info@aannemerbouw.example") {
					t.Errorf("a notice went to %v, which staff did not confirm", m.To)
				}
			}
		})
	}
}

// checked reports whether the box sel names is ticked.
func checked(t *testing.T, ctx context.Context, sel string) bool {
	t.Helper()
	return read(t, ctx, "ticked "+sel, chromedp.Evaluate[bool](`document.querySelector('`+sel+`').checked`))
}

// e2eCase is one case on the shared stack, driven the way a JSON client and the letters do.
type e2eCase struct {
	t          *testing.T
	s          *e2eStack
	ref, email string
	staff      string // the StaffCase link of staff@e2e.test
	wait       context.Context
}

// post sends body to path as ctype and fails on an answer that is no success.
func (c *e2eCase) post(path, ctype string, body []byte) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequestWithContext(c.wait, http.MethodPost, c.s.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode >= 300 {
		c.t.Fatalf("POST %s: %d %v", path, resp.StatusCode, out)
	}
	return out
}

// letter waits for the case's letter that match accepts.
func (c *e2eCase) letter(what string, match func(devmailbox.Message) bool) devmailbox.Message {
	c.t.Helper()
	m, err := c.s.mailbox.Wait(c.wait, func(m devmailbox.Message) bool { return m.CustomArgs["reference"] == c.ref && match(m) })
	if err != nil {
		c.t.Fatalf("%s for %s: %v", what, c.ref, err)
	}
	return m
}

// kind matches a letter of kind k, to whom if to is not "".
func kind(k, to string) func(devmailbox.Message) bool {
	return func(m devmailbox.Message) bool { return m.Kind() == k && (to == "" || len(m.To) > 0 && m.To[0] == to) }
}

// answer answers the task of the search_task or carry_out_task letter m with fields.
func (c *e2eCase) answer(m devmailbox.Message, fields map[string]string) {
	c.t.Helper()
	fields["token"] = tokenOf(c.t, linkTo(c.t, m.Text, "SearchTask"))
	body, _ := json.Marshal(fields)
	c.post("/SearchTask", "application/json", body)
}

// erasureToDecide submits and confirms an erasure, has staff establish identity and every
// system searched answer (the rent administration: held), ready for staff to decide.
func erasureToDecide(t *testing.T, s *e2eStack) *e2eCase {
	t.Helper()
	wait, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	c := &e2eCase{t: t, s: s, email: "wis." + testProject(t, "") + "@tenant.test", wait: wait}
	sub, _ := json.Marshal(map[string]any{"type": "erasure", "name": "Willem Wis", "email": c.email, "birthDate": "1971-06-06",
		"details": "Mijn gegevens in de huuradministratie; ik huur niet meer bij u.", "signature": "Willem Wis", "declaration": true})
	c.ref, _ = c.post("/RequestForm", "application/json", sub)["reference"].(string)
	confirm := linkTo(t, c.letter("confirm_email", kind("confirm_email", "")).Text, "ConfirmRequest")
	c.post("/ConfirmRequest", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, confirm)}}.Encode()))
	c.staff = linkTo(t, c.letter("staff_case", kind("staff_case", "staff@e2e.test")).Text, "StaffCase")
	c.post("/StaffCase", "application/x-www-form-urlencoded", []byte(url.Values{"token": {tokenOf(t, c.staff)}, "action": {"verify_identity"}, "method": {"known_data"}}.Encode()))
	prof, err := policy.Load(e2eProfilePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, sys := range prof.SystemsFor("erasure") {
		task := c.letter("search_task of "+sys.ID, func(m devmailbox.Message) bool { return m.Kind() == "search_task" && m.CustomArgs["system"] == sys.ID })
		if sys.ID == "huuradministratie" {
			c.answer(task, map[string]string{"result": "held", "note": "Huurcontract en betalingen tot 2024."})
		} else {
			c.answer(task, map[string]string{"result": "nothing_found"})
		}
	}
	return c
}
