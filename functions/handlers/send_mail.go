package handlers

import (
	"context"

	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/privacyloket/privacyloket/shared/outbox"
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
	if err := e.DataAs(&m); err != nil {
		h.log.ErrorContext(ctx, "malformed mail message dropped", "event_id", e.ID())
		return nil
	}
	body, err := outbox.DecodeMessage(m.Message.Data)
	if err != nil {
		h.log.ErrorContext(ctx, "malformed mail message dropped", "event_id", e.ID())
		return nil
	}
	return h.svc.SendLetter(ctx, body.LetterID)
}
