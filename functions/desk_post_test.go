package functions_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/testenv"
)

// The printed letter carries the sender's postal address, and a case's staff page links to
// its export, served by the case's own link (issue 12, items 4 and 7; issue 19, item 3).
func TestDeskPrintedSenderAndCaseExportLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Backend: testenv.Memory, Now: time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)})
	d := e.signIn(t, "staff@corp.test")
	form := url.Values{"action": {"intake"}, "channel": {"counter"}, "receivedOn": {"2026-03-27"}, "type": {"access"},
		"name": {"Piet Post"}, "birthDate": {"1950-02-03"}, "address": {"Dorpsstraat 1, 3901 AB Veenendaal"}}
	if resp, body := d.post(t, form, asJSON); resp.StatusCode != http.StatusCreated {
		t.Fatalf("intake: %d %s", resp.StatusCode, body)
	}
	var desk struct {
		Cases         []struct{ Reference, Link string }
		LettersToPost []struct{ Link string }
	}
	testenv.Eventually(t, "the receipt waits to be posted", func() bool {
		_, body := d.do(t, "GET", "/StaffDesk", "", nil, asJSON)
		json.Unmarshal([]byte(body), &desk)
		return len(desk.LettersToPost) == 1
	})
	u, _ := url.Parse(desk.LettersToPost[0].Link)
	resp, page := d.do(t, "GET", u.RequestURI(), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Postbus 0000<br>0000 XX Voorbeeldplaats") || strings.Contains(page, "e-mail") {
		t.Errorf("printed letter: %d\n%s", resp.StatusCode, page)
	}

	u, _ = url.Parse(desk.Cases[0].Link)
	resp, page = e.do(t, "GET", u.RequestURI(), "", nil, nil)
	m := regexp.MustCompile(`href="(/StaffCase\?format=csv[^"]+)"`).FindStringSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("staff page: %d, no export link", resp.StatusCode)
	}
	resp, body := e.do(t, "GET", html.UnescapeString(m[1]), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(body, desk.Cases[0].Reference) || !strings.Contains(resp.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("export from the staff page: %d\n%s", resp.StatusCode, body)
	}
}
