// Command documents counts the Firestore documents that one whole access request reads and
// writes — the form, the e-mail confirmation, the identity check, a decision with a result
// file, the download — with every letter those steps cause actually sent. It runs every
// function in one process (scripts/dev's server, which makes the topics and lets the Pub/Sub
// emulator push the mail topic to SendMail; no ticks), and receives the e-mails on a local SendGrid stand-in to follow their links
// like a person. The product reaches Firestore through a counting gRPC pass-through, so the
// count needs no change in the product.
//
// Reads count as Firestore bills them: every document returned, every missing document looked
// up, and one for a query that returned nothing.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/privacyloket/privacyloket/scripts/perf/internal/harness"
)

func main() {
	rows := flag.String("rows", "", "append the summary row (TSV) to this file for scripts/bench")
	target := flag.Int("target", 30, "the issue's ceiling for documents read and written, for the ratio")
	flag.Parse()
	if err := run(*rows, *target); err != nil {
		fmt.Fprintf(os.Stderr, "documents: %v\n", err)
		os.Exit(1)
	}
}

// mail is one e-mail as the SendGrid stand-in received it.
type mail struct {
	To, Letter, Reference string
	Links                 []string
}

type mailbox struct {
	mu    sync.Mutex
	mails []mail
}

var linkRE = regexp.MustCompile(`https?://127\.0\.0\.1:\d+/[A-Za-z]+\?[^\s"'<>)]+`)

func (m *mailbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Personalizations []struct {
			To []struct{ Email string } `json:"to"`
		} `json:"personalizations"`
		Categories []string          `json:"categories"`
		CustomArgs map[string]string `json:"custom_args"`
		Content    []struct{ Type, Value string }
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var ml mail
	if len(body.Personalizations) > 0 && len(body.Personalizations[0].To) > 0 {
		ml.To = body.Personalizations[0].To[0].Email
	}
	ml.Letter, ml.Reference = body.CustomArgs["letter"], body.CustomArgs["reference"]
	for _, c := range body.Content {
		if c.Type == "text/plain" {
			ml.Links = linkRE.FindAllString(c.Value, -1)
		}
	}
	m.mu.Lock()
	m.mails = append(m.mails, ml)
	m.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (m *mailbox) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.mails)
}

// find returns the newest mail of kind letter to addr, or false.
func (m *mailbox) find(letter, addr string) (mail, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.mails) - 1; i >= 0; i-- {
		if m.mails[i].Letter == letter && m.mails[i].To == addr {
			return m.mails[i], true
		}
	}
	return mail{}, false
}

// link returns the first link to function fn in ml.
func (ml mail) link(fn string) string {
	for _, l := range ml.Links {
		if strings.Contains(l, "/"+fn+"?") {
			return l
		}
	}
	return ""
}

type step struct {
	name    string
	counts  Counts
	letters []string
}

