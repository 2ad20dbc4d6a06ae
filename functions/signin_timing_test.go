package functions_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Every sign-in that could have written a letter waits for the floor, the stranger's as the
// staff member's. The floor here is longer than the test: neither answer comes back before
// the client gives up, while the staff member's letter is written meanwhile. Nothing here
// depends on how fast the machine is: a timer never fires early, so no answer can come back
// before the floor unless the handler does not wait.
func TestDeskSignInTakesAsLongForStrangers(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, testenv.Options{Backend: testenv.Memory, Staff: []string{"staff@corp.test"}}, fnkit.Options{DeskSignInFloor: time.Hour})
	signIn := func(addr string, within time.Duration) (*http.Response, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", e.srv.URL+"/StaffDesk", strings.NewReader(url.Values{"email": {addr}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, false
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp, true
	}
	for _, addr := range []string{"stranger@else.test", "staff@corp.test"} {
		if resp, answered := signIn(addr, time.Second); answered {
			t.Errorf("sign-in for %s answered %d before the floor", addr, resp.StatusCode)
		}
	}
	e.Mail.Await(t, "desk_link", "staff@corp.test", "") // staff still get their link
	// The floor is a floor for what could have written a letter: a malformed address is
	// answered at once (long before the hour).
	resp, answered := signIn("not-an-address", 30*time.Second)
	if !answered || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("malformed address: answered %v, want 400 without the floor", answered)
	}
}
