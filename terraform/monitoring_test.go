package terraform_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// logLine is one structured log call in the Go code: slog's Info/Warn/Error(Context) with a
// literal message.
type logLine struct {
	pos      string
	severity string // as Cloud Logging shows it: INFO, WARNING, ERROR, DEBUG
	message  string
	keys     []string
}

var slogSeverity = map[string]string{
	"Debug": "DEBUG", "DebugContext": "DEBUG",
	"Info": "INFO", "InfoContext": "INFO",
	"Warn": "WARNING", "WarnContext": "WARNING",
	"Error": "ERROR", "ErrorContext": "ERROR",
}

// codeLogLines reads every non-test Go file of the module (outside terraform/) and returns its
// log calls.
var codeLogLines = sync.OnceValues(func() ([]logLine, error) {
	var out []logLine
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != ".." && (strings.HasPrefix(n, ".") || n == "terraform" || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || slogSeverity[sel.Sel.Name] == "" {
				return true
			}
			msgAt := 0
			if strings.HasSuffix(sel.Sel.Name, "Context") {
				msgAt = 1
			}
			if len(call.Args) <= msgAt {
				return true
			}
			msg, ok := stringLit(call.Args[msgAt])
			if !ok {
				return true
			}
			l := logLine{pos: fset.Position(call.Pos()).String(), severity: slogSeverity[sel.Sel.Name], message: msg}
			for i := msgAt + 1; i < len(call.Args); {
				if k, ok := stringLit(call.Args[i]); ok {
					l.keys = append(l.keys, k)
					i += 2
					continue
				}
				// slog.String("key", v) and the like.
				if c, ok := call.Args[i].(*ast.CallExpr); ok && len(c.Args) > 0 {
					if k, ok := stringLit(c.Args[0]); ok {
						l.keys = append(l.keys, k)
					}
				}
				i++
			}
			out = append(out, l)
			return true
		})
		return nil
	})
	return out, err
})

func stringLit(e ast.Expr) (string, bool) {
	bl, ok := e.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(bl.Value)
	return s, err == nil
}

// templateText returns a template's literal text, with each interpolation as "…".
func templateText(e hclsyntax.Expression) string {
	switch t := e.(type) {
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, p := range t.Parts {
			if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String {
				b.WriteString(lit.Val.AsString())
			} else {
				b.WriteString("…")
			}
		}
		return b.String()
	case *hclsyntax.LiteralValueExpr:
		if t.Val.Type() == cty.String {
			return t.Val.AsString()
		}
	}
	return ""
}

