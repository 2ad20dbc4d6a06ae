package terraform_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// copyConfig copies the .tf files into a fresh directory to break.
func copyConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	paths, err := filepath.Glob("*.tf")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no .tf files here (%v)", err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

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

// traversal builds a reference such as google_service_account.tick.email.
func traversal(names ...string) hcl.Traversal {
	tr := hcl.Traversal{hcl.TraverseRoot{Name: names[0]}}
	for _, n := range names[1:] {
		tr = append(tr, hcl.TraverseAttr{Name: n})
	}
	return tr
}

// removeSecretMount drops the secret_environment_variables block for key from a function.
func removeSecretMount(t *testing.T, fn *hclwrite.Block, key string) {
	t.Helper()
	sc := nested(t, fn.Body(), "service_config")
	for _, b := range sc.Blocks() {
		if b.Type() == "secret_environment_variables" && strings.Contains(string(b.Body().GetAttribute("key").Expr().BuildTokens(nil).Bytes()), `"`+key+`"`) {
			sc.RemoveBlock(b)
			return
		}
	}
	t.Fatalf("no mount of %s", key)
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
			name: "function file deleted",
			mutate: func(t *testing.T, dir string) {
				if err := os.Remove(filepath.Join(dir, "fn_send_mail.tf")); err != nil {
					t.Fatal(err)
				}
			},
			want: `function SendMail: no google_cloudfunctions2_function with entry_point "SendMail"`,
		},
		{
			name: "entry point misspelt",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_request_status.tf", func(b *hclwrite.Body) {
					fn := resource(t, b, "google_cloudfunctions2_function", "request_status")
					nested(t, fn.Body(), "build_config").SetAttributeValue("entry_point", cty.StringVal("Requeststatus"))
				})
			},
			want: `function RequestStatus: no google_cloudfunctions2_function with entry_point "RequestStatus"`,
		},
		{
			name: "topic deleted",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "pubsub.tf", func(b *hclwrite.Body) {
					b.RemoveBlock(resource(t, b, "google_pubsub_topic", "mail"))
				})
			},
			want: `topic "mail" (app.Topics): no google_pubsub_topic named "mail"`,
		},
		{
			name: "trigger on the wrong topic",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_send_mail.tf", func(b *hclwrite.Body) {
					fn := resource(t, b, "google_cloudfunctions2_function", "send_mail")
					nested(t, fn.Body(), "event_trigger").SetAttributeTraversal("pubsub_topic", traversal("google_pubsub_topic", "ticks", "id"))
				})
			},
			want: `function SendMail: event_trigger is on topic "ticks", want "mail"`,
		},
		{
			name: "failed messages not retried",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_tick.tf", func(b *hclwrite.Body) {
					fn := resource(t, b, "google_cloudfunctions2_function", "tick")
					nested(t, fn.Body(), "event_trigger").SetAttributeValue("retry_policy", cty.StringVal("RETRY_POLICY_DO_NOT_RETRY"))
				})
			},
			want: `function Tick: event_trigger.retry_policy is "RETRY_POLICY_DO_NOT_RETRY"`,
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
			name: "secret mount removed",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_send_mail.tf", func(b *hclwrite.Body) {
					removeSecretMount(t, resource(t, b, "google_cloudfunctions2_function", "send_mail"), "SENDGRID_API_KEY")
				})
			},
			want: "function SendMail: secret SENDGRID_API_KEY is not mounted",
		},
		{
			name: "secret mounted where it is not needed",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_request_status.tf", func(b *hclwrite.Body) {
					sc := nested(t, resource(t, b, "google_cloudfunctions2_function", "request_status").Body(), "service_config")
					m := sc.AppendNewBlock("secret_environment_variables", nil).Body()
					m.SetAttributeValue("key", cty.StringVal("ID_ENCRYPTION_KEY"))
					m.SetAttributeTraversal("project_id", traversal("var", "project_id"))
					m.SetAttributeTraversal("secret", hcl.Traversal{
						hcl.TraverseRoot{Name: "google_secret_manager_secret"},
						hcl.TraverseAttr{Name: "keys"},
						hcl.TraverseIndex{Key: cty.StringVal("ID_ENCRYPTION_KEY")},
						hcl.TraverseAttr{Name: "secret_id"},
					})
					m.SetAttributeValue("version", cty.StringVal("latest"))
				})
			},
			want: "function RequestStatus: mounts secret ID_ENCRYPTION_KEY, which config.SecretsByFunction does not give it",
		},
		{
			name: "secret readable but not granted",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_tick.tf", func(b *hclwrite.Body) {
					b.RemoveBlock(resource(t, b, "google_secret_manager_secret_iam_member", "tick"))
				})
			},
			want: "function Tick: its service account cannot read secret LINK_SIGNING_KEY",
		},
		{
			name: "service account shared",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_send_mail.tf", func(b *hclwrite.Body) {
					fn := resource(t, b, "google_cloudfunctions2_function", "send_mail")
					nested(t, fn.Body(), "service_config").SetAttributeTraversal("service_account_email", traversal("google_service_account", "tick", "email"))
				})
			},
			want: "service account google_service_account.tick is used by SendMail (runtime) and Tick (runtime)",
		},
		{
			name: "public invoker removed",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_request_form.tf", func(b *hclwrite.Body) {
					b.RemoveBlock(resource(t, b, "google_cloud_run_v2_service_iam_member", "request_form_public"))
				})
			},
			want: "function RequestForm is public but no google_cloud_run_v2_service_iam_member lets allUsers invoke it",
		},
		{
			name: "event function made public",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_tick.tf", func(b *hclwrite.Body) {
					resource(t, b, "google_cloud_run_v2_service_iam_member", "tick_trigger").Body().SetAttributeValue("member", cty.StringVal("allUsers"))
				})
			},
			want: "function Tick is not public but allUsers may invoke it",
		},
		{
			name: "unknown environment variable",
			mutate: func(t *testing.T, dir string) {
				edit(t, dir, "fn_upload_id.tf", func(b *hclwrite.Body) {
					fn := resource(t, b, "google_cloudfunctions2_function", "upload_id")
					nested(t, fn.Body(), "service_config").SetAttributeRaw("environment_variables", hclwrite.TokensForObject([]hclwrite.ObjectAttrTokens{
						{Name: hclwrite.TokensForIdentifier("PUBLIC_BASEURL"), Value: hclwrite.TokensForValue(cty.StringVal("https://x.example"))},
					}))
				})
			},
			want: "function UploadID: sets PUBLIC_BASEURL, which shared/config does not read",
		},
		{
			name: "public function not routed",
			mutate: func(t *testing.T, dir string) {
				src, err := os.ReadFile(filepath.Join(dir, "loadbalancer.tf"))
				if err != nil {
					t.Fatal(err)
				}
				out := regexp.MustCompile(`(?m)^\s*StaffCase\s*= google_cloudfunctions2_function\.staff_case\n`).ReplaceAllString(string(src), "")
				if out == string(src) {
					t.Fatal("route for StaffCase not found")
				}
				if err := os.WriteFile(filepath.Join(dir, "loadbalancer.tf"), hclwrite.Format([]byte(out)), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "function StaffCase is public but the load balancer does not route /StaffCase",
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
