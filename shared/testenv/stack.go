package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/firestore"
	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/firestoredb"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/logging"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/pubsubqueue"
	"github.com/privacyloket/privacyloket/shared/sendgridmail"
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
}

// Stack is the real service wired to the emulators, a capture SendGrid and a fake clock.
type Stack struct {
	Project string
	FS      *firestore.Client
	PS      *pubsub.Client
	Store   *firestoredb.Store
	Pub     *pubsubqueue.Publisher
	Mail    *MailCapture
	Clock   *Clock
	Svc     *app.Service
	Profile *policy.Profile
	Signer  *linktoken.Signer
	Logs    *SyncBuffer
	Staff   []string
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
	Require(t)
	ctx := context.Background()
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
	s := &Stack{Project: Project(t), Mail: NewMailCapture(t), Clock: NewClock(o.Now), Logs: &SyncBuffer{}, Staff: o.Staff}
	s.FS = Firestore(t, s.Project)
	s.PS = PubSub(t, s.Project)
	var err error
	if s.Profile, err = policy.Load(o.Profile); err != nil {
		t.Fatal(err)
	}
	if s.Store, err = firestoredb.New(s.FS); err != nil {
		t.Fatal(err)
	}
	if s.Pub, err = pubsubqueue.New(s.PS, s.Project); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Pub.Close)
	for _, topic := range app.Topics {
		if err := pubsubqueue.EnsurePush(ctx, s.PS, s.Project, topic, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	mailer, err := sendgridmail.New("SG.test", s.Mail.URL)
	if err != nil {
		t.Fatal(err)
	}
	key := Key(32)
	s.Signer, _ = linktoken.NewSigner(key)
	sealer, _ := idcheck.NewSealer(Key(32))
	s.Svc, err = app.New(app.Deps{
		Store: s.Store, Publisher: s.Pub, Mailer: mailer, Signer: s.Signer, Sealer: sealer,
		Profile: s.Profile, Calendar: deadline.NewCalendar(), Clock: s.Clock.Now, BaseURL: o.BaseURL,
		Staff: o.Staff, PseudonymKey: key, RateLimitPerIP: o.RateIP, RateLimitPerEmail: o.RateMail,
		Logger: logging.New(s.Logs, s.Project),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !o.NoDelivery {
		s.deliver(t)
	}
	return s
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
			body, err := outbox.DecodeMessage(m.Data)
			if err != nil {
				m.Ack()
				return
			}
			if err := s.Svc.SendLetter(ctx, body.LetterID); err != nil {
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
