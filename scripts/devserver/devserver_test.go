package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// requireEmulators returns the emulator hosts, or skips the test without them unless
// PRIVACYLOKET_REQUIRE_EMULATORS=1 (scripts/test sets it), where their absence is a failure.
func requireEmulators(t *testing.T) (firestoreHost, pubsubHost string) {
	t.Helper()
	firestoreHost, pubsubHost = os.Getenv("FIRESTORE_EMULATOR_HOST"), os.Getenv("PUBSUB_EMULATOR_HOST")
	if firestoreHost == "" || pubsubHost == "" {
		if os.Getenv("PRIVACYLOKET_REQUIRE_EMULATORS") == "1" {
			t.Fatal("FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST must be set (PRIVACYLOKET_REQUIRE_EMULATORS=1); scripts/test starts them")
		}
		t.Skip("no emulators: run scripts/test, or set FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST")
	}
	return firestoreHost, pubsubHost
}

// testProject is a project id no other test run uses, so runs never share emulator state.
func testProject(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"GOOGLE_CLOUD_PROJECT": "demo-x", "PUBLIC_BASE_URL": "http://127.0.0.1:9000",
		"FIRESTORE_EMULATOR_HOST": "127.0.0.1:1", "PUBSUB_EMULATOR_HOST": "127.0.0.1:2",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		want    config
		wantErr []string // substrings of the error; nil means no error
	}{
		{name: "defaults", env: base, want: config{Project: "demo-x", PublicBaseURL: "http://127.0.0.1:9000",
			Host: "127.0.0.1", Port: "8080", TickEvery: time.Minute}},
		{name: "environment", env: with("PORT", "9000", "DEV_TICK_SECONDS", "0"), want: config{Project: "demo-x",
			PublicBaseURL: "http://127.0.0.1:9000", Host: "127.0.0.1", Port: "9000"}},
		{name: "flags win", args: []string{"-port", "9100", "-tick", "5", "-mailbox", "127.0.0.1:9101", "-host", "0.0.0.0"},
			env: with("PORT", "9000"), want: config{Project: "demo-x", PublicBaseURL: "http://127.0.0.1:9000",
				Host: "0.0.0.0", Port: "9100", MailboxAddr: "127.0.0.1:9101", TickEvery: 5 * time.Second}},
		{name: "every problem at once", env: map[string]string{"PORT": "http", "DEV_TICK_SECONDS": "-1"}, args: []string{"-mailbox", "nope"},
			wantErr: []string{"GOOGLE_CLOUD_PROJECT", "PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST", `port "http"`, `mailbox "nope"`, "DEV_TICK_SECONDS"}},
		{name: "stray argument", env: base, args: []string{"extra"}, wantErr: []string{"unexpected arguments: extra"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := loadConfig(tc.args, env(tc.env))
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("loadConfig: %v", err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("config (-want +got):\n%s", diff)
				}
				return
			}
			if err == nil {
				t.Fatal("loadConfig accepted a bad configuration")
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

// The dev server imports every function's package (functions.go): each registers its function.
func TestServesEveryFunction(t *testing.T) {
	t.Parallel()
	var got []string
	for _, f := range fnkit.Registered() {
		got = append(got, f.Name)
	}
	var want []string
	for _, f := range fnlist.All {
		want = append(want, f.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("registered functions (-fnlist.All +registered):\n%s", diff)
	}
}

func TestPushSubscriptions(t *testing.T) {
	t.Parallel()
	defs := []fnlist.Function{{Name: "RequestForm"}, {Name: "SendMail", Topic: "mail"}, {Name: "Tick", Topic: "ticks"}}
	want := []pushSub{
		{Topic: "mail", Name: "SendMail-push", Endpoint: "http://127.0.0.1:8080/SendMail"},
		{Topic: "ticks", Name: "Tick-push", Endpoint: "http://127.0.0.1:8080/Tick"},
	}
	if diff := cmp.Diff(want, pushSubscriptions(defs, "http://127.0.0.1:8080/")); diff != "" {
		t.Errorf("subscriptions (-want +got):\n%s", diff)
	}
	// Every event function of the product gets one.
	if got, want := len(pushSubscriptions(fnlist.All, "http://x")), 0; got == want {
		t.Error("the product's definitions yield no push subscription")
	}
	if got, want := firstHTTPFunction(defs), "RequestForm"; got != want {
		t.Errorf("firstHTTPFunction = %q, want %q", got, want)
	}
}

func TestWaitReady(t *testing.T) {
	t.Parallel()
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(ok.Close)
	notFound := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	failed := make(chan error, 1)
	failed <- errors.New("listen tcp: address already in use")

	cases := []struct {
		name    string
		url     string
		serve   chan error
		timeout time.Duration
		wantErr string
	}{
		{name: "answers", url: ok.URL, serve: make(chan error), timeout: time.Minute},
		{name: "server failed", url: notFound.URL, serve: failed, timeout: time.Minute, wantErr: "address already in use"},
		{name: "never 200", url: notFound.URL, serve: make(chan error), timeout: 2 * time.Second, wantErr: "404 Not Found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := waitReady(context.Background(), tc.url, tc.serve, tc.timeout)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("waitReady: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("waitReady error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestTickLoop(t *testing.T) {
	t.Parallel()
	ticks := make(chan time.Time)
	published := make(chan struct{}, 3)
	calls := 0
	publish := func(context.Context) error {
		calls++
		published <- struct{}{}
		if calls == 2 {
			return errors.New("emulator away")
		}
		return nil
	}
	var log strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { tickLoop(ctx, ticks, publish, &log); close(done) }()
	for range 3 {
		ticks <- time.Time{}
		<-published
	}
	cancel()
	<-done
	if got, want := calls, 3; got != want {
		t.Errorf("published %d ticks, want %d (a failed publish must not stop the loop)", got, want)
	}
	if got := log.String(); !strings.Contains(got, "tick not published: emulator away") {
		t.Errorf("log = %q, want the failed publish reported", got)
	}
}

// TestEnsureSubscriptions checks against the Pub/Sub emulator that topics and push
// subscriptions are created, and that a second run moves them to a new endpoint.
func TestEnsureSubscriptions(t *testing.T) {
	t.Parallel()
	requireEmulators(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	project := testProject(t, "demo-devsubs-")
	c, err := pubsub.NewClient(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	for _, port := range []string{"8080", "9090"} {
		subs := pushSubscriptions(fnlist.All, "http://127.0.0.1:"+port)
		if err := ensureSubscriptions(ctx, c, project, subs); err != nil {
			t.Fatalf("ensureSubscriptions (port %s): %v", port, err)
		}
		for _, s := range subs {
			got, err := c.SubscriptionAdminClient.GetSubscription(ctx, &pubsubpb.GetSubscriptionRequest{
				Subscription: fmt.Sprintf("projects/%s/subscriptions/%s", project, s.Name)})
			if err != nil {
				t.Fatalf("subscription %s: %v", s.Name, err)
			}
			if got, want := got.GetTopic(), fmt.Sprintf("projects/%s/topics/%s", project, s.Topic); got != want {
				t.Errorf("%s topic = %q, want %q", s.Name, got, want)
			}
			if got, want := got.GetPushConfig().GetPushEndpoint(), s.Endpoint; got != want {
				t.Errorf("%s endpoint = %q, want %q", s.Name, got, want)
			}
		}
	}
}
