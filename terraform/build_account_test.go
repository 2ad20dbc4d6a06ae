package terraform_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// checkBuildAccount: the build account (google_service_account.build) holds no project role but
// writing logs, reads only the source bucket and writes only the functions' image repository,
// which every function's build names.
func (m *module) checkBuildAccount() []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	grants := m.iamMembers()["google_service_account.build"]
	if len(grants) == 0 {
		return []error{fmt.Errorf("the build account (google_service_account.build) holds no role")}
	}
	for _, g := range grants {
		switch g.b.typ {
		case "google_project_iam_member":
			if !slices.Equal(g.roles, []string{"roles/logging.logWriter"}) || attr(g.b.body, "for_each") != nil {
				bad("%s grants the build account the project-wide %s; only roles/logging.logWriter is project-wide", g.b.addr, strings.Join(g.roles, ", "))
			}
		case "google_storage_bucket_iam_member":
			if !mentions(attr(g.b.body, "bucket"), "google_storage_bucket.source") || !slices.Equal(g.roles, []string{"roles/storage.objectViewer"}) {
				bad("%s must grant roles/storage.objectViewer on the source bucket only", g.b.addr)
			}
		case "google_artifact_registry_repository_iam_member":
			if !mentions(attr(g.b.body, "repository"), "google_artifact_registry_repository.functions") || !slices.Equal(g.roles, []string{"roles/artifactregistry.writer"}) {
				bad("%s must grant roles/artifactregistry.writer on the functions' repository only", g.b.addr)
			}
		default:
			bad("%s grants the build account %s", g.b.addr, strings.Join(g.roles, ", "))
		}
	}
	return errs
}

func TestBuildAccountIsNarrow(t *testing.T) {
	t.Parallel()
	root, errs := load(".")
	if root == nil {
		t.Fatal(errs)
	}
	for _, err := range root.checkBuildAccount() {
		t.Error(err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(b *hclwrite.Body)
		want   string
	}{
		{"project-wide registry writer", func(b *hclwrite.Body) {
			resource(t, b, "google_project_iam_member", "build").Body().SetAttributeValue("role", cty.StringVal("roles/artifactregistry.writer"))
		}, "project-wide roles/artifactregistry.writer"},
		{"bucket role on another bucket", func(b *hclwrite.Body) {
			resource(t, b, "google_storage_bucket_iam_member", "build_source").Body().SetAttributeValue("bucket", cty.StringVal("some-other-bucket"))
		}, "on the source bucket only"},
		{"repository admin", func(b *hclwrite.Body) {
			resource(t, b, "google_artifact_registry_repository_iam_member", "build").Body().SetAttributeValue("role", cty.StringVal("roles/artifactregistry.admin"))
		}, "on the functions' repository only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := copyConfig(t)
			edit(t, dir, "source.tf", tc.mutate)
			m, errs := load(dir)
			if m == nil {
				t.Fatal(errs)
			}
			var got []string
			for _, err := range m.checkBuildAccount() {
				got = append(got, err.Error())
			}
			if !strings.Contains(strings.Join(got, "\n"), tc.want) {
				t.Errorf("checkBuildAccount = %q, want a problem saying %q", got, tc.want)
			}
		})
	}
}
