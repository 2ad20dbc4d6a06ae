package functions_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/testenv"
)

// taskPost is a multipart answer to a search task, with one extract file when file is not nil.
func taskPost(t *testing.T, fields map[string]string, filename string, file []byte) (string, io.Reader) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != nil {
		fw, _ := w.CreateFormFile("extract", filename)
		fw.Write(file)
	}
	w.Close()
	return w.FormDataContentType(), &buf
}

// The search task over HTTP (docs/contract.md §3): a staff verify_identity sends each owner a
// search_task letter; its link opens the task page (HTML and JSON), takes one extract per POST,
// refuses a second answer (409) and another holder's token (403); the staff case JSON lists the
// checklist and the internal date; a grant while a task is open answers 409 searches_open.
func TestSearchTaskOverHTTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testenv.Options{Casework: true})
	resp, b := e.postJSON(t, "/RequestForm", valid())
	if resp.StatusCode != 201 {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	var created struct{ Reference string }
	json.Unmarshal([]byte(b), &created)
	ref := created.Reference
	conf := e.Mail.Await(t, "confirm_email", "carla@tenant.test", ref)
	e.do(t, "POST", "/ConfirmRequest", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"token": {tokenOf(conf.Link("ConfirmRequest"))}}.Encode()), asJSON)
	stok := tokenOf(e.Mail.Await(t, "staff_case", "staff@corp.test", ref).Link("StaffCase"))
	staff := func(v url.Values) (int, string) {
		v.Set("token", stok)
		resp, b := e.do(t, "POST", "/StaffCase", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), asJSON)
		return resp.StatusCode, b
	}
	if code, b := staff(url.Values{"action": {"verify_identity"}, "method": {"known_data"}}); code != 200 {
		t.Fatalf("verify: %d %s", code, b)
	}
	m := e.Mail.Await(t, "search_task", "huuradministratie@valleiwonen.example", ref)
	if m.Args["system"] != "huuradministratie" || m.Args["dueDate"] == "" {
		t.Errorf("search_task custom_args %v", m.Args)
	}
	link := m.Link("SearchTask")
	tok := tokenOf(link)
	if resp, page := e.do(t, "GET", "/SearchTask?token="+url.QueryEscape(tok), "", nil, nil); resp.StatusCode != 200 ||
		!strings.Contains(page, ref) || !strings.Contains(page, "Carla Contract") || !strings.Contains(page, `name="extract"`) ||
		!strings.Contains(page, "Geboortedatum") || strings.Contains(page, ">search.") || strings.Contains(page, ">form.") || strings.Contains(page, "search_task.title") {
		t.Fatalf("task page: %d\n%s", resp.StatusCode, page)
	}
	var page struct {
		Reference, Type, DueDate string
		Closed                   bool
		LookFor                  struct{ Name, BirthDate string }
		Results                  []string
	}
	_, b = e.do(t, "GET", "/SearchTask?token="+url.QueryEscape(tok), "", nil, asJSON)
	json.Unmarshal([]byte(b), &page)
	if page.Reference != ref || page.Closed || page.LookFor.Name != "Carla Contract" || page.LookFor.BirthDate != "1980-05-17" || len(page.Results) != 2 {
		t.Errorf("task JSON %s", b)
	}
	// The staff JSON: the checklist and the internal date.
	_, b = e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, asJSON)
	var sc struct {
		InternalDate string `json:"internalDate"`
		Searches     []struct {
			System, Phase, State, DueDate string
			Owners                        []string
			Result                        *string
		} `json:"searches"`
	}
	json.Unmarshal([]byte(b), &sc)
	if sc.InternalDate == "" || len(sc.Searches) != 5 || sc.Searches[0].State != "open" || sc.Searches[0].Phase != "search" || sc.Searches[0].Result != nil {
		t.Errorf("staff JSON: %s", b)
	}
	if resp, page := e.do(t, "GET", "/StaffCase?token="+url.QueryEscape(stok), "", nil, nil); resp.StatusCode != 200 ||
		!strings.Contains(page, "Zoektocht in de systemen") || !strings.Contains(page, `value="waive_search"`) || !strings.Contains(page, "huuradministratie@valleiwonen.example") ||
		strings.Contains(page, ">search.") || strings.Contains(page, ">act.") || strings.Contains(page, ">field.") {
		t.Errorf("staff page checklist: %d", resp.StatusCode)
	}
	if code, b := staff(url.Values{"action": {"waive_search"}, "system": {"website"}}); code != 400 || !strings.Contains(b, "reason") {
		t.Errorf("waive without reason: %d %s", code, b)
	}
	if code, b := staff(url.Values{"action": {"waive_search"}, "system": {"website"}, "reason": {"Geen bezoekersgegevens."}}); code != 200 {
		t.Errorf("waive: %d %s", code, b)
	}
	if code, b := staff(url.Values{"action": {"add_search"}, "systemName": {"Oud archief"}, "ownerEmail": {"Archief@valleiwonen.example"}}); code != 200 {
		t.Errorf("add_search: %d %s", code, b)
	}
	e.Mail.Await(t, "search_task", "archief@valleiwonen.example", ref)
	if code, b := staff(url.Values{"action": {"decide"}, "outcome": {"granted"}, "resultFile": {`{"a":"b"}`}}); code != 409 || !strings.Contains(b, "zoekopdrachten") || !strings.Contains(b, `"reason":"searches_open"`) {
		t.Errorf("grant with open searches: %d %s", code, b)
	}
	// An answer: a refused file is named and nothing is stored; an extract is taken (HTML: 303 back).
	ct, body := taskPost(t, map[string]string{"token": tok, "result": "found"}, "data.bin", []byte("\x00\x01\x02"))
	if resp, b := e.do(t, "POST", "/SearchTask", ct, body, asJSON); resp.StatusCode != 400 || !strings.Contains(b, "extract") {
		t.Errorf("binary extract: %d %s", resp.StatusCode, b)
	}
	ct, body = taskPost(t, map[string]string{"token": tok, "result": "found"}, "huur.json", []byte(`[{"contract":"H-1"}]`))
	if resp, _ := e.do(t, "POST", "/SearchTask", ct, body, nil); resp.StatusCode != 303 {
		t.Errorf("HTML answer: %d, want 303", resp.StatusCode)
	}
	ct, body = taskPost(t, map[string]string{"token": tok, "result": "nothing_found"}, "", nil)
	if resp, b := e.do(t, "POST", "/SearchTask", ct, body, asJSON); resp.StatusCode != 409 {
		t.Errorf("second answer: %d %s, want 409", resp.StatusCode, b)
	}
	// Another owner's token does not answer this task; a staff token is no task token.
	other := tokenOf(e.Mail.Await(t, "search_task", "wijkbeheer@valleiwonen.example", ref).Link("SearchTask"))
	if resp, _ := e.do(t, "GET", "/SearchTask?token="+url.QueryEscape(stok), "", nil, nil); resp.StatusCode != 403 {
		t.Errorf("staff token on the task page: %d, want 403", resp.StatusCode)
	}
	ct, body = taskPost(t, map[string]string{"token": other, "result": "nothing_found"}, "", nil)
	if resp, b := e.do(t, "POST", "/SearchTask", ct, body, asJSON); resp.StatusCode != 200 || !strings.Contains(b, `"answered"`) {
		t.Errorf("the other owner's own answer: %d %s", resp.StatusCode, b)
	}
	if logs := e.Logs.String(); strings.Contains(logs, "Carla") || strings.Contains(logs, "valleiwonen.example") {
		t.Errorf("logs carry personal data:\n%s", logs)
	}
}
