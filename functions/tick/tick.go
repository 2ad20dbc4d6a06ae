// Package tick is the function Tick: the scheduled sweep (reminders, escalations, expiry,
// retention and the outbox relay), triggered once a minute by a message on the ticks topic.
package tick

import (
	"context"
	"time"

	_ "github.com/GoogleCloudPlatform/functions-framework-go/functions"
	"github.com/cloudevents/sdk-go/v2/event"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

func init() { fnkit.Event(fnlist.Tick, New) }

// New is Tick's handler: the sweep as of the tick's moment (fnkit.Kit.TickTime). An error makes
// Pub/Sub deliver the tick again; the sweep is idempotent, so that sends nothing twice.
func New(k *fnkit.Kit) fnkit.EventFunc {
	return func(ctx context.Context, e event.Event) error {
		now, ok := k.TickTime(ctx, e)
		if !ok {
			return nil
		}
		res, err := k.App.Sweep.Tick(ctx, now)
		if err != nil {
			return err
		}
		k.Log.InfoContext(ctx, "tick done", "now", now.UTC().Format(time.RFC3339), "cases", res.Cases, "letters", res.Letters, "relayed", res.Relayed)
		return nil
	}
}
