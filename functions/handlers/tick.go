package handlers

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
)

// Tick runs the scheduled sweep as of the message's publish time (the CloudEvent's time when
// the message has none, the clock when neither is there). A message's {"now": RFC3339} sets
// the moment only where ALLOW_TICK_NOW is true (tests, demos): elsewhere anyone allowed to
// publish on ticks could sweep as of the year 2100 and expire every case. An error makes
// Pub/Sub deliver the tick again; the sweep is idempotent, so that sends nothing twice.
func (h *Handlers) Tick(ctx context.Context, e event.Event) error {
	var m pubsubMessage
	if err := e.DataAs(&m); err != nil {
		h.log.ErrorContext(ctx, "malformed tick dropped", "event_id", e.ID())
		return nil
	}
	now := e.Time()
	if t, err := time.Parse(time.RFC3339Nano, m.Message.PublishTime); err == nil {
		now = t
	}
	var body struct {
		Now string `json:"now"`
	}
	if len(m.Message.Data) > 0 {
		if err := json.Unmarshal(m.Message.Data, &body); err != nil {
			h.log.ErrorContext(ctx, "malformed tick dropped", "event_id", e.ID())
			return nil
		}
	}
	if body.Now != "" && !h.opts.AllowTickNow {
		h.log.WarnContext(ctx, "tick's now ignored (ALLOW_TICK_NOW is off)", "event_id", e.ID())
	}
	if body.Now != "" && h.opts.AllowTickNow {
		t, err := time.Parse(time.RFC3339Nano, body.Now)
		if err != nil {
			h.log.ErrorContext(ctx, "tick with a bad now dropped", "event_id", e.ID())
			return nil
		}
		now = t
	}
	if now.IsZero() {
		now = h.svc.Now()
	}
	res, err := h.svc.Tick(ctx, now)
	if err != nil {
		return err
	}
	h.log.InfoContext(ctx, "tick done", "now", now.UTC().Format(time.RFC3339), "cases", res.Cases, "letters", res.Letters, "relayed", res.Relayed)
	return nil
}
