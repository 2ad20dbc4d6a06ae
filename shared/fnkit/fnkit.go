// Package fnkit is what every Privacyloket function is built with: registration with the
// Functions Framework, start-up from the environment (each function builds only what it uses),
// and the HTTP machinery the pages share (security headers and trace ids, bodies decoded within
// limits after a same-origin check, link tokens verified, errors mapped to stable answers, the
// client's address for rate limits).
//
// A function's package under functions/ calls HTTP or Event in its init. Deployed, the platform
// sets FUNCTION_TARGET to that function: it starts at once, or the instance fails loudly. With
// FUNCTION_TARGET unset (scripts/devserver, tests) nothing starts by itself: StartAll starts
// every registered function in one process, and tests build a handler on a Kit of their own.
// Each function's package imports the Functions Framework's functions package blank: the
// buildpack generates a declarative main only for a package that imports it.
//
// A page opened by a link has one shape (LinkPage): GET shows, POST decodes, verifies and acts.
package fnkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/logging"
	"github.com/privacyloket/privacyloket/shared/web"
)

// Kit is what one function of one instance is built from: its use cases, the page renderer
// (HTTP functions only), the logger and the deployment's options.
type Kit struct {
	Function fnlist.Function
	App      *app.App
	Web      *web.Renderer // nil for an event function
	Log      *slog.Logger
	Options  Options
}

// Options are the deployment's choices the functions follow (docs/contract.md §2).
type Options struct {
	// TrustedProxyHops is TRUSTED_PROXY_HOPS: how many proxies append to X-Forwarded-For
	// (web.ClientAddr).
	TrustedProxyHops int
	// AllowTickNow is ALLOW_TICK_NOW: a tick's {"now": ...} sets the sweep's time. Off, a tick
	// sweeps as of its publish time whatever it carries.
	AllowTickNow bool
	// DeskSignInFloor is the least time a desk sign-in takes to answer, whether or not the
	// address is staff (only for staff is a letter written), so that the answer's timing does
	// not tell them apart. Zero: DefaultDeskSignInFloor.
	DeskSignInFloor time.Duration
}

// DefaultDeskSignInFloor comfortably exceeds a Firestore write and a publish.
const DefaultDeskSignInFloor = 500 * time.Millisecond

// NewKit builds function f's Kit from its use cases and collaborators; an HTTP function needs
// the renderer.
func NewKit(f fnlist.Function, a *app.App, r *web.Renderer, log *slog.Logger, o Options) (*Kit, error) {
	if f.Name == "" || a == nil || log == nil || (f.Topic == "" && r == nil) {
		return nil, errors.New("fnkit: the function, its service, its logger and (for HTTP) the renderer are required")
	}
	if o.TrustedProxyHops < 0 {
		return nil, errors.New("fnkit: TrustedProxyHops must not be negative")
	}
	if o.DeskSignInFloor <= 0 {
		o.DeskSignInFloor = DefaultDeskSignInFloor
	}
	// docs/rules.md §3: a due date in a year without decree-day data counts fewer free days.
	if w := a.CheckDecreeData(a.Now()); w != "" {
		log.Warn(w)
	}
	return &Kit{Function: f, App: a, Web: r, Log: log, Options: o}, nil
}

// EventFunc is an event function: an error makes the platform deliver the event again.
type EventFunc = func(context.Context, event.Event) error

// registration is one function as its package registered it.
type registration struct {
	f       fnlist.Function
	http    func(*Kit) http.HandlerFunc
	event   func(*Kit) EventFunc
	with    []Option
	started bool
}

var (
	mu         sync.Mutex
	registered []*registration
)

// HTTP registers the HTTP function f, whose handler newHandler makes from f's Kit. with adds
// what only f links (Inspector).
func HTTP(f fnlist.Function, newHandler func(*Kit) http.HandlerFunc, with ...Option) {
	register(&registration{f: f, http: newHandler, with: with})
}

// Event registers the event function f, whose handler newHandler makes from f's Kit. with adds
// what only f links (Mailer).
func Event(f fnlist.Function, newHandler func(*Kit) EventFunc, with ...Option) {
	register(&registration{f: f, event: newHandler, with: with})
}

func register(r *registration) {
	mu.Lock()
	registered = append(registered, r)
	mu.Unlock()
	if os.Getenv("FUNCTION_TARGET") != r.f.Name {
		return
	}
	// This instance serves r.f alone: it starts now, or the platform shows it failed instead
	// of it answering requests half-configured. One line names every bad variable.
	if err := start(context.Background(), r); err != nil {
		fmt.Fprintf(os.Stderr, "privacyloket: %s: start-up failed: %v\n", r.f.Name, err)
		os.Exit(1)
	}
}

// start builds r's Kit from the environment and registers its handler with the framework.
func start(ctx context.Context, r *registration) error {
	k, err := Start(ctx, r.f, r.with...)
	if err != nil {
		return err
	}
	if r.http != nil {
		functions.HTTP(r.f.Name, k.serve(r.http(k)))
	} else {
		functions.CloudEvent(r.f.Name, r.event(k))
	}
	mu.Lock()
	r.started = true
	mu.Unlock()
	return nil
}

// StartAll starts every registered function that has not started, each from the environment
// with its own secrets, so that one process serves them all at /<Name> (scripts/devserver).
func StartAll(ctx context.Context) error {
	mu.Lock()
	var todo []*registration
	for _, r := range registered {
		if !r.started {
			todo = append(todo, r)
		}
	}
	mu.Unlock()
	var errs []error
	for _, r := range todo {
		if err := start(ctx, r); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.f.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Registered lists the functions registered in this process, in the order of fnlist.All.
func Registered() []fnlist.Function {
	mu.Lock()
	defer mu.Unlock()
	var out []fnlist.Function
	for _, f := range fnlist.All {
		if slices.ContainsFunc(registered, func(r *registration) bool { return r.f.Name == f.Name }) {
			out = append(out, f)
		}
	}
	return out
}

// lookup is the registration of the function called name.
func lookup(name string) *registration {
	mu.Lock()
	defer mu.Unlock()
	for _, r := range registered {
		if r.f.Name == name {
			return r
		}
	}
	return nil
}

// HTTPHandler is the registered HTTP function called name, built on k as deployed (tests
// build each function on a Kit of their own); nil when no HTTP function has that name.
func HTTPHandler(name string, k *Kit) http.HandlerFunc {
	r := lookup(name)
	if r == nil || r.http == nil {
		return nil
	}
	return k.serve(r.http(k))
}

// EventHandler is the registered event function called name, built on k; nil when no event
// function has that name.
func EventHandler(name string, k *Kit) EventFunc {
	r := lookup(name)
	if r == nil || r.event == nil {
		return nil
	}
	return r.event(k)
}

// serve adds the trace id to the request context, for every log line of the request.
func (k *Kit) serve(fn http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		fn(w, r.WithContext(logging.WithTrace(r)))
	}
}
