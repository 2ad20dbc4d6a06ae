package terraform_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// copyConfig copies the configuration (the .tf files, functions.json and the function module)
// into a fresh directory to break.
func copyConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	paths, err := filepath.Glob("*.tf")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no .tf files here (%v)", err)
	}
	mod, err := filepath.Glob(filepath.Join(filepath.FromSlash(functionModule), "*.tf"))
	if err != nil || len(mod) == 0 {
		t.Fatalf("no .tf files in %s (%v)", functionModule, err)
	}
	for _, p := range append(append(paths, functionsFile), mod...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editFunctions rewrites functions.json of dir.
func editFunctions(t *testing.T, dir string, fn func(specs map[string]map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, functionsFile)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var specs map[string]map[string]any
	if err := json.Unmarshal(data, &specs); err != nil {
		t.Fatal(err)
	}
	fn(specs)
	out, err := json.MarshalIndent(specs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// moduleFile is the module's main file, relative to a copied configuration.
var moduleFile = filepath.Join(filepath.FromSlash(functionModule), "main.tf")

// edit rewrites one file of dir through hclwrite, keeping it formatted.
func edit(t *testing.T, dir, file string, fn func(body *hclwrite.Body)) {
	t.Helper()
	path := filepath.Join(dir, file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclwrite.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fn(f.Body())
	if err := os.WriteFile(path, hclwrite.Format(f.Bytes()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// resource returns a resource block of body, failing the test when it is absent.
func resource(t *testing.T, body *hclwrite.Body, typ, name string) *hclwrite.Block {
	t.Helper()
	b := body.FirstMatchingBlock("resource", []string{typ, name})
	if b == nil {
		t.Fatalf("resource %s.%s not found", typ, name)
	}
	return b
}

// nested returns the first nested block of a type, failing the test when it is absent.
func nested(t *testing.T, body *hclwrite.Body, typ string) *hclwrite.Body {
	t.Helper()
	b := body.FirstMatchingBlock(typ, nil)
	if b == nil {
		t.Fatalf("block %s not found", typ)
	}
	return b.Body()
}

// TestCheckCatchesBrokenCopies proves each check bites: a copy of the configuration with one
// deliberate mistake must produce an error that names what is missing or wrong.
func TestCheckCatchesBrokenCopies(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(t *testing.T, dir string)
		want   string
	}{
		{
			name: "function missing from the data file",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) { delete(s, "SendMail") })
			},
			want: "function SendMail (fnlist.All) is missing from functions.json",
		},
		{
			name: "function the code does not have",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) { s["RequestStatuz"] = s["RequestStatus"] })
			},
			want: "functions.json deploys RequestStatuz, which fnlist.All does not have",
		},
		{
			name: "trigger on the wrong topic",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) { s["SendMail"]["topic"] = "ticks" })
			},
			want: `function SendMail: functions.json says topic "ticks", the code "mail"`,
		},
		{
			name: "event function made public",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) { s["Tick"]["public"] = true })
			},
			want: "function Tick: functions.json says public = true, the code false",
		},
		{
			name: "secret mounted where it is not needed",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) {
					s["RequestStatus"]["secrets"] = []string{"ID_ENCRYPTION_KEY", "LINK_SIGNING_KEY"}
				})
			},
			want: "function RequestStatus: functions.json gives secrets",
		},
		{
			name: "function built from another package",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) { s["Tick"]["source"] = "functions" })
			},
			want: `function Tick: functions.json builds it from "functions", the package that registers it is "functions/tick"`,
		},
		{
			name: "every function built from one package",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "main.tf", func(b *hclwrite.Body) {
					b.FirstMatchingBlock("module", []string{"function"}).Body().SetAttributeValue("build_environment",
						cty.ObjectVal(map[string]cty.Value{"GOOGLE_FUNCTION_SOURCE": cty.StringVal("functions")}))
				})
			},
			want: "module.function: build_environment must be { GOOGLE_FUNCTION_SOURCE = each.value.source }",
		},
		{
			name: "read-only function may write",
			mutate: func(t *testing.T, dir string) {
				editFunctions(t, dir, func(s map[string]map[string]any) { s["RequestStatus"]["firestore_role"] = "roles/datastore.user" })
			},
			want: "function RequestStatus only reads: firestore_role must be roles/datastore.viewer",
		},
		{
			name: "topic deleted",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "pubsub.tf", func(b *hclwrite.Body) {
					b.FirstMatchingBlock("locals", nil).Body().SetAttributeValue("topics", cty.TupleVal([]cty.Value{cty.StringVal("ticks")}))
				})
			},
			want: `topic "mail" (app.Topics): not in local.topics`,
		},
		{
			name: "one module call per function",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "main.tf", func(b *hclwrite.Body) {
					b.FirstMatchingBlock("module", []string{"function"}).Body().SetAttributeRaw("for_each", hclwrite.TokensForIdentifier("local.public_functions"))
				})
			},
			want: "module.function: for_each must be local.functions",
		},
		{
			name: "index fields swapped",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "firestore.tf", func(b *hclwrite.Body) {
					idx := resource(t, b, "google_firestore_index", "letters_status_created_at").Body()
					fields := idx.Blocks()
					first := fields[0]
					idx.RemoveBlock(first)
					idx.AppendBlock(first)
				})
			},
			want: "firestore index letters(status ASC, createdAt ASC) (firestoredb.Indexes)",
		},
		{
			name: "index direction changed",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "firestore.tf", func(b *hclwrite.Body) {
					idx := resource(t, b, "google_firestore_index", "letters_status_created_at").Body()
					idx.Blocks()[1].Body().SetAttributeValue("order", cty.StringVal("DESCENDING"))
				})
			},
			want: "firestore index letters(status ASC, createdAt ASC) (firestoredb.Indexes)",
		},
		{
			name: "TTL policy deleted",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "firestore.tf", func(b *hclwrite.Body) {
					b.RemoveBlock(resource(t, b, "google_firestore_field", "chunks_expire_at"))
				})
			},
			want: "TTL field chunks.expireAt (firestoredb.TTLFields): no google_firestore_field with ttl_config",
		},
		{
			name: "backups deleted",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "firestore.tf", func(b *hclwrite.Body) {
					b.RemoveBlock(resource(t, b, "google_firestore_backup_schedule", "daily"))
				})
			},
			want: "no google_firestore_backup_schedule",
		},
		{
			name: "no dead-letter policy",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, moduleFile, func(b *hclwrite.Body) {
					sub := resource(t, b, "google_pubsub_subscription", "push").Body()
					sub.RemoveBlock(sub.FirstMatchingBlock("dead_letter_policy", nil))
				})
			},
			want: "needs a dead_letter_policy",
		},
		{
			name: "push without OIDC token",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, moduleFile, func(b *hclwrite.Body) {
					pc := nested(t, resource(t, b, "google_pubsub_subscription", "push").Body(), "push_config")
					pc.RemoveBlock(pc.FirstMatchingBlock("oidc_token", nil))
				})
			},
			want: "must push with an OIDC token of the push service account",
		},
		{
			name: "secret version not pinned",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, moduleFile, func(b *hclwrite.Body) {
					sc := nested(t, resource(t, b, "google_cloudfunctions2_function", "this").Body(), "service_config")
					dyn := sc.FirstMatchingBlock("dynamic", []string{"secret_environment_variables"})
					nested(t, dyn.Body(), "content").SetAttributeValue("version", cty.StringVal("latest"))
				})
			},
			want: "pinned version",
		},
		{
			name: "broader project role",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, moduleFile, func(b *hclwrite.Body) {
					resource(t, b, "google_project_iam_member", "firestore").Body().SetAttributeValue("role", cty.StringVal("roles/editor"))
				})
			},
			want: "grants the function a project role other than var.firestore_role",
		},
		{
			name: "every function public",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, moduleFile, func(b *hclwrite.Body) {
					resource(t, b, "google_cloud_run_v2_service_iam_member", "public").Body().RemoveAttribute("count")
				})
			},
			want: "lets allUsers invoke every function",
		},
		{
			name: "unknown environment variable",
			mutate: func(t *testing.T, dir string) {
				src, err := os.ReadFile(filepath.Join(dir, "main.tf"))
				if err != nil {
					t.Fatal(err)
				}
				out := strings.Replace(string(src), "PUBLIC_BASE_URL      = var.public_base_url", "PUBLIC_BASEURL       = var.public_base_url", 1)
				if out == string(src) {
					t.Fatal("PUBLIC_BASE_URL not found in main.tf")
				}
				if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "local.runtime_env sets PUBLIC_BASEURL, which shared/config does not read",
		},
		{
			name: "TLS policy removed",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "loadbalancer.tf", func(b *hclwrite.Body) {
					resource(t, b, "google_compute_target_https_proxy", "lb").Body().RemoveAttribute("ssl_policy")
				})
			},
			want: "google_compute_target_https_proxy.lb: needs an ssl_policy",
		},
		{
			name: "request logs kept",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "logging.tf", func(b *hclwrite.Body) {
					b.RemoveBlock(resource(t, b, "google_logging_project_exclusion", "request_urls"))
				})
			},
			want: "no google_logging_project_exclusion for run.googleapis.com/requests",
		},
		{
			name: "not formatted",
			mutate: func(t *testing.T, dir string) {
				path := filepath.Join(dir, "scheduler.tf")
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(strings.Replace(string(src), "  name        =", "  name =", 1)), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "scheduler.tf is not formatted",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyConfig(t)
			tc.mutate(t, dir)
			errs := check(dir)
			var msgs []string
			for _, err := range errs {
				msgs = append(msgs, err.Error())
			}
			t.Logf("check found:\n  %s", strings.Join(msgs, "\n  "))
			if !strings.Contains(strings.Join(msgs, "\n"), tc.want) {
				t.Errorf("check found:\n  %s\nwant an error containing %q", strings.Join(msgs, "\n  "), tc.want)
			}
		})
	}
}
