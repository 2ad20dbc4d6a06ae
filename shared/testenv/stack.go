package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/idcheck/inspect"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/logging"
	"github.com/privacyloket/privacyloket/shared/memstore"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/pubsubqueue"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/sendgridmail"
	"github.com/privacyloket/privacyloket/shared/testenv/storetest"
)

// Options tune a Stack.
type Options struct {
	Profile    string // default "vallei-wonen"
	Staff      []string
	Now        time.Time // default 2026-03-27 10:00 Amsterdam
	RateIP     *int      // default 0 (off)
	RateMail   *int      // default 0 (off)
	BaseURL    string    // default http://privacyloket.test
	NoDelivery bool      // do not deliver the mail topic to SendLetter
	Backend    Backend   // default Emulators
	// Casework keeps the profile's register of systems, so identity established starts search
	// tasks; without it the register is emptied and a case goes from identity to decision as
	// before the search existed.
	Casework bool
	// FormIDCopy makes the profile's form take an ID copy (form.acceptsIdCopy; both shipped
	// profiles: off), for tests of uploads on the form.
	FormIDCopy bool
	// FourEyes keeps the profile's approval outcomes (both shipped profiles: every refusal and
	// partial grant waits for approval); without it only a refusal as excessive or manifestly
	// unfounded does, which four eyes always asks, so a case is decided by one staff member
	// as before four eyes existed.
	FourEyes bool
}

// Store is all three stores of one backend.
type Store = storetest.Stores

// Stack is the real service wired to a backend (the emulators, or memory), a capture SendGrid
// and a fake clock.
type Stack struct {
	Project string
	Backend Backend
	FS      *firestore.Client // nil on Memory
	PS      *pubsub.Client    // nil on Memory
	Reads   *ReadCounter      // documents read from Firestore; nil on Memory
	Mem     *memstore.Store   // nil on Emulators
	Store   Store
	Pub     app.Publisher
	Mail    *MailCapture
	Clock   *Clock
	App     *app.App
	Deps    app.Deps // what App was built from: a test builds another App from changed Deps
	Profile *policy.Profile
	Signer  *linktoken.Signer
	Logs    *SyncBuffer
	Staff   []string
	sending atomic.Int32 // letter messages being handled (sendLetter)
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *SyncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

// Key returns n random bytes.
func Key(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// NewStack builds the stack for one test.
func NewStack(t testing.TB, o Options) *Stack {
	t.Helper()
	if o.Backend == "" {
		o.Backend = Emulators
	}
	if o.Backend == Emulators {
		Require(t)
	}
	if o.Profile == "" {
		o.Profile = "vallei-wonen"
	}
	if o.Staff == nil {
		o.Staff = []string{"staff@corp.test"}
	}
	if o.Now.IsZero() {
		o.Now = time.Date(2026, 3, 27, 10, 0, 0, 0, deadline.Location())
	}
	zero := 0
	if o.RateIP == nil {
		o.RateIP = &zero
	}
	if o.RateMail == nil {
		o.RateMail = &zero
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://privacyloket.test"
	}
	s := &Stack{Project: Project(t), Backend: o.Backend, Mail: NewMailCapture(t), Clock: NewClock(o.Now), Logs: &SyncBuffer{}, Staff: o.Staff}
	var err error
	if s.Profile, err = policy.Load(o.Profile); err != nil {
		t.Fatal(err)
	}
	if !o.Casework {
		s.Profile.Systems = nil
	}
	if !o.FourEyes {
		s.Profile.Approval.Outcomes = nil
	}
	s.Profile.Form.AcceptsIDCopy = s.Profile.Form.AcceptsIDCopy || o.FormIDCopy
	var queue *memQueue
	switch o.Backend {
	case Emulators:
		s.emulators(t)
	case Memory:
		s.Mem = memstore.New()
		s.Store = s.Mem
		queue = newMemQueue(t)
		s.Pub = queue
	default:
		t.Fatalf("unknown backend %q", o.Backend)
	}
	mailer, err := sendgridmail.New("SG.test", s.Mail.URL)
	if err != nil {
		t.Fatal(err)
	}
	var sessions app.SessionStore = memstore.NewSessions()
	if s.FS != nil {
		if sessions, err = firestoredb.New(s.FS); err != nil {
			t.Fatal(err)
		}
	}
	key := Key(32)
	s.Signer, _ = linktoken.NewSigner(key)
	sealer, _ := idcheck.NewSealer(Key(32))
	s.Deps = app.Deps{
		Cases: s.Store, Outbox: s.Store, DeskStore: s.Store, Tasks: s.Store, Blobs: s.Store, Sessions: sessions, Publisher: s.Pub, Mailer: mailer, Signer: s.Signer, Sealer: sealer,
		Inspect: inspect.InspectContext, InspectExtract: inspect.InspectExtractContext,
		Profile: s.Profile, Calendar: deadline.NewCalendar(), Clock: s.Clock.Now, BaseURL: o.BaseURL,
		Staff: o.Staff, PseudonymKey: key, RateLimitPerIP: o.RateIP, RateLimitPerEmail: o.RateMail,
		Logger: logging.New(s.Logs, s.Project),
	}
	if s.App, err = app.New(s.Deps); err != nil {
		t.Fatal(err)
	}
	if o.NoDelivery {
		return s
	}
	if queue != nil {
		queue.deliver = s.sendLetter
	} else {
		s.deliver(t)
	}
	return s
}

// emulators connects the stack to the Firestore and Pub/Sub emulators.
func (s *Stack) emulators(t testing.TB) {
	t.Helper()
	s.FS, s.Reads = countingFirestore(t, s.Project)
	s.PS = PubSub(t, s.Project)
	store, err := firestoredb.New(s.FS)
	if err != nil {
		t.Fatal(err)
	}
	s.Store = store
	pub, err := pubsubqueue.New(s.PS.TopicAdminClient, s.Project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pub.Close)
	s.Pub = pub
	for _, topic := range app.Topics {
		if err := pubsubqueue.EnsurePush(context.Background(), s.PS.TopicAdminClient, s.PS.SubscriptionAdminClient, s.Project, topic, "", ""); err != nil {
			t.Fatal(err)
		}
	}
}

// Import stores cases as they are, many at once (benchmarks and load tests): a new case through
// Submit, an existing one overwritten through Update.
func (s *Stack) Import(ctx context.Context, cases []*request.Case) error {
	work := make(chan *request.Case)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			var first error
			for c := range work {
				if first == nil {
					first = s.importCase(ctx, c)
				}
			}
			errs <- first
		})
	}
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()
	close(errs)
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return errors.Join(all...)
}

