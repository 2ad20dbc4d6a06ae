// Package terraform_test checks the Terraform configuration offline, against the Go code it
// deploys: every registered function (functions.json, modules/function), topic, index, TTL
// policy, secret and log-based metric must be declared the way the code expects, and the
// uploaded source must build the way Google's buildpack builds it. These checks read the files
// with HCL and need no provider; scripts/tfcheck adds terraform validate where a provider
// mirror is configured.
package terraform_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// module is the parsed configuration of one directory: what the checks look up.
type module struct {
	resources map[string]*block   // "type.name", and "data.type.name" for data sources
	byType    map[string][]*block // resource type => its resources, in file order
	locals    map[string]hclsyntax.Expression
	variables map[string]*block
	modules   map[string]*block // module calls by name
	outputs   map[string]*block
}

// block is one resource, data source or variable.
type block struct {
	addr string
	typ  string
	name string
	file string
	body *hclsyntax.Body
}

// ref is a reference to a resource found in an expression: its address and, for
// keys["X"], the literal key.
type ref struct {
	addr string
	key  string
}

// load parses every .tf file of dir. Files that are not formatted the way `terraform fmt`
// (hclwrite.Format) writes them are reported too, so that a review diff shows only real changes.
func load(dir string) (*module, []error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, []error{err}
	}
	if len(paths) == 0 {
		return nil, []error{fmt.Errorf("%s: no .tf files", dir)}
	}
	sort.Strings(paths)
	m := &module{
		resources: map[string]*block{},
		byType:    map[string][]*block{},
		locals:    map[string]hclsyntax.Expression{},
		variables: map[string]*block{},
		modules:   map[string]*block{},
		outputs:   map[string]*block{},
	}
	var errs []error
	p := hclparse.NewParser()
	for _, path := range paths {
		name := filepath.Base(path)
		src, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !bytes.Equal(hclwrite.Format(src), src) {
			errs = append(errs, fmt.Errorf("%s is not formatted: run terraform fmt", path))
		}
		f, diags := p.ParseHCL(src, path)
		if diags.HasErrors() {
			errs = append(errs, fmt.Errorf("%s: %s", name, diags.Error()))
			continue
		}
		for _, b := range f.Body.(*hclsyntax.Body).Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				m.add(&block{addr: b.Labels[0] + "." + b.Labels[1], typ: b.Labels[0], name: b.Labels[1], file: name, body: b.Body})
			case b.Type == "data" && len(b.Labels) == 2:
				m.add(&block{addr: "data." + b.Labels[0] + "." + b.Labels[1], typ: "data." + b.Labels[0], name: b.Labels[1], file: name, body: b.Body})
			case b.Type == "module" && len(b.Labels) == 1:
				m.modules[b.Labels[0]] = &block{addr: "module." + b.Labels[0], typ: "module", name: b.Labels[0], file: name, body: b.Body}
			case b.Type == "output" && len(b.Labels) == 1:
				m.outputs[b.Labels[0]] = &block{addr: "output." + b.Labels[0], typ: "output", name: b.Labels[0], file: name, body: b.Body}
			case b.Type == "variable" && len(b.Labels) == 1:
				m.variables[b.Labels[0]] = &block{addr: "var." + b.Labels[0], typ: "variable", name: b.Labels[0], file: name, body: b.Body}
			case b.Type == "locals":
				for n, a := range b.Body.Attributes {
					if _, dup := m.locals[n]; dup {
						errs = append(errs, fmt.Errorf("%s: local.%s is declared twice", name, n))
					}
					m.locals[n] = a.Expr
				}
			}
		}
	}
	return m, errs
}

func (m *module) add(b *block) {
	m.resources[b.addr] = b
	m.byType[b.typ] = append(m.byType[b.typ], b)
}

// attr returns the expression of a body's attribute, or nil.
func attr(body *hclsyntax.Body, name string) hclsyntax.Expression {
	if body == nil {
		return nil
	}
	if a, ok := body.Attributes[name]; ok {
		return a.Expr
	}
	return nil
}

// blocks returns a body's nested blocks of one type, in order.
func blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Body {
	if body == nil {
		return nil
	}
	var out []*hclsyntax.Body
	for _, b := range body.Blocks {
		if b.Type == typ {
			out = append(out, b.Body)
		}
	}
	return out
}

// block1 returns the first nested block of one type, or nil.
func block1(body *hclsyntax.Body, typ string) *hclsyntax.Body {
	if bs := blocks(body, typ); len(bs) > 0 {
		return bs[0]
	}
	return nil
}

// deref follows local.X to the local's own expression, so that checks see through the
// indirection the configuration uses for values shared by every function.
func (m *module) deref(e hclsyntax.Expression) hclsyntax.Expression {
	for range 10 {
		st, ok := e.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(st.Traversal) != 2 || st.Traversal.RootName() != "local" {
			return e
		}
		a, ok := st.Traversal[1].(hcl.TraverseAttr)
		if !ok || m.locals[a.Name] == nil {
			return e
		}
		e = m.locals[a.Name]
	}
	return e
}

