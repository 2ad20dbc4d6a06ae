package sendgridmail

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/app"
)

func TestSend(t *testing.T) {
	t.Parallel()
	var got map[string]any
	var auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v3/mail/send" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		auth = r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &got)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	m, err := New("SG.key", srv.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	err = m.Send(context.Background(), app.Mail{FromEmail: "loket@corp.test", FromName: "Loket", To: "carla@tenant.test",
		Subject: "Ontvangen PL-1", Text: "tekst", HTML: "<p>html</p>", Categories: []string{"receipt"},
		CustomArgs: map[string]string{"reference": "PL-1", "letter": "receipt", "dueDate": "2026-04-24"}})
	if err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer SG.key" {
		t.Errorf("Authorization = %q", auth)
	}
	want := map[string]any{
		"categories":  []any{"receipt"},
		"custom_args": map[string]any{"reference": "PL-1", "letter": "receipt", "dueDate": "2026-04-24"},
		"subject":     "Ontvangen PL-1",
		"content":     []any{map[string]any{"type": "text/plain", "value": "tekst"}, map[string]any{"type": "text/html", "value": "<p>html</p>"}},
	}
	for k, v := range want {
		if diff := cmp.Diff(v, got[k]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", k, diff)
		}
	}
	tracking, _ := got["tracking_settings"].(map[string]any)
	if ct, _ := tracking["click_tracking"].(map[string]any); ct["enable"] != false {
		t.Errorf("click tracking not off: %v (it would rewrite the signed links)", tracking)
	}
}

func TestSendErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		code      int
		permanent bool
	}{{400, true}, {401, true}, {413, true}, {429, false}, {500, false}, {503, false}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.code)
			w.Write([]byte(`{"errors":[{"message":"nope","field":"from"}]}`))
		}))
		m, _ := New("SG.key", srv.URL)
		err := m.Send(context.Background(), app.Mail{FromEmail: "a@b.test", To: "c@d.test", Subject: "s", Text: "t", HTML: "h"})
		var perm *app.PermanentError
		if err == nil || errors.As(err, &perm) != tc.permanent {
			t.Errorf("status %d: err %v, permanent want %v", tc.code, err, tc.permanent)
		}
		srv.Close()
	}
	m, _ := New("SG.key", "http://127.0.0.1:1")
	var perm *app.PermanentError
	if err := m.Send(context.Background(), app.Mail{To: "c@d.test"}); err == nil || errors.As(err, &perm) {
		t.Errorf("unreachable host: %v, want a transient error", err)
	}
}

// A SendGrid that accepts the connection and never answers does not hold the sender: the call
// fails (transiently, so the letter is retried) within the timeout.
func TestSendTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	if m, _ := New("SG.key", srv.URL); m.client.HTTPClient.Timeout != DefaultTimeout {
		t.Errorf("default timeout %v, want %v", m.client.HTTPClient.Timeout, DefaultTimeout)
	}
	m, err := New("SG.key", srv.URL, WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = m.Send(context.Background(), app.Mail{FromEmail: "a@b.test", To: "c@d.test", Subject: "s", Text: "t", HTML: "h"})
	took := time.Since(start)
	var perm *app.PermanentError
	if err == nil || errors.As(err, &perm) {
		t.Errorf("hanging server: err %v, want a transient error", err)
	}
	if took > 3*time.Second {
		t.Errorf("Send took %v against a hanging server, want about 200ms", took)
	}
}
