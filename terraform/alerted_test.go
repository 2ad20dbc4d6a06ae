package terraform_test

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// alertedInCode finds the log lines the Go code says an alert counts: a comment such as
// `counted by the log-based metric on "tick case failed"` or `Counted by the "case overdue"
// alert`. An operator reading the code trusts such a comment; it must be true.
func alertedInCode() (map[string]string, error) {
	said := regexp.MustCompile(`(?i)(?:log-based metric on|counted by the) "([^"]+)"`)
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != ".." && (strings.HasPrefix(n, ".") || n == "terraform" || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, cg := range f.Comments {
			text := strings.Join(strings.Fields(cg.Text()), " ")
			for _, m := range said.FindAllStringSubmatch(text, -1) {
				out[m[1]] = fset.Position(cg.Pos()).String()
			}
		}
		return nil
	})
	return out, err
}

// checkAlerted: each of messages is counted by a log-based metric that an alert policy watches.
func (m *module) checkAlerted(messages map[string]string) []error {
	var errs []error
	for msg, pos := range messages {
		var metric string
		for _, b := range m.byType["google_logging_metric"] {
			if mm := filterMessage.FindStringSubmatch(templateText(attr(b.body, "filter"))); mm != nil && mm[1] == msg {
				metric = b.addr
			}
		}
		if metric == "" {
			errs = append(errs, fmt.Errorf("%s says log line %q is counted for an alert, but no google_logging_metric counts it", pos, msg))
			continue
		}
		watched := false
		for _, b := range m.byType["google_monitoring_alert_policy"] {
			for _, c := range blocks(b.body, "conditions") {
				for _, kind := range []string{"condition_threshold", "condition_absent"} {
					if cond := block1(c, kind); cond != nil && strings.Contains(exprText(attr(cond, "filter")), metric+".name") {
						watched = true
					}
				}
			}
		}
		if !watched {
			errs = append(errs, fmt.Errorf("%s counts %q, but no alert policy watches it", metric, msg))
		}
	}
	return errs
}

func TestLogLinesTheCodeCallsAlertedAreAlerted(t *testing.T) {
	t.Parallel()
	msgs, err := alertedInCode()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 {
		t.Fatal("no comment in the Go code names an alerted log line; the search is broken")
	}
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	for _, err := range m.checkAlerted(msgs) {
		t.Error(err)
	}
}
