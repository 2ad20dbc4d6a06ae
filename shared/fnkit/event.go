package fnkit

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Message is the Pub/Sub message a push delivers, as the CloudEvent
// google.cloud.pubsub.topic.v1.messagePublished carries it.
type Message struct {
	Data        []byte `json:"data"`
	MessageID   string `json:"messageId"`
	PublishTime string `json:"publishTime"`
}

// PubSubMessage returns the Pub/Sub message a push delivered as e. On an error the caller logs
// the event's id (never its contents) and acknowledges it: delivering it again would not mend
// it.
func PubSubMessage(e event.Event) (Message, error) {
	var m struct {
		Message Message `json:"message"`
	}
	err := e.DataAs(&m)
	return m.Message, err
}

// TickTime is the moment the tick e sweeps as of: its message's publish time (the CloudEvent's
// time when the message has none, the clock when neither is there). A message's
// {"now": RFC3339} sets the moment only where ALLOW_TICK_NOW is true (tests, demos): elsewhere
// anyone allowed to publish on ticks could sweep as of the year 2100 and expire every case.
// False for a malformed tick, which is logged and dropped.
func (k *Kit) TickTime(ctx context.Context, e event.Event) (time.Time, bool) {
	m, err := PubSubMessage(e)
	if err != nil {
		k.Log.ErrorContext(ctx, "malformed tick dropped", "event_id", e.ID())
		return time.Time{}, false
	}
	now := e.Time()
	if t, err := time.Parse(time.RFC3339Nano, m.PublishTime); err == nil {
		now = t
	}
	var body struct {
		Now string `json:"now"`
	}
	if len(m.Data) > 0 {
		if err := json.Unmarshal(m.Data, &body); err != nil {
			k.Log.ErrorContext(ctx, "malformed tick dropped", "event_id", e.ID())
			return time.Time{}, false
		}
	}
	switch {
	case body.Now != "" && !k.Options.AllowTickNow:
		k.Log.WarnContext(ctx, "tick's now ignored (ALLOW_TICK_NOW is off)", "event_id", e.ID())
	case body.Now != "":
		t, err := time.Parse(time.RFC3339Nano, body.Now)
		if err != nil {
			k.Log.ErrorContext(ctx, "tick with a bad now dropped", "event_id", e.ID())
			return time.Time{}, false
		}
		now = t
	}
	if now.IsZero() {
		now = k.App.Now()
	}
	return now, true
}
