// Package logging builds the structured logger every function uses: JSON lines with Cloud
// Logging's field names (severity, message, logging.googleapis.com/trace). Callers log case
// references and letter ids, never names, addresses or file contents.
package logging

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
)

type traceKey struct{}

// New returns a JSON logger writing to w.
func New(w io.Writer, project string) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: slog.LevelInfo,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.MessageKey:
				a.Key = "message"
			case slog.LevelKey:
				a.Key = "severity"
				if l, ok := a.Value.Any().(slog.Level); ok && l == slog.LevelWarn {
					a.Value = slog.StringValue("WARNING")
				}
			case slog.TimeKey:
				a.Key = "time"
			}
			return a
		},
	})
	return slog.New(&traceHandler{Handler: h, project: project})
}

// traceHandler adds the request's trace id so Cloud Logging groups a request's lines.
type traceHandler struct {
	slog.Handler
	project string
}

func (h *traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if t, ok := ctx.Value(traceKey{}).(string); ok && t != "" {
		r.AddAttrs(slog.String("logging.googleapis.com/trace", "projects/"+h.project+"/traces/"+t))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithAttrs(as), project: h.project}
}

func (h *traceHandler) WithGroup(name string) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithGroup(name), project: h.project}
}

// WithTrace returns r's context carrying the trace id from X-Cloud-Trace-Context or traceparent.
func WithTrace(r *http.Request) context.Context {
	t := r.Header.Get("X-Cloud-Trace-Context")
	if t != "" {
		t, _, _ = strings.Cut(t, "/")
	} else if tp := r.Header.Get("traceparent"); tp != "" {
		if parts := strings.Split(tp, "-"); len(parts) == 4 {
			t = parts[1]
		}
	}
	if !traceID(t) {
		// The client writes these headers: anything but a trace id stays out of the log.
		return r.Context()
	}
	return context.WithValue(r.Context(), traceKey{}, t)
}

// traceID reports whether t has the form of a trace id: 1 to 32 hexadecimal digits.
func traceID(t string) bool {
	if t == "" || len(t) > 32 {
		return false
	}
	for _, c := range t {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
