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
	"strings"
	"testing"

	functions "github.com/privacyloket/privacyloket/functions/handlers"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/config"
)

var update = flag.Bool("update", false, "rewrite functions.json from functions.Definitions and config.SecretsByFunction")

const functionsFile = "functions.json"

// readOnlyFunctions only read Firestore: they get roles/datastore.viewer, never write access.
var readOnlyFunctions = []string{"RequestStatus"}

// fnSpec is one entry of functions.json. Name, Topic, Public and Secrets come from the code;
// the rest is how Terraform deploys it.
type fnSpec struct {
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

// serviceName turns RequestForm into request-form, ThirdPartyResponse into third-party-response.
func serviceName(name string) string {
	return strings.ToLower(regexp.MustCompile(`([a-z])([A-Z])`).ReplaceAllString(regexp.MustCompile(`([A-Z]+)([A-Z][a-z])`).ReplaceAllString(name, "$1-$2"), "$1-$2"))
}

// generate returns functions.json as it should read: one entry per Definition, in their order,
// the code's fields from the code and Terraform's own fields kept (or defaults for a new one).
func generate(old map[string]fnSpec) []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	for i, d := range functions.Definitions {
		s, ok := old[d.Name]
		if !ok {
			s = fnSpec{Service: serviceName(d.Name), Note: "TODO: what it does and why its sizes.", FirestoreRole: "roles/datastore.user", Memory: "256Mi", Concurrency: 40, TimeoutSeconds: 60, Publishes: []string{}}
			if d.Topic != "" {
				s.Concurrency, s.MaxInstances = 10, new(5)
			}
		}
		s.Public = d.Public
		s.Topic = nil
		if d.Topic != "" {
			s.Topic = new(d.Topic)
		}
		s.Secrets = slices.Sorted(slices.Values(config.SecretsByFunction[d.Name]))
		if s.Secrets == nil {
			s.Secrets = []string{}
		}
		if s.Publishes == nil {
			s.Publishes = []string{}
		}
		entry, err := json.MarshalIndent(s, "  ", "  ")
		if err != nil {
			panic(err)
		}
		fmt.Fprintf(&b, "  %q: %s", d.Name, entry)
		if i < len(functions.Definitions)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// checkFunctionsData: functions.json has exactly the code's functions, each with its topic,
// public flag and secrets as the code says, and deployable settings.
func checkFunctionsData(dir string) []error {
	specs, data, err := readFunctions(dir)
	if err != nil {
		return []error{err}
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	hint := "(go test ./terraform -run TestFunctionsData -update writes it)"
	services := map[string]string{}
	for _, d := range functions.Definitions {
		s, ok := specs[d.Name]
		if !ok {
			bad("function %s (functions.Definitions) is missing from %s %s", d.Name, functionsFile, hint)
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
		if want := slices.Sorted(slices.Values(config.SecretsByFunction[d.Name])); !slices.Equal(slices.Sorted(slices.Values(s.Secrets)), want) {
			bad("function %s: %s gives secrets %q, config.SecretsByFunction %q", d.Name, functionsFile, s.Secrets, want)
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
		if !slices.ContainsFunc(functions.Definitions, func(d functions.Definition) bool { return d.Name == name }) {
			bad("%s deploys %s, which functions.Definitions does not have", functionsFile, name)
		}
	}
	if len(errs) == 0 && !bytes.Equal(data, generate(specs)) {
		bad("%s is not in the generated order and layout %s", functionsFile, hint)
	}
	return errs
}

// TestFunctionsData keeps functions.json, the data the function module is instantiated from,
// equal to the code. With -update it rewrites the file from the code, keeping Terraform's fields.
func TestFunctionsData(t *testing.T) {
	if *update {
		specs, _, err := readFunctions(".")
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if err := os.WriteFile(functionsFile, generate(specs), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, err := range checkFunctionsData(".") {
		t.Error(err)
	}
}

func TestServiceName(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"RequestForm": "request-form", "UploadID": "upload-id", "ThirdPartyResponse": "third-party-response", "Tick": "tick", "StaffDesk": "staff-desk"} {
		if got := serviceName(in); got != want {
			t.Errorf("serviceName(%q) = %q, want %q", in, got, want)
		}
	}
}