// str returns the value of a literal string expression (through locals).
func (m *module) str(e hclsyntax.Expression) (string, bool) {
	if e == nil {
		return "", false
	}
	v, diags := m.deref(e).Value(nil)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// evalStr evaluates a string expression with the variables' defaults, e.g. var.go_runtime.
func (m *module) evalStr(e hclsyntax.Expression) (string, bool) {
	if e == nil {
		return "", false
	}
	vars := map[string]cty.Value{}
	for n, v := range m.variables {
		if d := attr(v.body, "default"); d != nil {
			if val, diags := d.Value(nil); !diags.HasErrors() {
				vars[n] = val
			}
		}
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)}}
	v, diags := m.deref(e).Value(ctx)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// strMap returns a literal map of strings (through locals), e.g. local.build_env.
func (m *module) strMap(e hclsyntax.Expression) (map[string]string, bool) {
	if e == nil {
		return nil, false
	}
	v, diags := m.deref(e).Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return nil, false
	}
	out := map[string]string{}
	for k, x := range v.AsValueMap() {
		if x.Type() != cty.String {
			return nil, false
		}
		out[k] = x.AsString()
	}
	return out, true
}

// strList returns a literal list of strings, seeing through toset(...) and locals.
func (m *module) strList(e hclsyntax.Expression) ([]string, bool) {
	if e == nil {
		return nil, false
	}
	e = m.deref(e)
	if fc, ok := e.(*hclsyntax.FunctionCallExpr); ok && (fc.Name == "toset" || fc.Name == "tolist") && len(fc.Args) == 1 {
		e = m.deref(fc.Args[0])
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsTupleType() || v.Type().IsListType()) {
		return nil, false
	}
	var out []string
	for _, x := range v.AsValueSlice() {
		if x.Type() != cty.String {
			return nil, false
		}
		out = append(out, x.AsString())
	}
	return out, true
}

// objectKeys returns every literal key of every object constructor in an expression (through
// locals), e.g. the variable names of merge({A = ...}, cond ? {} : {B = ...}).
func (m *module) objectKeys(e hclsyntax.Expression) []string {
	if e == nil {
		return nil
	}
	var keys []string
	hclsyntax.VisitAll(m.deref(e), func(n hclsyntax.Node) hcl.Diagnostics {
		oc, ok := n.(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil
		}
		for _, it := range oc.Items {
			if k, diags := it.KeyExpr.Value(nil); !diags.HasErrors() && k.Type() == cty.String {
				keys = append(keys, k.AsString())
			}
		}
		return nil
	})
	slices.Sort(keys)
	return slices.Compact(keys)
}

// objectItems returns the items of an object constructor with literal keys (through locals),
// e.g. local.public_functions.
func (m *module) objectItems(e hclsyntax.Expression) (map[string]hclsyntax.Expression, bool) {
	if e == nil {
		return nil, false
	}
	oc, ok := m.deref(e).(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil, false
	}
	out := map[string]hclsyntax.Expression{}
	for _, it := range oc.Items {
		k, diags := it.KeyExpr.Value(nil)
		if diags.HasErrors() || k.Type() != cty.String {
			return nil, false
		}
		out[k.AsString()] = it.ValueExpr
	}
	return out, true
}

// refs returns the resources and data sources an expression refers to.
func refs(e hclsyntax.Expression) []ref {
	if e == nil {
		return nil
	}
	var out []ref
	for _, t := range e.Variables() {
		root := t.RootName()
		switch root {
		case "var", "local", "each", "count", "path", "module", "terraform", "self":
			continue
		}
		rest := t[1:]
		prefix := root
		if root == "data" {
			if len(rest) == 0 {
				continue
			}
			a, ok := rest[0].(hcl.TraverseAttr)
			if !ok {
				continue
			}
			prefix, rest = "data."+a.Name, rest[1:]
		}
		if len(rest) == 0 {
			continue
		}
		a, ok := rest[0].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		r := ref{addr: prefix + "." + a.Name}
		if len(rest) > 1 {
			if ix, ok := rest[1].(hcl.TraverseIndex); ok && ix.Key.Type() == cty.String {
				r.key = ix.Key.AsString()
			}
		}
		out = append(out, r)
	}
	return out
}

// refsTo returns the addresses of the resources of one type an expression refers to.
func refsTo(e hclsyntax.Expression, typ string) []string {
	var out []string
	for _, r := range refs(e) {
		if strings.HasPrefix(r.addr, typ+".") {
			out = append(out, r.addr)
		}
	}
	return out
}

// refersTo reports whether an expression refers to the resource at addr.
func refersTo(e hclsyntax.Expression, addr string) bool {
	for _, r := range refs(e) {
		if r.addr == addr {
			return true
		}
	}
	return false
}
