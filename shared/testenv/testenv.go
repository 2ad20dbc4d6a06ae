// Package testenv gives tests the real Firestore and Pub/Sub clients against the local
// emulators, each test in a project of its own, plus a SendGrid-compatible capture endpoint and
// a settable clock. scripts/test starts the emulators and sets PRIVACYLOKET_REQUIRE_EMULATORS=1,
// so there (and on CI, CI=true) a missing emulator fails the test instead of skipping it. Use-case
// tests run on every available backend: in memory always, on the emulators when they run.
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/firestore/apiv1/firestorepb"
	"cloud.google.com/go/pubsub/v2"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Backend is where a Stack keeps its data and how it delivers mail messages.
type Backend string

const (
	// Emulators: Firestore and Pub/Sub emulators (the default for NewStack).
	Emulators Backend = "emulators"
	// Memory: shared/memstore and an in-process queue; needs nothing running.
	Memory Backend = "memory"
)

// required says whether a missing emulator fails the test instead of skipping it: on CI
// (CI=true) and under scripts/test (PRIVACYLOKET_REQUIRE_EMULATORS=1).
func required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("PRIVACYLOKET_REQUIRE_EMULATORS") == "1"
}

func configured(vars ...string) bool {
	for _, v := range vars {
		if os.Getenv(v) == "" {
			return false
		}
	}
	return true
}

func require(t testing.TB, vars ...string) {
	t.Helper()
	if configured(vars...) {
		return
	}
	if required() {
		t.Fatalf("%s must be set: CI=true or PRIVACYLOKET_REQUIRE_EMULATORS=1 requires the emulators (scripts/test starts them)",
			strings.Join(vars, " and "))
	}
	t.Skipf("%s not set; run scripts/test", strings.Join(vars, " and "))
}

// Require skips (or, on CI and under scripts/test, fails) when the emulators are not configured.
func Require(t testing.TB) {
	t.Helper()
	require(t, "FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST")
}

// RequireFirestore is Require for a test that needs only the Firestore emulator.
func RequireFirestore(t testing.TB) {
	t.Helper()
	require(t, "FIRESTORE_EMULATOR_HOST")
}

// Backends lists the backends a use-case test runs on: always Memory, and Emulators when they
// are configured. On CI and under scripts/test missing emulators fail the test (after it ran
// in memory).
func Backends(t testing.TB) []Backend {
	t.Helper()
	if configured("FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST") {
		return []Backend{Memory, Emulators}
	}
	if required() {
		t.Error("FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST must be set: CI=true or PRIVACYLOKET_REQUIRE_EMULATORS=1 requires the emulators (scripts/test starts them)")
	}
	return []Backend{Memory}
}

// EachBackend runs test as a parallel subtest per backend from Backends, named after it.
func EachBackend(t *testing.T, test func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			test(t, b)
		})
	}
}

// Project returns a fresh project id, so no two tests share data.
func Project(t testing.TB) string {
	var b [6]byte
	rand.Read(b[:])
	return "test-" + hex.EncodeToString(b[:])
}

