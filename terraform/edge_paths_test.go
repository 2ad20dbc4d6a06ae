package terraform_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// Cloud Armor limits POSTs to /RequestForm and /UploadID by path. A URL map whose default sends
// every other path (/requestform, /x, a bare IP's Host) to a function lets a client post to that
// function under a path the rule does not match, around the limit. Only the functions' own
// paths may reach a function; anything else is redirected.
func TestOnlyTheFunctionsPathsReachAFunction(t *testing.T) {
	t.Parallel()
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	maps := m.byType["google_compute_url_map"]
	if len(maps) == 0 {
		t.Fatal("no google_compute_url_map")
	}
	for _, b := range maps {
		if attr(b.body, "default_service") != nil {
			t.Errorf("%s: default_service sends unknown paths and hosts to a backend; redirect them (default_url_redirect)", b.addr)
		}
		for _, pm := range blocks(b.body, "path_matcher") {
			if attr(pm, "default_service") != nil {
				t.Errorf("%s: path_matcher default_service sends unknown paths to a backend; redirect them (default_url_redirect)", b.addr)
			}
			if block1(pm, "default_url_redirect") == nil {
				t.Errorf("%s: path_matcher needs a default_url_redirect", b.addr)
			}
		}
	}
}

// withLocals evaluates e with the locals that are literals (local.X in a template).
func (m *module) withLocals(e hclsyntax.Expression) (cty.Value, bool) {
	locals := map[string]cty.Value{}
	for n, le := range m.locals {
		if v, diags := le.Value(nil); !diags.HasErrors() && v.IsWhollyKnown() {
			locals[n] = v
		}
	}
	v, diags := e.Value(&hcl.EvalContext{Variables: map[string]cty.Value{"local": cty.ObjectVal(locals)}})
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() {
		return cty.NilVal, false
	}
	return v, true
}

// Cloud Armor limits POSTs to the desk per client, as it does the form's and the upload's: a
// flood of sign-ins is turned away before it reaches the function, whose own counts (in
// Firestore) are per hour (issue 19, item 7).
func TestCloudArmorLimitsDeskPosts(t *testing.T) {
	t.Parallel()
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	if errs := m.checkDeskArmor(); len(errs) > 0 {
		t.Error(errors.Join(errs...))
	}
	// The check bites: without the rule it reports.
	for _, p := range m.byType["google_compute_security_policy"] {
		p.body.Blocks = slices.DeleteFunc(slices.Clone(p.body.Blocks), func(b *hclsyntax.Block) bool {
			e := block1(b.Body, "match")
			return b.Type == "rule" && e != nil && strings.Contains(exprText(attr(block1(e, "expr"), "expression")), "desk")
		})
	}
	if errs := m.checkDeskArmor(); len(errs) == 0 {
		t.Error("checkDeskArmor found nothing wrong in a policy without the desk's rule")
	}
}

// checkDeskArmor: a security policy has a throttle rule for POST /StaffDesk per client IP.
func (m *module) checkDeskArmor() []error {
	want := "request.path.startsWith('/" + fnlist.StaffDesk.Name + "')"
	for _, p := range m.byType["google_compute_security_policy"] {
		for _, r := range blocks(p.body, "rule") {
			action, _ := m.str(attr(r, "action"))
			rl := block1(r, "rate_limit_options")
			match := block1(block1(r, "match"), "expr")
			if action != "throttle" || rl == nil || match == nil {
				continue
			}
			expr, ok := m.withLocals(attr(match, "expression"))
			if !ok || expr.Type() != cty.String || !strings.Contains(expr.AsString(), "request.method == 'POST'") || !strings.Contains(expr.AsString(), want) {
				continue
			}
			var errs []error
			if key, _ := m.str(attr(rl, "enforce_on_key")); key != "IP" {
				errs = append(errs, fmt.Errorf("%s: the desk's rule must count per client (enforce_on_key = \"IP\"), not %q", p.addr, key))
			}
			if deny, _ := m.str(attr(rl, "exceed_action")); deny != "deny(429)" {
				errs = append(errs, fmt.Errorf("%s: the desk's rule must answer 429, not %q", p.addr, deny))
			}
			th := block1(rl, "rate_limit_threshold")
			count, ok := m.withLocals(attr(th, "count"))
			if !ok || count.Type() != cty.Number || !count.GreaterThan(cty.NumberIntVal(0)).True() {
				errs = append(errs, fmt.Errorf("%s: the desk's rule needs a positive rate_limit_threshold.count", p.addr))
			}
			return errs
		}
	}
	return []error{fmt.Errorf("no google_compute_security_policy rule throttles POST %s", want)}
}
