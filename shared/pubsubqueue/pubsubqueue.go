// Package pubsubqueue is the Pub/Sub adapter: it publishes messages to named topics and, for
// local development and tests, creates topics and push subscriptions.
//
// It is built on the generated client (cloud.google.com/go/pubsub/v2/apiv1), not the high-level
// cloud.google.com/go/pubsub/v2 package: the product only publishes one message at a time and
// waits for the server's answer, which one Publish RPC does, and the high-level package links
// OpenCensus, whose package inits every function would pay at each cold start.
package pubsubqueue

import (
	"context"
	"errors"
	"fmt"
	"sync"

	pubsub "cloud.google.com/go/pubsub/v2/apiv1"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"google.golang.org/api/option"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Publisher implements app.Publisher.
type Publisher struct {
	// client returns the topic admin client; Dial's makes it on the first call.
	client  func() (*pubsub.TopicAdminClient, error)
	project string

	mu    sync.Mutex
	owned *pubsub.TopicAdminClient // the client Dial made, which Close closes
}

var _ app.Publisher = (*Publisher)(nil)

// New wraps a client; the caller keeps it and closes it.
func New(c *pubsub.TopicAdminClient, project string) (*Publisher, error) {
	if c == nil || project == "" {
		return nil, errors.New("pubsubqueue: client and project are required")
	}
	return &Publisher{client: func() (*pubsub.TopicAdminClient, error) { return c, nil }, project: project}, nil
}

// Dial returns a Publisher for project whose client is created on the first publish, not
// now: a function instance that publishes nothing (a form page, a download) never dials
// Pub/Sub. opts go to pubsub.NewTopicAdminClient, which, like the high-level client, connects
// to PUBSUB_EMULATOR_HOST without authentication over plain gRPC when that is set, and
// otherwise to the production endpoint with the default credentials.
func Dial(project string, opts ...option.ClientOption) (*Publisher, error) {
	if project == "" {
		return nil, errors.New("pubsubqueue: project is required")
	}
	p := &Publisher{project: project}
	p.client = sync.OnceValues(func() (*pubsub.TopicAdminClient, error) {
		c, err := pubsub.NewTopicAdminClient(context.Background(), opts...)
		if err != nil {
			return nil, fmt.Errorf("pubsub client: %w", err)
		}
		p.mu.Lock()
		p.owned = c
		p.mu.Unlock()
		return c, nil
	})
	return p, nil
}

// Publish implements app.Publisher: it sends data as one message, at once, and returns when
// the server has it. The generated client retries transient failures (its default settings for
// Publish) within ctx.
func (p *Publisher) Publish(ctx context.Context, topic string, data []byte) error {
	c, err := p.client()
	if err != nil {
		return err
	}
	req := &pubsubpb.PublishRequest{
		Topic:    topicName(p.project, topic),
		Messages: []*pubsubpb.PubsubMessage{{Data: data}},
	}
	if _, err := c.Publish(ctx, req); err != nil {
		return fmt.Errorf("publish to %s: %w", topic, err)
	}
	return nil
}

// Close closes the client Dial made, if any; a client given to New stays open.
func (p *Publisher) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.owned != nil {
		_ = p.owned.Close() // nothing is in flight that an error could concern
		p.owned = nil
	}
}

func topicName(project, topic string) string {
	return fmt.Sprintf("projects/%s/topics/%s", project, topic)
}

// EnsurePush creates topic and a push subscription delivering it to endpoint, if absent (no
// subscription when sub is empty; subs may then be nil). Production does this in Terraform;
// scripts/dev and the tests do it here.
func EnsurePush(ctx context.Context, topics *pubsub.TopicAdminClient, subs *pubsub.SubscriptionAdminClient, project, topic, sub, endpoint string) error {
	tname := topicName(project, topic)
	if _, err := topics.CreateTopic(ctx, &pubsubpb.Topic{Name: tname}); err != nil && status.Code(err) != codes.AlreadyExists {
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
	if _, err := subs.CreateSubscription(ctx, s); err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("create subscription %s: %w", sub, err)
	}
	return nil
}
