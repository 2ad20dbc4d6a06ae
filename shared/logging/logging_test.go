package logging

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCloudLoggingFields(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := New(&buf, "demo-p")
	r := httptest.NewRequest("GET", "/RequestForm", nil)
	r.Header.Set("X-Cloud-Trace-Context", "0123456789abcdef/1;o=1")
	log.WarnContext(WithTrace(r), "link refused", "reference", "PL-1")
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("not one JSON line: %q", buf.String())
	}
	for k, want := range map[string]any{
		"severity": "WARNING", "message": "link refused", "reference": "PL-1",
		"logging.googleapis.com/trace": "projects/demo-p/traces/0123456789abcdef",
	} {
		if got[k] != want {
			t.Errorf("%s = %v, want %v", k, got[k], want)
		}
	}
	if _, ok := got["msg"]; ok {
		t.Error("slog's own msg key is still there")
	}
}

// A client writes the trace headers: only a trace id (hex, at most 32 digits) reaches the log,
// never arbitrary text such as an address or a megabyte of padding on every line.
func TestTraceFromClientIsOnlyATraceID(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, value string }{
		{"X-Cloud-Trace-Context", "carla@tenant.test/1;o=1"},
		{"X-Cloud-Trace-Context", strings.Repeat("a", 4096)},
		{"traceparent", "00-not a trace id-0123456789abcdef-01"},
	} {
		var buf bytes.Buffer
		log := New(&buf, "demo-p")
		r := httptest.NewRequest("GET", "/RequestForm", nil)
		r.Header.Set(tc.header, tc.value)
		log.InfoContext(WithTrace(r), "page shown")
		if strings.Contains(buf.String(), "traces/") {
			t.Errorf("%s %.40q reached the log: %.200s", tc.header, tc.value, buf.String())
		}
	}
	var buf bytes.Buffer
	r := httptest.NewRequest("GET", "/RequestForm", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	New(&buf, "demo-p").InfoContext(WithTrace(r), "page shown")
	if !strings.Contains(buf.String(), "traces/4bf92f3577b34da6a3ce929d0e0e4736") {
		t.Errorf("a W3C trace id was dropped: %s", buf.String())
	}
}
