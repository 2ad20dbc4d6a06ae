package functions_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/fnlist"
)

const module = "github.com/privacyloket/privacyloket"

// Each function's package links only what that function uses, since Terraform builds each from
// its own package: the PDF library and the image codecs only where uploads are inspected, the
// SendGrid client only where the SendGrid key is mounted, and no other function's code.
func TestEachFunctionLinksOnlyWhatItUses(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs go list")
	}
	args := []string{"list", "-f", `{{.ImportPath}} {{join .Deps " "}}`}
	for _, f := range fnlist.All {
		args = append(args, "./"+f.Source())
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			deps[fields[0]] = fields[1:]
		}
	}
	links := func(pkgs []string, prefix string) bool {
		return slices.ContainsFunc(pkgs, func(p string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") })
	}
	for _, f := range fnlist.All {
		pkgs, ok := deps[module+"/"+f.Source()]
		if !ok {
			t.Errorf("%s: no package %s", f.Name, f.Source())
			continue
		}
		for _, c := range []struct {
			what, prefix string
			want         bool
		}{
			{"the PDF library", "github.com/pdfcpu/pdfcpu", f.InspectsUploads},
			{"the image codecs", "golang.org/x/image", f.InspectsUploads},
			{"the inspector", module + "/shared/idcheck/inspect", f.InspectsUploads},
			{"the SendGrid client", "github.com/sendgrid/sendgrid-go", f.Needs(fnlist.SecretSendGridKey)},
		} {
			if got := links(pkgs, c.prefix); got != c.want {
				t.Errorf("%s links %s (%s): %t, want %t", f.Name, c.what, c.prefix, got, c.want)
			}
		}
		for _, other := range fnlist.All {
			if other.Name != f.Name && links(pkgs, module+"/"+other.Source()) {
				t.Errorf("%s links %s's package", f.Name, other.Name)
			}
		}
	}
}
