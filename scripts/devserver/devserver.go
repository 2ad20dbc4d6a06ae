package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/devmailbox"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/pubsubqueue"
)

// readyTimeout bounds the wait for the function server to answer.
const readyTimeout = 60 * time.Second

// config is what the dev server needs beyond what the functions read themselves (fnkit.Start).
type config struct {
	Project       string        // GOOGLE_CLOUD_PROJECT
	PublicBaseURL string        // PUBLIC_BASE_URL, printed for the person
	Host, Port    string        // where the functions listen
	MailboxAddr   string        // host:port of the local mailbox; empty runs none
	TickEvery     time.Duration // 0 publishes no ticks
}

// loadConfig reads flags, with defaults from the environment (docs/contract.md §2 names).
func loadConfig(args []string, getenv func(string) string) (config, error) {
	or := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet("devserver", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	var c config
	var tick string
	fs.StringVar(&c.Host, "host", "127.0.0.1", "address the functions listen on")
	fs.StringVar(&c.Port, "port", or("PORT", "8080"), "port of the functions ($PORT)")
	fs.StringVar(&c.MailboxAddr, "mailbox", "", "host:port of the local mailbox; empty runs none")
	fs.StringVar(&tick, "tick", or("DEV_TICK_SECONDS", "60"), "seconds between ticks; 0 is off ($DEV_TICK_SECONDS)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	c.Project = getenv("GOOGLE_CLOUD_PROJECT")
	c.PublicBaseURL = getenv("PUBLIC_BASE_URL")

	var errs []error
	if c.Project == "" {
		errs = append(errs, errors.New("GOOGLE_CLOUD_PROJECT is required"))
	}
	// The dev server creates subscriptions and publishes ticks: never against a real project.
	for _, name := range []string{"PUBSUB_EMULATOR_HOST", "FIRESTORE_EMULATOR_HOST"} {
		if getenv(name) == "" {
			errs = append(errs, fmt.Errorf("%s is required: the dev server runs against the emulators only", name))
		}
	}
	if p, err := strconv.Atoi(c.Port); err != nil || p < 1 || p > 65535 {
		errs = append(errs, fmt.Errorf("port %q is not a port number", c.Port))
	}
	if c.MailboxAddr != "" {
		if _, _, err := net.SplitHostPort(c.MailboxAddr); err != nil {
			errs = append(errs, fmt.Errorf("mailbox %q is not host:port", c.MailboxAddr))
		}
	}
	if n, err := strconv.Atoi(tick); err != nil || n < 0 {
		errs = append(errs, fmt.Errorf("DEV_TICK_SECONDS %q must be 0 (off) or a positive number of seconds", tick))
	} else {
		c.TickEvery = time.Duration(n) * time.Second
	}
	return c, errors.Join(errs...)
}

// localBase is where the emulator pushes: always loopback, whatever PUBLIC_BASE_URL says (that
// may be a tunnel or another name for this machine).
func (c config) localBase() string { return "http://127.0.0.1:" + c.Port }

// pushSub is one push subscription that delivers a topic to an event function.
type pushSub struct {
	Topic, Name, Endpoint string
}

// pushSubscriptions derives one subscription per event function, as Terraform does in
// production.
func pushSubscriptions(defs []fnlist.Function, base string) []pushSub {
	var out []pushSub
	for _, d := range defs {
		if d.Topic == "" {
			continue
		}
		out = append(out, pushSub{Topic: d.Topic, Name: d.Name + "-push", Endpoint: strings.TrimRight(base, "/") + "/" + d.Name})
	}
	return out
}

// ensureSubscriptions creates the topics and subscriptions and points existing ones at the
// current endpoint: a reused emulator may still push to the port of an earlier run.
func ensureSubscriptions(ctx context.Context, c *pubsub.Client, project string, subs []pushSub) error {
	for _, s := range subs {
		if err := pubsubqueue.EnsurePush(ctx, c.TopicAdminClient, c.SubscriptionAdminClient, project, s.Topic, s.Name, s.Endpoint); err != nil {
			return err
		}
		if err := c.SubscriptionAdminClient.ModifyPushConfig(ctx, &pubsubpb.ModifyPushConfigRequest{
			Subscription: fmt.Sprintf("projects/%s/subscriptions/%s", project, s.Name),
			PushConfig:   &pubsubpb.PushConfig{PushEndpoint: s.Endpoint},
		}); err != nil {
			return fmt.Errorf("point subscription %s at %s: %w", s.Name, s.Endpoint, err)
		}
	}
	return nil
}

// firstHTTPFunction names the function whose page shows that the server is up.
func firstHTTPFunction(defs []fnlist.Function) string {
	for _, d := range defs {
		if d.Topic == "" {
			return d.Name
		}
	}
	return ""
}

// waitReady polls url until it answers 200, the server fails (serveErr) or the deadline
// passes. Asking a function page, not just the port, tells our server from anything else
// that might listen there.
func waitReady(ctx context.Context, url string, serveErr <-chan error, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	last := "no answer"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else if ctx.Err() == nil {
			// At the deadline the request fails for that reason; keep the answer before it.
			last = err.Error()
		}
		select {
		case err := <-serveErr:
			return fmt.Errorf("function server: %w", err)
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer 200 within %s (last: %s)", url, timeout, last)
		case <-poll.C:
		}
	}
}

// tickLoop publishes a tick for every value from ticks until ctx ends. A failed publish is
// reported and the loop goes on: the next tick sweeps the same cases.
func tickLoop(ctx context.Context, ticks <-chan time.Time, publish func(context.Context) error, log io.Writer) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			if err := publish(ctx); err != nil && ctx.Err() == nil {
				fmt.Fprintf(log, "devserver: tick not published: %v\n", err)
			}
		}
	}
}

