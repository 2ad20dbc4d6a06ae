package handlers

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/privacyloket/privacyloket/shared/testenv"
)

// Issue 11 item 1: the app's own Admit refuses a client over its per-IP limit before its
// upload is read: an executable that inspection would answer with 415 gets 429.
func TestIPLimitComesBeforeInspection(t *testing.T) {
	t.Parallel()
	one := 1
	e := newEnv(t, testenv.Options{RateIP: &one})
	b, _ := json.Marshal(with(valid(), "email", "first@tenant.test"))
	if resp, body := e.do(t, "POST", "/RequestForm", "application/json", bytes.NewReader(b), asJSON); resp.StatusCode != 201 {
		t.Fatalf("first submission: %d %s", resp.StatusCode, body)
	}
	exe := append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 400)...)
	ct, body := multipartBody(t, with(valid(), "email", "second@tenant.test"), "id.jpg", exe)
	resp, out := e.do(t, "POST", "/RequestForm", ct, body, asJSON)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("upload over the IP limit: %d %s, want 429 before the file is inspected", resp.StatusCode, out)
	}
}
