// Package sendmail is the function SendMail: it sends the letter a mail message names. It is
// the only function that gets the SendGrid key and links the SendGrid client.
package sendmail

import (
	"context"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/sendgridmail"
)

func init() { fnkit.Event(fnlist.SendMail, New, fnkit.Mailer(newMailer)) }

func newMailer(key, host string) (app.Mailer, error) { return sendgridmail.New(key, host) }

// New is SendMail's handler. A transient failure returns an error so that Pub/Sub redelivers;
// a malformed message is logged and acknowledged, never retried for ever.
func New(k *fnkit.Kit) fnkit.EventFunc {
	return func(ctx context.Context, e event.Event) error {
		m, err := fnkit.PubSubMessage(e)
		var body outbox.Message
		if err == nil {
			body, err = outbox.DecodeMessage(m.Data)
		}
		if err != nil {
			k.Log.ErrorContext(ctx, "malformed mail message dropped", "event_id", e.ID())
			return nil
		}
		return k.App.Mailroom.SendLetter(ctx, body.LetterID)
	}
}
