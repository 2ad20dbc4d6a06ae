package harness

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestEnvFollowsTerraform: the benchmarks run a function with the Go runtime settings that
// Terraform deploys it with, so a cold start measured here is the deployed one.
func TestEnvFollowsTerraform(t *testing.T) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	tf, err := os.ReadFile(filepath.Join(root, "terraform", "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*GOGC\s*=\s*"([^"]*)"`).FindSubmatch(tf)
	if m == nil {
		t.Fatal("terraform/main.tf sets no GOGC in local.runtime_env")
	}
	if got := Env("p")["GOGC"]; got != string(m[1]) {
		t.Errorf("harness.Env GOGC = %q, terraform/main.tf deploys %q", got, m[1])
	}
}
