package functions_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/testenv"
)

// The deployed StaffDesk prints an access result on paper for a tenant without e-mail: the desk
// here runs with exactly the secrets Terraform mounts into it (env.fns), so it needs the ID key
// to open the sealed package (issue 19 item 6; it answered 500 without it).
func TestDeskPrintsAnAccessResultWithItsOwnSecrets(t *testing.T) {
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
		LettersToPost []struct{ Letter, Link string }
	}
	look := func() {
		_, body := d.do(t, "GET", "/StaffDesk", "", nil, asJSON)
		desk.LettersToPost = nil
		json.Unmarshal([]byte(body), &desk)
	}
	testenv.Eventually(t, "the case is on the desk", func() bool { look(); return len(desk.Cases) == 1 })
	stok := tokenOf(caseLinkOf(t, d, desk.Cases[0].Reference))
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
	fw.Write([]byte("contract;adres\nHV-77;Dorpsstraat 1\n"))
	w.Close()
	if resp, b := e.do(t, "POST", "/StaffCase", w.FormDataContentType(), &buf, asJSON); resp.StatusCode != 200 {
		t.Fatalf("decide: %d %s", resp.StatusCode, b)
	}
	var link string
	testenv.Eventually(t, "the result waits to be posted", func() bool {
		look()
		for _, l := range desk.LettersToPost {
			if l.Letter == "result_ready" {
				link = l.Link
			}
		}
		return link != ""
	})
	u, _ := url.Parse(link)
	resp, page := d.do(t, "GET", u.RequestURI(), "", nil, nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "HV-77") {
		t.Errorf("printing the access result: %d, want 200 with the data\n%s", resp.StatusCode, page)
	}
}
