package terraform_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

var update = flag.Bool("update", false, "rewrite functions.json from fnlist.All")

const functionsFile = "functions.json"

// readOnlyFunctions only read Firestore: they get roles/datastore.viewer, never write access.
var readOnlyFunctions = []string{"RequestStatus"}

// fnSpec is one entry of functions.json, written from the function's entry in fnlist.All.
type fnSpec struct {
	Source         string   `json:"source"` // GOOGLE_FUNCTION_SOURCE: the package that registers it
	Service        string   `json:"service"`
	Note           string   `json:"note"`
	Public         bool     `json:"public"`
	Topic          *string  `json:"topic"`
	Secrets        []string `json:"secrets"`
	Publishes      []string `json:"publishes"`
	FirestoreRole  string   `json:"firestore_role"`
	Memory         string   `json:"memory"`
	Concurrency    int      `json:"concurrency"`
	TimeoutSeconds int      `json:"timeout_seconds"`
	MaxInstances   *int     `json:"max_instances"`
}

// readFunctions decodes functions.json of dir, refusing unknown fields.
func readFunctions(dir string) (map[string]fnSpec, []byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, functionsFile))
	if err != nil {
		return nil, nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var specs map[string]fnSpec
	if err := dec.Decode(&specs); err != nil {
		return nil, data, fmt.Errorf("%s: %w", functionsFile, err)
	}
	return specs, data, nil
}

// specOf is function f's entry in functions.json.
func specOf(f fnlist.Function) fnSpec {
	s := fnSpec{Source: f.Source(), Service: f.Service(), Note: f.Note, Public: f.Public,
		Secrets: slices.Sorted(slices.Values(f.Secrets)), Publishes: slices.Clone(f.Publishes), FirestoreRole: f.Firestore,
		Memory: f.Memory, Concurrency: f.Concurrency, TimeoutSeconds: f.TimeoutSeconds}
	if f.Topic != "" {
		s.Topic = new(f.Topic)
	}
	if f.MaxInstances > 0 {
		s.MaxInstances = new(f.MaxInstances)
	}
	if s.Secrets == nil {
		s.Secrets = []string{}
	}
	if s.Publishes == nil {
		s.Publishes = []string{}
	}
	return s
}

// generate returns functions.json as it should read: one entry per function of fnlist.All, in
// its order.
func generate() []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, f := range fnlist.All {
		entry, err := json.MarshalIndent(specOf(f), "  ", "  ")
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, "  %q: %s", f.Name, entry)
		if i < len(fnlist.All)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// checkFunctionsData: functions.json has exactly the code's functions (fnlist.All), each as the
// list says, with deployable settings.
func checkFunctionsData(dir string) []error {
	specs, data, err := readFunctions(dir)
	if err != nil {
		return []error{err}
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	hint := "(go test ./terraform -run TestFunctionsData -update writes it)"
	services := map[string]string{}
	for _, d := range fnlist.All {
		s, ok := specs[d.Name]
		if !ok {
			bad("function %s (fnlist.All) is missing from %s %s", d.Name, functionsFile, hint)
			continue
		}
		topic := ""
		if s.Topic != nil {
			topic = *s.Topic
		}
		if topic != d.Topic {
			bad("function %s: %s says topic %q, the code %q", d.Name, functionsFile, topic, d.Topic)
		}
		if s.Public != d.Public {
			bad("function %s: %s says public = %t, the code %t", d.Name, functionsFile, s.Public, d.Public)
		}
		if want := slices.Sorted(slices.Values(d.Secrets)); !slices.Equal(slices.Sorted(slices.Values(s.Secrets)), want) {
			bad("function %s: %s gives secrets %q, fnlist %q", d.Name, functionsFile, s.Secrets, want)
		}
		if s.Source != d.Source() {
			bad("function %s: %s builds it from %q, the package that registers it is %q", d.Name, functionsFile, s.Source, d.Source())
		}
		if !regexp.MustCompile(`^[a-z][a-z-]{0,26}[a-z]$`).MatchString(s.Service) {
			bad("function %s: service %q must be 2-28 lowercase letters or hyphens", d.Name, s.Service)
		} else if prev, dup := services[s.Service]; dup {
			bad("functions %s and %s are both deployed as service %q", prev, d.Name, s.Service)
		}
		services[s.Service] = d.Name
		switch {
		case slices.Contains(readOnlyFunctions, d.Name) && s.FirestoreRole != "roles/datastore.viewer":
			bad("function %s only reads: firestore_role must be roles/datastore.viewer, not %q", d.Name, s.FirestoreRole)
		case s.FirestoreRole != "roles/datastore.viewer" && s.FirestoreRole != "roles/datastore.user":
			bad("function %s: firestore_role %q must be roles/datastore.viewer or roles/datastore.user", d.Name, s.FirestoreRole)
		}
		for _, t := range s.Publishes {
			if !slices.Contains(app.Topics, t) {
				bad("function %s publishes to %q, which is not in app.Topics", d.Name, t)
			}
		}
		if s.FirestoreRole == "roles/datastore.viewer" && len(s.Publishes) > 0 {
			bad("function %s only reads but may publish to %q", d.Name, s.Publishes)
		}
		if !slices.Contains([]string{"128Mi", "256Mi", "512Mi", "1Gi", "2Gi", "4Gi"}, s.Memory) {
			bad("function %s: memory %q is not a size Cloud Functions offers with 1 CPU", d.Name, s.Memory)
		}
		if s.Concurrency < 1 || s.Concurrency > 1000 {
			bad("function %s: concurrency %d must be 1-1000", d.Name, s.Concurrency)
		}
		maxTimeout := 3600
		if d.Topic != "" {
			maxTimeout = 600 // the push acknowledgement deadline
		}
		if s.TimeoutSeconds < 1 || s.TimeoutSeconds > maxTimeout {
			bad("function %s: timeout_seconds %d must be 1-%d", d.Name, s.TimeoutSeconds, maxTimeout)
		}
		if s.MaxInstances != nil && *s.MaxInstances < 1 {
			bad("function %s: max_instances must be null or at least 1", d.Name)
		}
	}
	for name := range specs {
		if _, ok := fnlist.Named(name); !ok {
			bad("%s deploys %s, which fnlist.All does not have", functionsFile, name)
		}
	}
	if len(errs) == 0 && !bytes.Equal(data, generate()) {
		bad("%s is not what fnlist.All says, in the generated order and layout %s", functionsFile, hint)
	}
	return errs
}

// TestFunctionsData keeps functions.json, the data the function module is instantiated from,
// equal to fnlist.All. With -update it rewrites the file from the list.
func TestFunctionsData(t *testing.T) {
	if *update {
		if err := os.WriteFile(functionsFile, generate(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range checkFunctionsData(".") {
		t.Error(err)
	}
}
