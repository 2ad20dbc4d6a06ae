package fnlist_test

import (
	"slices"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

func TestService(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"RequestForm": "request-form", "UploadID": "upload-id", "ThirdPartyResponse": "third-party-response",
		"Tick": "tick", "StaffDesk": "staff-desk", "HTTPServer": "http-server"} {
		if got := (fnlist.Function{Name: in}).Service(); got != want {
			t.Errorf("Service of %s = %q, want %q", in, got, want)
		}
	}
}

// Each function has its own name, service and package; its topics are the product's.
func TestEveryFunctionIsDistinct(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, f := range fnlist.All {
		for _, key := range []string{"name " + f.Name, "service " + f.Service(), "source " + f.Source()} {
			if prev, dup := seen[key]; dup {
				t.Errorf("%s and %s share the %s", prev, f.Name, key)
			}
			seen[key] = f.Name
		}
		if got, ok := fnlist.Named(f.Name); !ok || got.Name != f.Name {
			t.Errorf("Named(%q) = %v, %v", f.Name, got.Name, ok)
		}
		if f.Topic != "" && !slices.Contains(fnlist.Topics, f.Topic) {
			t.Errorf("%s is triggered by %q, which is not in Topics", f.Name, f.Topic)
		}
		for _, p := range f.Publishes {
			if !slices.Contains(fnlist.Topics, p) {
				t.Errorf("%s publishes to %q, which is not in Topics", f.Name, p)
			}
		}
		if !f.Needs(fnlist.SecretLinkSigningKey) {
			t.Errorf("%s lacks %s: every function opens or makes links", f.Name, fnlist.SecretLinkSigningKey)
		}
	}
	if _, ok := fnlist.Named("NoSuchFunction"); ok {
		t.Error("Named found a function that is not there")
	}
}

// The topics the functions use are the ones the use cases publish to.
func TestTopicsAreTheAppsTopics(t *testing.T) {
	t.Parallel()
	if !slices.Equal(fnlist.Topics, app.Topics) {
		t.Errorf("fnlist.Topics = %q, app.Topics = %q", fnlist.Topics, app.Topics)
	}
}