var (
	filterMessage  = regexp.MustCompile(`jsonPayload\.message\s*=\s*"([^"]*)"`)
	filterSeverity = regexp.MustCompile(`severity\s*=\s*"?([A-Z]+)"?`)
	payloadField   = regexp.MustCompile(`jsonPayload\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// checkLogMetrics: each log-based metric counts a log line the code writes: the same message,
// the same severity, and only fields that line carries.
func (m *module) checkLogMetrics(lines []logLine) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(m.byType["google_logging_metric"]) == 0 {
		bad("no google_logging_metric: the alerts have nothing to count")
	}
	for _, b := range m.byType["google_logging_metric"] {
		filter := templateText(attr(b.body, "filter"))
		mm := filterMessage.FindStringSubmatch(filter)
		if mm == nil {
			bad("%s: its filter must name the log line: jsonPayload.message=\"...\"", b.addr)
			continue
		}
		var matches []logLine
		for _, l := range lines {
			if l.message == mm[1] {
				matches = append(matches, l)
			}
		}
		if len(matches) == 0 {
			bad("%s: no log line %q in the Go code: the alert would never fire", b.addr, mm[1])
			continue
		}
		if sm := filterSeverity.FindStringSubmatch(filter); sm != nil {
			matches = slices.DeleteFunc(matches, func(l logLine) bool { return l.severity != sm[1] })
			if len(matches) == 0 {
				bad("%s: log line %q is never written with severity %s", b.addr, mm[1], sm[1])
				continue
			}
		}
		var fields []string
		texts := []string{filter, templateText(attr(b.body, "value_extractor"))}
		if items, ok := m.objectItems(attr(b.body, "label_extractors")); ok {
			for _, e := range items {
				texts = append(texts, templateText(e))
			}
		}
		for _, t := range texts {
			for _, f := range payloadField.FindAllStringSubmatch(t, -1) {
				if f[1] != "message" {
					fields = append(fields, f[1])
				}
			}
		}
		for _, f := range fields {
			if !slices.ContainsFunc(matches, func(l logLine) bool { return slices.Contains(l.keys, f) }) {
				bad("%s: log line %q (%s) has no field %q", b.addr, mm[1], matches[0].pos, f)
			}
		}
	}
	return errs
}

// githubAnchor is the anchor GitHub gives a Markdown heading.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkPlaybooks: every alert policy links to a playbook section that README.md has.
func (m *module) checkPlaybooks(readme string) []error {
	anchors := map[string]bool{}
	fenced := false
	for line := range strings.Lines(readme) {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if h, ok := strings.CutPrefix(line, "#"); ok && !fenced {
			anchors[githubAnchor(strings.TrimLeft(h, "#"))] = true
		}
	}
	var errs []error
	// Each links ${local.playbook}#<section>, local.playbook being the README's address.
	linked := regexp.MustCompile(`\$\{local\.playbook\}#([a-z0-9_-]+)`)
	if pb, _ := m.str(m.locals["playbook"]); !strings.HasSuffix(pb, "/terraform/README.md") {
		errs = append(errs, fmt.Errorf("local.playbook must be the address of terraform/README.md, is %q", pb))
	}
	if len(m.byType["google_monitoring_alert_policy"]) == 0 {
		errs = append(errs, fmt.Errorf("no google_monitoring_alert_policy"))
	}
	for _, b := range m.byType["google_monitoring_alert_policy"] {
		doc := block1(b.body, "documentation")
		text := exprText(attr(doc, "content"))
		am := linked.FindStringSubmatch(text)
		switch {
		case am == nil:
			errs = append(errs, fmt.Errorf("%s: documentation.content must link its playbook (${local.playbook}#<section>)", b.addr))
		case !anchors[am[1]]:
			errs = append(errs, fmt.Errorf("%s: README.md has no section #%s (its playbook)", b.addr, am[1]))
		}
		if !mentions(attr(b.body, "notification_channels"), "var.notification_channels") {
			errs = append(errs, fmt.Errorf("%s: must notify var.notification_channels", b.addr))
		}
	}
	return errs
}

func TestLogMetricsMatchCode(t *testing.T) {
	t.Parallel()
	lines, err := codeLogLines()
	if err != nil {
		t.Fatal(err)
	}
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	for _, err := range m.checkLogMetrics(lines) {
		t.Error(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range m.checkPlaybooks(string(readme)) {
		t.Error(err)
	}
}

// TestLogMetricCheckBites renames what a metric counts and expects the check to say so.
func TestLogMetricCheckBites(t *testing.T) {
	t.Parallel()
	lines := []logLine{{pos: "x.go:1", severity: "INFO", message: "tick done", keys: []string{"now", "cases"}}}
	cases := map[string]struct{ src, want string }{
		"renamed message": {`filter = "jsonPayload.message=\"tick finished\""`, `no log line "tick finished"`},
		"wrong severity":  {`filter = "severity=ERROR AND jsonPayload.message=\"tick done\""`, "never written with severity ERROR"},
		"unknown field":   {`filter = "jsonPayload.message=\"tick done\" AND jsonPayload.letters>0"`, `has no field "letters"`},
		"label field": {`filter = "jsonPayload.message=\"tick done\""
  label_extractors = { kind = "EXTRACT(jsonPayload.kind)" }`, `has no field "kind"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			src := "resource \"google_logging_metric\" \"m\" {\n  " + tc.src + "\n}\n"
			if err := os.WriteFile(filepath.Join(dir, "m.tf"), hclFormat(src), 0o644); err != nil {
				t.Fatal(err)
			}
			m, errs := load(dir)
			if m == nil {
				t.Fatal(errs)
			}
			got := fmt.Sprint(m.checkLogMetrics(lines))
			if !strings.Contains(got, tc.want) {
				t.Errorf("check found %s; want %q", got, tc.want)
			}
		})
	}
}

func hclFormat(src string) []byte { return hclwrite.Format([]byte(src)) }

func TestGithubAnchor(t *testing.T) {
	t.Parallel()
	if got := githubAnchor(" Alert: 5xx or slow RequestForm"); got != "alert-5xx-or-slow-requestform" {
		t.Errorf("githubAnchor = %q", got)
	}
}

// validates evaluates a variable's validation conditions for one value, with the Terraform
// functions they use.
func (m *module) validates(name string, v cty.Value) (bool, error) {
	vb := m.variables[name]
	if vb == nil {
		return false, fmt.Errorf("no variable %s", name)
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{name: v})},
		Functions: map[string]function.Function{
			"can": tryfunc.CanFunc, "regex": stdlib.RegexFunc, "contains": stdlib.ContainsFunc,
			"lookup": stdlib.LookupFunc, "length": stdlib.LengthFunc,
		},
	}
	for _, val := range blocks(vb.body, "validation") {
		r, diags := attr(val, "condition").Value(ctx)
		if diags.HasErrors() {
			return false, diags
		}
		if r.IsNull() || !r.True() {
			return false, nil
		}
	}
	return true, nil
}

// TestLocationsStayInEEA: every location variable accepts EEA regions (and eur3 for Firestore)
// and refuses anything outside the EEA (A §11), including European regions outside it.
func TestLocationsStayInEEA(t *testing.T) {
	t.Parallel()
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	outside := []string{"nam5", "nam7", "us-central1", "asia-east1", "europe-west2", "europe-west6", "me-west1", "europe"}
	cases := map[string][]string{
		"region":             {"europe-west4", "europe-west1", "europe-west3", "europe-north1", "europe-central2", "europe-southwest1"},
		"firestore_location": {"eur3", "europe-west4", "europe-west1"},
		"scheduler_region":   {"europe-west4", "europe-west1"},
	}
	for name, inside := range cases {
		for _, loc := range inside {
			if ok, err := m.validates(name, cty.StringVal(loc)); err != nil || !ok {
				t.Errorf("variable %s refuses %q (EEA): %v", name, loc, err)
			}
		}
		for _, loc := range outside {
			if ok, err := m.validates(name, cty.StringVal(loc)); err != nil || ok {
				t.Errorf("variable %s accepts %q, outside the EEA (%v)", name, loc, err)
			}
		}
	}
	if ok, err := m.validates("scheduler_region", cty.NullVal(cty.String)); err != nil || !ok {
		t.Errorf("scheduler_region refuses null (= region): %v", err)
	}
}