func run(rowsFile string, target int) error {
	bins, cleanup, err := harness.Prepare("documents", "scripts/dev's server", harness.DevServer)
	if err != nil {
		return err
	}
	defer cleanup()
	bin := bins[0]
	px, err := startProxy(os.Getenv("FIRESTORE_EMULATOR_HOST"))
	if err != nil {
		return err
	}
	defer px.Close()
	box := &mailbox{}
	sg := httptest.NewServer(box)
	defer sg.Close()

	ctx := context.Background()
	project := fmt.Sprintf("perf-docs-%d", time.Now().UnixNano())
	defer func() { _ = harness.ResetProject(context.Background(), project) }()
	in, err := harness.Start(bin, "", harness.Env(project), "FIRESTORE_EMULATOR_HOST="+px.addr, "SENDGRID_API_HOST="+sg.URL,
		"RATE_LIMIT_PER_IP=1000", "RATE_LIMIT_PER_EMAIL=1000", "DEV_TICK_SECONDS=0")
	if err != nil {
		return err
	}
	defer in.Stop()
	if _, err := in.WaitReady(60 * time.Second); err != nil {
		return err
	}
	ps, err := pubsub.NewClient(ctx, project)
	if err != nil {
		return err
	}
	defer ps.Close()
	// The server made the topics and their push subscriptions (to SendMail and Tick); the
	// project is this run's own, and they go with it.
	defer func() {
		for _, sub := range []string{"SendMail-push", "Tick-push"} {
			_ = ps.SubscriptionAdminClient.DeleteSubscription(context.Background(), &pubsubpb.DeleteSubscriptionRequest{Subscription: "projects/" + project + "/subscriptions/" + sub})
		}
		for _, t := range []string{"mail", "ticks"} {
			_ = ps.TopicAdminClient.DeleteTopic(context.Background(), &pubsubpb.DeleteTopicRequest{Topic: "projects/" + project + "/topics/" + t})
		}
	}()

	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, u, contentType string, body io.Reader) (int, string, string, error) {
		req, err := http.NewRequestWithContext(ctx, method, u, body)
		if err != nil {
			return 0, "", "", err
		}
		req.Header.Set("Accept", "application/json")
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, "", "", err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b), nil
	}
	form := func(u string, v url.Values) (int, string, error) {
		code, _, b, err := do(http.MethodPost, u, "application/x-www-form-urlencoded", strings.NewReader(v.Encode()))
		return code, b, err
	}
	// await waits for a letter and then for quiet: no Firestore call and no e-mail for a while.
	await := func(letter, addr string) (mail, error) {
		deadline := time.Now().Add(30 * time.Second)
		var got mail
		found := letter == ""
		lastOps, lastMails, quietSince := -1, -1, time.Now()
		for time.Now().Before(deadline) {
			if !found {
				got, found = box.find(letter, addr)
			}
			ops, mails := px.Ops(), box.count()
			if ops != lastOps || mails != lastMails {
				lastOps, lastMails, quietSince = ops, mails, time.Now()
			}
			if found && time.Since(quietSince) > 1500*time.Millisecond {
				return got, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		if !found {
			return mail{}, fmt.Errorf("no %s letter to %s within 30 s:\n%s", letter, addr, tail(in.Logs()))
		}
		return got, nil
	}

	var steps []step
	prev, prevMails := px.Snapshot(), 0
	record := func(name string) {
		now := px.Snapshot()
		box.mu.Lock()
		var letters []string
		for _, m := range box.mails[prevMails:] {
			letters = append(letters, m.Letter)
		}
		prevMails = len(box.mails)
		box.mu.Unlock()
		steps = append(steps, step{name: name, counts: now.Sub(prev), letters: letters})
		prev = now
	}

	requester, staff := "requester@perf.test", "staff@localhost.test"
	body, _ := json.Marshal(map[string]any{"type": "access", "name": "Perf Test", "email": requester, "birthDate": "1980-01-01",
		"signature": "Perf Test", "declaration": true, "lang": "nl"})
	code, _, b, err := do(http.MethodPost, in.URL+"/RequestForm", "application/json", bytes.NewReader(body))
	if err != nil || code != http.StatusCreated {
		return fmt.Errorf("submit: %d %v %.300s", code, err, b)
	}
	conf, err := await("confirm_email", requester)
	if err != nil {
		return err
	}
	record("form: POST RequestForm (+ confirm_email sent)")

	link := conf.link("ConfirmRequest")
	tok := tokenOf(link)
	if code, _, _, err := do(http.MethodGet, link, "", nil); err != nil || code != http.StatusOK {
		return fmt.Errorf("confirm page: %d %v", code, err)
	}
	code, b, err = form(in.URL+"/ConfirmRequest", url.Values{"token": {tok}})
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("confirm: %d %v %.300s", code, err, b)
	}
	staffMail, err := await("staff_case", staff)
	if err != nil {
		return err
	}
	record("confirm: GET + POST ConfirmRequest (+ its letters sent)")

	slink := staffMail.link("StaffCase")
	stok := tokenOf(slink)
	code, _, page, err := do(http.MethodGet, slink, "", nil)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("staff page: %d %v", code, err)
	}
	// Staff establish identity whenever the page offers it: the profile may ask for an ID copy
	// (awaiting_identity) or not (in_progress; a decision that discloses still needs it).
	if strings.Contains(page, `"verify_identity"`) || strings.Contains(b, "awaiting_identity") {
		code, b, err = form(in.URL+"/StaffCase", url.Values{"token": {stok}, "action": {"verify_identity"}, "method": {"in_person"}, "documentType": {"passport"}})
		if err != nil || code != http.StatusOK {
			return fmt.Errorf("verify: %d %v %.300s", code, err, b)
		}
	}
	if _, err := await("", ""); err != nil {
		return err
	}
	record("verify: GET StaffCase + POST verify_identity (+ letters sent)")

	// Search first (docs/contract.md §3 "Search tasks"): every owner opens the task and answers;
	// one system sends a 1 MiB extract, the others searched and found nothing.
	systems, err := answerSearches(box, do)
	if err != nil {
		return err
	}
	if systems > 0 {
		if _, err := await("", ""); err != nil {
			return err
		}
		record(fmt.Sprintf("search: %d systems, each task page opened and answered (one 1 MiB extract)", systems))
	}

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("token", stok)
	_ = w.WriteField("action", "decide")
	_ = w.WriteField("outcome", "granted")
	fw, _ := w.CreateFormFile("resultFile", "export.csv")
	_, _ = fw.Write([]byte("contract;adres\nHV-1;Dorpsstraat 1\n"))
	_ = w.Close()
	code, _, b, err = do(http.MethodPost, in.URL+"/StaffCase", w.FormDataContentType(), &buf)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("decide: %d %v %.300s", code, err, b)
	}
	ready, err := await("result_ready", requester)
	if err != nil {
		return err
	}
	record("decide: POST decide with a result file (+ decision, result_ready sent)")

	dl := ready.link("DownloadResult")
	code, ct, _, err := do(http.MethodGet, dl, "", nil)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("download page: %d %v", code, err)
	}
	if ct != "application/zip" {
		// A page with a download button (link scanners download nothing): press it.
		code, _, err = form(in.URL+"/DownloadResult", url.Values{"token": {tokenOf(dl)}})
		if err != nil || code != http.StatusOK {
			return fmt.Errorf("download: %d %v", code, err)
		}
	}
	if _, err := await("", ""); err != nil {
		return err
	}
	record("download: DownloadResult")

	var total Counts
	fmt.Println("\nFirestore documents per step of one access request (reads as billed: found + missing + empty queries):")
	fmt.Println("| step | reads | writes | letters sent | calls | by collection (reads/writes) |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, s := range steps {
		r, wr := s.counts.Billed()
		var cols, rpcs []string
		for _, k := range slices.Sorted(maps.Keys(s.counts.ByCollection)) {
			v := s.counts.ByCollection[k]
			cols = append(cols, fmt.Sprintf("%s %d/%d", k, v[0], v[1]))
		}
		for _, k := range slices.Sorted(maps.Keys(s.counts.RPCs)) {
			rpcs = append(rpcs, fmt.Sprintf("%s %d", k, s.counts.RPCs[k]))
		}
		extra := ""
		if s.counts.Missing+s.counts.EmptyQueries+s.counts.Aggregations > 0 {
			extra = fmt.Sprintf(" (%d missing, %d empty queries, %d aggregations)", s.counts.Missing, s.counts.EmptyQueries, s.counts.Aggregations)
		}
		sent := "none"
		if len(s.letters) > 0 {
			sent = fmt.Sprintf("%d: %s", len(s.letters), strings.Join(s.letters, ", "))
		}
		fmt.Printf("| %s | %d%s | %d | %s | %s | %s |\n", s.name, r, extra, wr, sent,
			strings.Join(rpcs, ", "), strings.Join(cols, ", "))
		total.Reads += r
		total.Writes += wr
	}
	sum := total.Reads + total.Writes
	fmt.Printf("| total | %d | %d | | | |\n", total.Reads, total.Writes)
	rows := []harness.Row{{
		Figure:  "Firestore documents read + written, one access request (form, confirm, verify, decide with a result, download; every letter sent)",
		Product: fmt.Sprintf("%d (%d reads + %d writes)", sum, total.Reads, total.Writes),
		Floor:   fmt.Sprintf("target ≤ %d", target+14*systems),
		Ratio:   float64(sum) / float64(target+14*systems),
	}}
	if systems > 0 {
		// The documents the search steps add per system: its task page and answer (with the
		// extract's head and chunks for one of them), beside the whole journey's.
		var searched Counts
		for _, st := range steps {
			if strings.HasPrefix(st.name, "search:") {
				searched = st.counts
			}
		}
		r, wr := searched.Billed()
		per := float64(r+wr) / float64(systems)
		rows = append(rows, harness.Row{
			Figure:  fmt.Sprintf("Firestore documents per system searched (%d systems: task page + answer, one 1 MiB extract)", systems),
			Product: fmt.Sprintf("%.1f (%d reads + %d writes in all)", per, r, wr),
			Floor:   "target ≤ 14 per system",
			Ratio:   per / 14,
		})
	}
	fmt.Println()
	harness.PrintRows(os.Stdout, rows)
	return harness.AppendRows(rowsFile, rows)
}

func tokenOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Query().Get("token")
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// answerSearches opens every search_task letter's task page and answers it: the first system
// with a 1 MiB CSV extract, the others "nothing found". It returns how many systems it answered.
func answerSearches(box *mailbox, do func(method, u, contentType string, body io.Reader) (int, string, string, error)) (int, error) {
	box.mu.Lock()
	var tasks []mail
	for _, m := range box.mails {
		if m.Letter == "search_task" {
			tasks = append(tasks, m)
		}
	}
	box.mu.Unlock()
	var extract bytes.Buffer
	extract.WriteString("datum;bedrag;omschrijving\n")
	for extract.Len() < 1<<20 {
		fmt.Fprintf(&extract, "2026-01-%02d;%d;huur en servicekosten januari\n", extract.Len()%28+1, 700+extract.Len()%100)
	}
	for i, m := range tasks {
		link := m.link("SearchTask")
		if link == "" {
			return 0, fmt.Errorf("search_task to %s has no SearchTask link", m.To)
		}
		if code, _, b, err := do(http.MethodGet, link, "", nil); err != nil || code != http.StatusOK {
			return 0, fmt.Errorf("task page: %d %v %.200s", code, err, b)
		}
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("token", tokenOf(link))
		if i == 0 {
			_ = w.WriteField("result", "found")
			fw, _ := w.CreateFormFile("extract", "huur.csv")
			_, _ = fw.Write(extract.Bytes())
		} else {
			_ = w.WriteField("result", "nothing_found")
		}
		_ = w.Close()
		u, _ := url.Parse(link)
		code, _, b, err := do(http.MethodPost, u.Scheme+"://"+u.Host+"/SearchTask", w.FormDataContentType(), &buf)
		if err != nil || code != http.StatusOK {
			return 0, fmt.Errorf("answer task: %d %v %.300s", code, err, b)
		}
	}
	return len(tasks), nil
}
