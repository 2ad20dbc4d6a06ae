package handlers

import (
	"context"
	"encoding/json"

	"github.com/cloudevents/sdk-go/v2/event"
)

// pubsubMessage is the Pub/Sub CloudEvent payload (google.cloud.pubsub.topic.v1.messagePublished).
type pubsubMessage struct {
	Message struct {
		Data        []byte `json:"data"`
		MessageID   string `json:"messageId"`
		PublishTime string `json:"publishTime"`
	} `json:"message"`
}

// SendMail sends one queued letter. A transient failure returns an error so that Pub/Sub
// redelivers; a malformed message is logged and acknowledged, never retried for ever.
func (h *Handlers) SendMail(ctx context.Context, e event.Event) error {
	var m pubsubMessage
	var body struct {
		LetterID string `json:"letterId"`
	}
	if err := e.DataAs(&m); err != nil || json.Unmarshal(m.Message.Data, &body) != nil || body.LetterID == "" {
		h.log.ErrorContext(ctx, "malformed mail message dropped", "event_id", e.ID())
		return nil
	}
	return h.svc.SendLetter(ctx, body.LetterID)
}
