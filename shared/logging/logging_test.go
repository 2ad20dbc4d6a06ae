package logging

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
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
