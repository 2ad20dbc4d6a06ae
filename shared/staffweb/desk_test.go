package staffweb

import (
	"testing"
	"time"
)

// The desk sign-in must not tell staff from strangers by how long it takes: only for staff is
// a letter written to Firestore, so without a floor a stranger's answer comes back at once
// and a staff member's after a database write. The floor counts from the request's arrival,
// so the write does not add to it.
func TestSignInWaitCountsFromArrival(t *testing.T) {
	t.Parallel()
	floor := 500 * time.Millisecond
	for _, tc := range []struct{ elapsed, want time.Duration }{
		{0, floor}, // a stranger: nothing written
		{150 * time.Millisecond, 350 * time.Millisecond}, // staff: a write took 150 ms
		{floor, 0},
		{2 * floor, 0}, // a write slower than the floor is not waited for again
	} {
		if got := signInWait(floor, tc.elapsed); got != tc.want {
			t.Errorf("signInWait(%v, %v) = %v, want %v", floor, tc.elapsed, got, tc.want)
		}
	}
}
