package terraform_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TRUSTED_PROXY_HOPS decides which X-Forwarded-For entry the rate limits count. Terraform
// derives it from var.domain (2 behind its load balancer, 1 at a function's own URL), but with
// domain empty the operator routes <base>/<Name> "some other way" — a CDN or Firebase Hosting
// appends one more entry, and a fixed 1 then puts every requester in that proxy's bucket. The
// operator must be able to say how many proxies there are.
func TestTrustedProxyHopsCanBeSet(t *testing.T) {
	t.Parallel()
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	if m.variables["trusted_proxy_hops"] == nil {
		t.Fatal("no variable trusted_proxy_hops: TRUSTED_PROXY_HOPS cannot follow the proxies actually in front")
	}
	var hops hclsyntax.Expression
	hclsyntax.VisitAll(m.locals["runtime_env"], func(n hclsyntax.Node) hcl.Diagnostics {
		if o, ok := n.(*hclsyntax.ObjectConsExpr); ok {
			for _, it := range o.Items {
				if strings.Trim(exprText(it.KeyExpr), `"`) == "TRUSTED_PROXY_HOPS" {
					hops = it.ValueExpr
				}
			}
		}
		return nil
	})
	if hops == nil {
		t.Fatal("local.runtime_env does not set TRUSTED_PROXY_HOPS")
	}
	if !mentions(hops, "var.trusted_proxy_hops") {
		t.Error("local.runtime_env: TRUSTED_PROXY_HOPS does not use var.trusted_proxy_hops")
	}
}
