package pubsubqueue_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The functions binary, through this package, links neither the high-level Pub/Sub package nor
// OpenCensus, whose package inits every function would pay at each cold start.
func TestDependencies(t *testing.T) {
	t.Parallel()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	out, err := exec.Command(gobin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == "/dev/null" {
		t.Fatalf("go env GOMOD = %q: not inside the module", gomod)
	}
	packages := []string{
		"github.com/privacyloket/privacyloket/shared/pubsubqueue",
		"github.com/privacyloket/privacyloket/functions",
	}
	cmd := exec.Command(gobin, append([]string{"list", "-deps"}, packages...)...)
	cmd.Dir = filepath.Dir(gomod)
	out, err = cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go list -deps: %v\n%s", err, stderr)
	}
	deps := strings.Fields(string(out))
	listed := map[string]bool{}
	for _, d := range deps {
		listed[d] = true
		if d == "cloud.google.com/go/pubsub/v2" || d == "go.opencensus.io" || strings.HasPrefix(d, "go.opencensus.io/") {
			t.Errorf("pubsubqueue or the functions depend on %s", d)
		}
	}
	// The list is the real one, not an empty or partial answer.
	for _, want := range append(packages, "cloud.google.com/go/pubsub/v2/apiv1") {
		if !listed[want] {
			t.Errorf("go list -deps did not list %s (%d packages listed)", want, len(deps))
		}
	}
}
