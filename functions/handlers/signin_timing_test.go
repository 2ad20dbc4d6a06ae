package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// slowQueue is an outbox whose writes take as long as a production Firestore write can.
type slowQueue struct {
	app.OutboxStore
	q     app.LetterQueue
	delay time.Duration
}

func (s slowQueue) QueueLetter(ctx context.Context, l *outbox.Letter) error {
	time.Sleep(s.delay)
	return s.q.QueueLetter(ctx, l)
}

// The desk sign-in must not tell staff from strangers by how long it takes: only for staff is
// a letter written to Firestore, so without a floor a stranger's answer comes back at once
// and a staff member's after a database write.
func TestDeskSignInTakesAsLongForStrangers(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test"}}, Options{DeskSignInFloor: 300 * time.Millisecond})
	e.Svc.Outbox = slowQueue{OutboxStore: e.Svc.Outbox, q: e.Svc.Outbox.(app.LetterQueue), delay: 150 * time.Millisecond}

	took := func(addr string) time.Duration {
		start := time.Now()
		resp, _ := e.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader(url.Values{"email": {addr}}.Encode()), asJSON)
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("sign-in %s: %d", addr, resp.StatusCode)
		}
		return time.Since(start)
	}
	stranger, staff := took("stranger@else.test"), took("staff@corp.test")
	if d := staff - stranger; d > 100*time.Millisecond || d < -100*time.Millisecond {
		t.Errorf("sign-in took %v for staff and %v for a stranger: the time tells them apart", staff, stranger)
	}
	e.Mail.Await(t, "desk_link", "staff@corp.test", "") // staff still get their link
	// The floor is a floor: a malformed address is answered at once.
	start := time.Now()
	if resp, _ := e.do(t, "POST", "/StaffDesk", "application/x-www-form-urlencoded", strings.NewReader("email=not-an-address"), asJSON); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed address: %d", resp.StatusCode)
	}
	if d := time.Since(start); d > 250*time.Millisecond {
		t.Errorf("a malformed address waited %v", d)
	}
}