// serveMailbox starts the local mailbox on addr and returns its page's URL.
func serveMailbox(ctx context.Context, addr string, serveErr chan<- error) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("mailbox: %w", err)
	}
	srv := &http.Server{Handler: devmailbox.New(0), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- fmt.Errorf("mailbox: %w", err)
		}
	}()
	context.AfterFunc(ctx, func() { srv.Close() })
	return "http://" + l.Addr().String() + "/", nil
}

// run is the dev server: functions, mailbox, subscriptions, function server, ready line, ticks.
func run(ctx context.Context, c config, out io.Writer) error {
	// Every function its package registered (functions.go), each started from the environment
	// as when deployed: its own configuration and secrets, only what it uses.
	if err := fnkit.StartAll(ctx); err != nil {
		return err
	}

	serveErr := make(chan error, 2)
	mailboxURL := ""
	if c.MailboxAddr != "" {
		u, err := serveMailbox(ctx, c.MailboxAddr, serveErr)
		if err != nil {
			return err
		}
		mailboxURL = u
	}

	ps, err := pubsub.NewClient(ctx, c.Project)
	if err != nil {
		return fmt.Errorf("pubsub: %w", err)
	}
	defer ps.Close()
	// Topics first: a submission publishes to mail as soon as the server answers.
	setup, cancel := context.WithTimeout(ctx, 30*time.Second)
	err = ensureSubscriptions(setup, ps, c.Project, pushSubscriptions(fnlist.All, c.localBase()))
	cancel()
	if err != nil {
		return err
	}

	// funcframework reports a taken port only through its return value, and something else
	// on the port could answer the readiness poll first; check before starting.
	probe, err := net.Listen("tcp", net.JoinHostPort(c.Host, c.Port))
	if err != nil {
		return fmt.Errorf("port %s: %w (set PORT to a free one)", c.Port, err)
	}
	probe.Close()
	go func() { serveErr <- funcframework.StartHostPort(c.Host, c.Port) }()
	base := strings.TrimRight(c.PublicBaseURL, "/")
	if err := waitReady(ctx, c.localBase()+"/"+firstHTTPFunction(fnlist.All), serveErr, readyTimeout); err != nil {
		return err
	}
	fmt.Fprintf(out, "form: %s/%s\n", base, firstHTTPFunction(fnlist.All))
	if mailboxURL != "" {
		fmt.Fprintf(out, "mailbox: %s\n", mailboxURL)
	}
	fmt.Fprintf(out, "ready: %s\n", base)

	var ticks <-chan time.Time
	if c.TickEvery > 0 {
		t := time.NewTicker(c.TickEvery)
		defer t.Stop()
		ticks = t.C
	}
	pub, err := pubsubqueue.New(ps.TopicAdminClient, c.Project)
	if err != nil {
		return err
	}
	defer pub.Close()
	loopDone := make(chan struct{})
	loopCtx, stopLoop := context.WithCancel(ctx)
	go func() {
		defer close(loopDone)
		tickLoop(loopCtx, ticks, func(ctx context.Context) error {
			return pub.Publish(ctx, app.TopicTicks, []byte(`{}`))
		}, out)
	}()
	defer func() { stopLoop(); <-loopDone }()

	select {
	case <-ctx.Done():
		return nil // SIGINT/SIGTERM: a normal end
	case err := <-serveErr:
		return err
	}
}
