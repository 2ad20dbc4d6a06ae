package pubsubqueue_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/privacyloket/privacyloket/shared/pubsubqueue"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Publish reaches a subscriber through the real client and the emulator; EnsurePush is idempotent.
func TestPublish(t *testing.T) {
	t.Parallel()
	testenv.Require(t)
	ctx := context.Background()
	project := testenv.Project(t)
	c := testenv.PubSub(t, project)
	for range 2 {
		if err := pubsubqueue.EnsurePush(ctx, c.TopicAdminClient, c.SubscriptionAdminClient, project, "mail", "", ""); err != nil {
			t.Fatal(err)
		}
	}
	sub := fmt.Sprintf("projects/%s/subscriptions/pull", project)
	if _, err := c.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{Name: sub, Topic: fmt.Sprintf("projects/%s/topics/mail", project)}); err != nil {
		t.Fatal(err)
	}
	p, err := pubsubqueue.New(c.TopicAdminClient, project)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Publish(ctx, "mail", []byte(`{"letterId":"x"}`)); err != nil {
		t.Fatal(err)
	}
	// Dial, as the functions do: the client is made on the first publish.
	d, err := pubsubqueue.Dial(project)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Publish(ctx, "mail", []byte(`{"letterId":"x"}`)); err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	got := make(chan string, 1)
	c.Subscriber(sub).Receive(rctx, func(_ context.Context, m *pubsub.Message) {
		m.Ack()
		select {
		case got <- string(m.Data):
		default:
		}
		cancel()
	})
	select {
	case data := <-got:
		if data != `{"letterId":"x"}` {
			t.Errorf("received %q", data)
		}
	default:
		t.Fatal("nothing received within 20 s")
	}
	if _, err := pubsubqueue.New(nil, project); err == nil {
		t.Error("New accepted a nil client")
	}
	if _, err := pubsubqueue.Dial(""); err == nil {
		t.Error("Dial accepted an empty project")
	}
}
