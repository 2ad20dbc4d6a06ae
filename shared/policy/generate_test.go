package policy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/policy/internal/codegen"
)

// profiles_gen.go is what the generator makes of profiles/*.json today: a setting edited in the
// JSON without go generate would otherwise never reach the product.
func TestGeneratedProfilesAreCurrent(t *testing.T) {
	t.Parallel()
	want, err := codegen.Generate(os.DirFS("."))
	if err != nil {
		t.Fatalf("profiles/*.json do not compile: %v", err)
	}
	got, err := os.ReadFile(codegen.File)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale: it does not match profiles/*.json. Run: go generate ./shared/policy", codegen.File)
	}
}

// Every embedded profile is exactly what Parse makes of its JSON file, and there is one per file.
func TestCompiledProfilesEqualParse(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("profiles", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	if diff := cmp.Diff(names, policy.Names()); diff != "" {
		t.Errorf("Names() against profiles/*.json (-files +Names):\n%s", diff)
	}
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("profiles", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := policy.Parse(data)
		if err != nil {
			t.Fatalf("Parse(%s): %v", name, err)
		}
		got, err := policy.Load(name)
		if err != nil {
			t.Fatalf("Load(%q): %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Load(%q) differs from Parse(profiles/%s.json) (-parse +load):\n%s", name, name, cmp.Diff(want, got))
		}
	}
}

// Load returns a fresh profile each call: one caller's change does not reach the next.
func TestLoadReturnsACopy(t *testing.T) {
	t.Parallel()
	a, err := policy.Load("vallei-wonen")
	if err != nil {
		t.Fatal(err)
	}
	a.Organisation.StaffEmails[0] = "changed@example.org"
	a.Terms[policy.Access] = policy.Term{Days: 1}
	a.Sources["terms.access"] = "changed"
	b, err := policy.Load("vallei-wonen")
	if err != nil {
		t.Fatal(err)
	}
	if b.Organisation.StaffEmails[0] == "changed@example.org" || b.Terms[policy.Access] == (policy.Term{Days: 1}) ||
		b.Sources["terms.access"] == "changed" {
		t.Error("a change to one loaded profile shows in the next Load")
	}
}
