// Package pubsubqueue is the Pub/Sub adapter: it publishes messages to named topics and, for
// local development and tests, creates topics and push subscriptions.
package pubsubqueue

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Publisher implements app.Publisher. It keeps one publisher per topic for the instance.
type Publisher struct {
	// c is the client; a Publisher made by Dial sets it on the first publish (connect).
	c       *pubsub.Client
	connect func() error
	mu      sync.Mutex
	topics  map[string]*pubsub.Publisher
	project string
}

var _ app.Publisher = (*Publisher)(nil)

// New wraps a client.
func New(c *pubsub.Client, project string) (*Publisher, error) {
	if c == nil || project == "" {
		return nil, errors.New("pubsubqueue: client and project are required")
	}
	return &Publisher{c: c, topics: map[string]*pubsub.Publisher{}, project: project}, nil
}

// Dial returns a Publisher for project whose client is created on the first publish, not
// now: a function instance that publishes nothing (a form page, a download) never dials
// Pub/Sub. opts go to pubsub.NewClient.
func Dial(project string, opts ...option.ClientOption) (*Publisher, error) {
	if project == "" {
		return nil, errors.New("pubsubqueue: project is required")
	}
	p := &Publisher{topics: map[string]*pubsub.Publisher{}, project: project}
	p.connect = sync.OnceValue(func() error {
		c, err := pubsub.NewClient(context.Background(), project, opts...)
		if err != nil {
			return fmt.Errorf("pubsub client: %w", err)
		}
		p.c = c
		return nil
	})
	return p, nil
}

// Publish implements app.Publisher and waits until the server has the message.
func (p *Publisher) Publish(ctx context.Context, topic string, data []byte) error {
	if p.connect != nil {
		if err := p.connect(); err != nil {
			return err
		}
	}
	p.mu.Lock()
	t, ok := p.topics[topic]
	if !ok {
		t = p.c.Publisher(topic)
		// Every caller waits for its message to be acknowledged, so send each at once: the
		// client's default holds a message up to 10 ms for a batch (DelayThreshold), which a
		// submission would wait out on its way to the answer.
		t.PublishSettings.CountThreshold = 1
		p.topics[topic] = t
	}
	p.mu.Unlock()
	if _, err := t.Publish(ctx, &pubsub.Message{Data: data}).Get(ctx); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	return nil
}

// Close flushes and stops every publisher.
func (p *Publisher) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, t := range p.topics {
		t.Stop()
	}
}

// EnsurePush creates topic and a push subscription delivering it to endpoint, if absent.
// Production does this in Terraform; scripts/dev and the tests do it here.
func EnsurePush(ctx context.Context, c *pubsub.Client, project, topic, sub, endpoint string) error {
	tname := fmt.Sprintf("projects/%s/topics/%s", project, topic)
	if _, err := c.TopicAdminClient.CreateTopic(ctx, &pubsubpb.Topic{Name: tname}); err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	if sub == "" {
		return nil
	}
	s := &pubsubpb.Subscription{
		Name:               fmt.Sprintf("projects/%s/subscriptions/%s", project, sub),
		Topic:              tname,
		AckDeadlineSeconds: 60,
		PushConfig:         &pubsubpb.PushConfig{PushEndpoint: endpoint},
	}
	if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, s); err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create subscription %s: %w", sub, err)
	}
	return nil
}