// Firestore returns a client for project against the emulator, closed at cleanup.
func Firestore(t testing.TB, project string) *firestore.Client {
	t.Helper()
	c, err := firestore.NewClient(context.Background(), project)
	if err != nil {
		t.Fatalf("firestore client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ReadCounter counts the documents a Firestore client receives (from gets and queries), and
// the reads Firestore bills: those documents, plus one for each document a get found missing,
// one for each query that returned nothing, and one per 1 000 entries an aggregation counted
// (at least one).
// It also counts commits, and those that failed (a precondition, contention).
type ReadCounter struct{ n, billed, commits, failed atomic.Int64 }

// Load returns the documents read so far.
func (r *ReadCounter) Load() int64 { return r.n.Load() }

// Billed returns the reads Firestore would bill so far.
func (r *ReadCounter) Billed() int64 { return r.billed.Load() }

// Commits returns the commits sent so far and how many of them failed.
func (r *ReadCounter) Commits() (sent, failed int64) { return r.commits.Load(), r.failed.Load() }

// CountedFirestore is a Firestore client for project on the emulator whose reads and commits
// are counted.
func CountedFirestore(t testing.TB, project string) (*firestore.Client, *ReadCounter) {
	return countingFirestore(t, project)
}

// countingFirestore is Firestore with a ReadCounter on its connection to the emulator.
func countingFirestore(t testing.TB, project string) (*firestore.Client, *ReadCounter) {
	t.Helper()
	r := &ReadCounter{}
	count := func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		cs, err := streamer(ctx, desc, cc, method, opts...)
		if err != nil {
			return nil, err
		}
		return &countingStream{ClientStream: cs, r: r}, nil
	}
	commits := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		err := invoker(ctx, method, req, reply, cc, opts...)
		if method == "/google.firestore.v1.Firestore/Commit" {
			r.commits.Add(1)
			if err != nil {
				r.failed.Add(1)
			}
		}
		return err
	}
	// The client dials the emulator itself and ignores dial options; a connection of our own
	// (given last, so it wins) carries the counter.
	conn, err := grpc.NewClient("passthrough:///"+os.Getenv("FIRESTORE_EMULATOR_HOST"),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithPerRPCCredentials(emulatorOwner{}),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(math.MaxInt32), grpc.MaxCallSendMsgSize(math.MaxInt32)),
		grpc.WithChainStreamInterceptor(count), grpc.WithChainUnaryInterceptor(commits))
	if err != nil {
		t.Fatalf("firestore emulator connection: %v", err)
	}
	c, err := firestore.NewClient(context.Background(), project, option.WithGRPCConn(conn))
	if err != nil {
		t.Fatalf("firestore client: %v", err)
	}
	t.Cleanup(func() { c.Close(); conn.Close() })
	return c, r
}

// emulatorOwner authenticates to the emulator as its owner, as the client library does.
type emulatorOwner struct{}

func (emulatorOwner) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer owner"}, nil
}
func (emulatorOwner) RequireTransportSecurity() bool { return false }

type countingStream struct {
	grpc.ClientStream
	r *ReadCounter
	// query: a RunQuery stream; found: the documents it returned so far.
	query bool
	found int
}

func (s *countingStream) RecvMsg(m any) error {
	err := s.ClientStream.RecvMsg(m)
	if err == nil {
		switch m := m.(type) {
		case *firestorepb.BatchGetDocumentsResponse:
			if m.GetFound() != nil {
				s.r.n.Add(1)
				s.r.billed.Add(1)
			} else if m.GetMissing() != "" {
				s.r.billed.Add(1)
			}
		case *firestorepb.RunQueryResponse:
			s.query = true
			if m.GetDocument() != nil {
				s.found++
				s.r.n.Add(1)
				s.r.billed.Add(1)
			}
		case *firestorepb.RunAggregationQueryResponse:
			for _, v := range m.GetResult().GetAggregateFields() {
				s.r.billed.Add(max(1, (v.GetIntegerValue()+999)/1000))
			}
		}
	} else if errors.Is(err, io.EOF) && s.query && s.found == 0 {
		s.r.billed.Add(1) // a query that returned nothing is billed one read
	}
	return err
}

