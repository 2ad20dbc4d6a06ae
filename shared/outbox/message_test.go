package outbox

import (
	"errors"
	"testing"
)

func TestMessageRoundTrip(t *testing.T) {
	t.Parallel()
	m := Message{LetterID: "PL-2026-ABCD-receipt-0a1b2c3d4e5f"}
	if got, want := string(m.Encode()), `{"letterId":"PL-2026-ABCD-receipt-0a1b2c3d4e5f"}`; got != want {
		t.Errorf("Encode = %s, want %s", got, want)
	}
	got, err := DecodeMessage(m.Encode())
	if err != nil || got != m {
		t.Errorf("DecodeMessage = %+v, %v; want %+v", got, err, m)
	}
	for _, bad := range []string{"", "{", `{"letterId":""}`, `{"other":"x"}`, `"x"`} {
		if _, err := DecodeMessage([]byte(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeMessage(%q) = %v, want ErrMalformed", bad, err)
		}
	}
}