func (s *Stack) importCase(ctx context.Context, c *request.Case) error {
	cp := *c
	err := s.Store.Submit(ctx, &cp, app.Change{}, nil)
	if !errors.Is(err, app.ErrExists) {
		return err
	}
	_, err = s.Store.Update(ctx, c.Reference, func(stored *request.Case) (app.Change, error) {
		v := stored.Version
		*stored = *c
		stored.Version = v
		return app.Change{}, nil
	})
	return err
}

// memQueue stands in for Pub/Sub on the Memory backend: each message on the mail topic is
// handed to deliver in the background, and again after a pause while deliver fails (as a nack
// makes Pub/Sub deliver it again). Other topics, and everything without deliver, are dropped.
type memQueue struct {
	ctx     context.Context
	wg      sync.WaitGroup
	deliver func(ctx context.Context, data []byte) error
}

func newMemQueue(t testing.TB) *memQueue {
	ctx, cancel := context.WithCancel(context.Background())
	q := &memQueue{ctx: ctx}
	t.Cleanup(func() { cancel(); q.wg.Wait() })
	return q
}

// Publish implements app.Publisher.
func (q *memQueue) Publish(_ context.Context, topic string, data []byte) error {
	if topic != app.TopicMail || q.deliver == nil {
		return nil
	}
	data = bytes.Clone(data)
	q.wg.Go(func() {
		pause := 10 * time.Millisecond
		for q.deliver(q.ctx, data) != nil {
			select {
			case <-q.ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, 500*time.Millisecond)
		}
	})
	return nil
}

// deliver pulls the mail topic and hands each letter id to SendLetter, as the push
// subscription does in production: an error nacks, so Pub/Sub delivers it again.
func (s *Stack) deliver(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	sub := fmt.Sprintf("projects/%s/subscriptions/mail-test", s.Project)
	_, err := s.PS.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
		Name: sub, Topic: fmt.Sprintf("projects/%s/topics/%s", s.Project, app.TopicMail), AckDeadlineSeconds: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := s.PS.Subscriber(sub).Receive(ctx, func(ctx context.Context, m *pubsub.Message) {
			if err := s.sendLetter(ctx, m.Data); err != nil {
				m.Nack()
				return
			}
			m.Ack()
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("receive: %v", err)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// sendLetter does what the mail function does with one message: an error asks for redelivery;
// a message that is not understood is dropped.
func (s *Stack) sendLetter(ctx context.Context, data []byte) error {
	s.sending.Add(1)
	defer s.sending.Add(-1)
	msg, err := outbox.DecodeMessage(data)
	if err != nil {
		return nil // a poison message: acknowledged, never retried
	}
	return s.App.Mailroom.SendLetter(ctx, msg.LetterID)
}

// Quiet waits until no letter message is being handled, so that every letter whose e-mail
// arrived has its outcome recorded. A test calls it before it moves the clock on: a send still
// in flight would otherwise find its lease, which runs on the test clock, long over.
func (s *Stack) Quiet(t testing.TB) {
	t.Helper()
	Eventually(t, "the letters being sent", func() bool { return s.sending.Load() == 0 })
}

// Rebuild builds the stack's App again from its Deps as change leaves them (a publisher that
// counts, a store that fails): an App's dependencies are fixed once it is built.
func (s *Stack) Rebuild(t testing.TB, change func(d *app.Deps)) {
	t.Helper()
	change(&s.Deps)
	a, err := app.New(s.Deps)
	if err != nil {
		t.Fatal(err)
	}
	s.App = a
}