// PubSub returns a client for project against the emulator, closed at cleanup.
func PubSub(t testing.TB, project string) *pubsub.Client {
	t.Helper()
	c, err := pubsub.NewClient(context.Background(), project)
	if err != nil {
		t.Fatalf("pubsub client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Clock is a settable clock for the service under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the current fake time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Mail is one captured SendGrid v3 mail/send call.
type Mail struct {
	To         string
	From       string
	Subject    string
	Categories []string
	Args       map[string]string
	Text, HTML string
	Raw        string
}

// Kind is the letter kind from custom_args.
func (m Mail) Kind() string { return m.Args["letter"] }

var linkRE = regexp.MustCompile(`https?://[^\s"'<>()]+`)

// Link returns the first absolute link to /name in the text part.
func (m Mail) Link(name string) string {
	for _, u := range linkRE.FindAllString(m.Text, -1) {
		u = strings.TrimRight(u, ".,;")
		if strings.Contains(u, "/"+name+"?") {
			return u
		}
	}
	return ""
}

// MailCapture is an httptest server that answers like SendGrid's POST /v3/mail/send.
type MailCapture struct {
	URL   string
	mu    sync.Mutex
	mails []Mail
	fail  []int // status codes for the next calls
	calls int
}

// NewMailCapture starts a capture server, closed at cleanup.
func NewMailCapture(t testing.TB) *MailCapture {
	m := &MailCapture{}
	srv := httptest.NewServer(http.HandlerFunc(m.handle))
	t.Cleanup(srv.Close)
	m.URL = srv.URL
	return m
}

// FailNext makes the next calls answer with these status codes, in order.
func (m *MailCapture) FailNext(codes ...int) {
	m.mu.Lock()
	m.fail = append(m.fail, codes...)
	m.mu.Unlock()
}

// Calls counts every call, failed or not.
func (m *MailCapture) Calls() int { m.mu.Lock(); defer m.mu.Unlock(); return m.calls }

func (m *MailCapture) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	m.calls++
	if len(m.fail) > 0 {
		code := m.fail[0]
		m.fail = m.fail[1:]
		m.mu.Unlock()
		http.Error(w, `{"errors":[{"message":"capture failure","field":null}]}`, code)
		return
	}
	m.mu.Unlock()
	if r.URL.Path != "/v3/mail/send" || r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		http.Error(w, `{"errors":[{"message":"bad request"}]}`, http.StatusBadRequest)
		return
	}
	var v struct {
		From struct {
			Email string `json:"email"`
		} `json:"from"`
		Personalizations []struct {
			To []struct {
				Email string `json:"email"`
			} `json:"to"`
		} `json:"personalizations"`
		Subject    string            `json:"subject"`
		Categories []string          `json:"categories"`
		CustomArgs map[string]string `json:"custom_args"`
		Content    []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"content"`
	}
	if err := json.Unmarshal(body, &v); err != nil || len(v.Personalizations) != 1 || len(v.Personalizations[0].To) != 1 {
		http.Error(w, `{"errors":[{"message":"invalid body"}]}`, http.StatusBadRequest)
		return
	}
	mail := Mail{To: v.Personalizations[0].To[0].Email, From: v.From.Email, Subject: v.Subject,
		Categories: v.Categories, Args: v.CustomArgs, Raw: string(body)}
	for _, c := range v.Content {
		switch c.Type {
		case "text/plain":
			mail.Text = c.Value
		case "text/html":
			mail.HTML = c.Value
		}
	}
	m.mu.Lock()
	m.mails = append(m.mails, mail)
	m.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// All returns every captured mail.
func (m *MailCapture) All() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.mails...)
}

// Count counts captured mails of kind to addr about ref (empty matches all).
func (m *MailCapture) Count(kind, addr, ref string) int {
	n := 0
	for _, x := range m.All() {
		if (kind == "" || x.Kind() == kind) && (addr == "" || strings.EqualFold(x.To, addr)) && (ref == "" || x.Args["reference"] == ref) {
			n++
		}
	}
	return n
}

// Await polls until a mail of kind to addr about ref arrives, or fails the test at the deadline.
func (m *MailCapture) Await(t testing.TB, kind, addr, ref string) Mail {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, x := range m.All() {
			if x.Kind() == kind && (addr == "" || strings.EqualFold(x.To, addr)) && (ref == "" || x.Args["reference"] == ref) {
				return x
			}
		}
		if time.Now().After(deadline) {
			var seen []string
			for _, x := range m.All() {
				seen = append(seen, fmt.Sprintf("%s→%s", x.Kind(), x.To))
			}
			t.Fatalf("no %s mail to %q about %q (seen %v)", kind, addr, ref, seen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Eventually polls cond until it holds or fails the test at the deadline.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
