package terraform_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/privacyloket/privacyloket/shared/testenv/freeport"

	"github.com/privacyloket/privacyloket/scripts/buildpack"
	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// frameworkFunctions is the registration package whose import makes Google's Go buildpack
// generate its "declarative" main: a blank import of the function package, then
// funcframework.Start, with FUNCTION_TARGET choosing the function at run time.
const frameworkFunctions = "github.com/GoogleCloudPlatform/functions-framework-go/functions"

// TestPackagingBuildsAndStartsEveryFunction builds what Terraform uploads the way the buildpack
// does, once per function: the archive's files (source.tf's allow-list), a generated main inside
// the module that blank-imports the function's GOOGLE_FUNCTION_SOURCE package (its source in
// functions.json), `go build` of that main (scripts/buildpack, which the performance harness
// builds with too). Each binary is then started as deployed, with FUNCTION_TARGET and the
// environment Terraform gives the function; the emulator and metadata variables point at a
// closed port, so nothing reaches Google. The same binary must refuse to start as any other
// function: its package registers its own function and nothing else.
func TestPackagingBuildsAndStartsEveryFunction(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the deployable binaries")
	}
	r, err := repoFacts()
	if err != nil {
		t.Fatal(err)
	}
	m, errs := load(".")
	if m == nil {
		t.Fatal(errs)
	}
	if m.resources["data.archive_file.source"] == nil {
		t.Fatal("data.archive_file.source is missing (source.tf)")
	}
	topFiles, ok1 := m.strList(m.locals["source_top_files"])
	dirs, ok2 := m.strList(m.locals["source_dirs"])
	if !ok1 || !ok2 {
		t.Fatal("local.source_top_files and local.source_dirs must be literal lists (source.tf)")
	}
	// The allow-list skips tests and test data; the copy below does the same.
	if sf := exprText(m.locals["source_files"]); !strings.Contains(sf, `"_test.go"`) || !strings.Contains(sf, `"/testdata/"`) {
		t.Fatalf("local.source_files must leave out _test.go files and testdata directories:\n%s", sf)
	}
	specs, _, err := readFunctions(".")
	if err != nil {
		t.Fatal(err)
	}

	app := t.TempDir()
	if err := copyAllowed("..", app, topFiles, dirs); err != nil {
		t.Fatal(err)
	}
	if extra, err := unexpectedUploads(app); err != nil {
		t.Fatal(err)
	} else if len(extra) > 0 {
		t.Errorf("the source archive would upload %q: only the module (go.mod, go.sum, Go package directories) and docs belong there", extra)
	}
	for _, need := range []string{"go.mod", "go.sum"} {
		if _, err := os.Stat(filepath.Join(app, need)); err != nil {
			t.Fatalf("the uploaded source lacks %s: %v", need, err)
		}
	}
	bins := t.TempDir()

	for i, d := range fnlist.All {
		t.Run(d.Name, func(t *testing.T) {
			t.Parallel()
			spec, ok := specs[d.Name]
			if !ok {
				t.Fatalf("%s has no entry %q", functionsFile, d.Name)
			}
			if _, err := os.Stat(filepath.Join(app, spec.Source)); err != nil {
				t.Fatalf("the uploaded source lacks %s's package %s: %v", d.Name, spec.Source, err)
			}
			if imports, err := packageImports(filepath.Join(app, spec.Source)); err != nil {
				t.Fatal(err)
			} else if !slices.Contains(imports, frameworkFunctions) {
				t.Fatalf("package %s does not import %s: the buildpack would generate a main that calls a Go function named after the entry point instead", spec.Source, frameworkFunctions)
			}
			// The generated main that blank-imports the function's package, built against
			// go.mod and go.sum as uploaded.
			bin := filepath.Join(bins, d.Service())
			if err := buildpack.Build(app, r.module+"/"+spec.Source, bin); err != nil {
				t.Fatal(err)
			}
			env, err := m.deployedEnv(d.Name, specs)
			if err != nil {
				t.Fatal(err)
			}
			port := freePort(t)
			status, logs, err := startFunction(t, bin, d.Name, env, port)
			if err != nil {
				t.Fatalf("%v:\n%s", err, logs)
			}
			t.Logf("GET / answered %d", status)
			if status == http.StatusNotFound {
				t.Errorf("GET / answered %d: FUNCTION_TARGET=%s is not served\n%s", status, d.Name, logs)
			}
			if d.Topic != "" {
				checkPushDelivery(t, port, d, logs)
			}

			// Started as another function, or as one nothing registered, it must exit naming
			// the target, or a passing start above would prove nothing about the entry point.
			for _, other := range []string{fnlist.All[(i+1)%len(fnlist.All)].Name, "NoSuchFunction"} {
				status, logs, err := startFunction(t, bin, other, env, freePort(t))
				if err == nil {
					t.Errorf("%s's binary served FUNCTION_TARGET=%s (GET / %d); want the process to exit\n%s", d.Name, other, status, logs)
				} else if !strings.Contains(logs.String(), other) {
					t.Errorf("%s's binary exited without naming %s (%v):\n%s", d.Name, other, err, logs)
				}
			}
		})
	}
}

// checkPushDelivery posts what a native Pub/Sub push subscription posts (the wrapped push body,
// modules/function) to a topic function and checks that the Functions Framework hands it to the
// handler as its CloudEvent. The message is one the handler drops as malformed without touching
// Firestore, so a 2xx and the handler's own log line prove the delivery path.
func checkPushDelivery(t *testing.T, port int, d fnlist.Function, logs *syncBuffer) {
	t.Helper()
	data := base64.StdEncoding.EncodeToString([]byte(`not json`))
	body := fmt.Sprintf(`{"message":{"data":%q,"messageId":"1","publishTime":"2026-11-27T10:00:00Z","attributes":{}},"subscription":"projects/demo-terraform/subscriptions/%s-push"}`, data, d.Topic)
	// The path the module's push_endpoint adds, from which the framework names the topic.
	url := fmt.Sprintf("http://127.0.0.1:%d/projects/demo-terraform/topics/%s", port, d.Topic)
	res, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Errorf("a Pub/Sub push to %s answered %d; want 2xx (the handler drops a malformed message)\n%s", d.Name, res.StatusCode, logs)
	}
	// The process's output reaches the buffer through a pipe: wait for the handler's line.
	for i := 0; i < 100 && !strings.Contains(logs.String(), "dropped"); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "dropped") {
		t.Errorf("a Pub/Sub push to %s did not reach its handler (no \"dropped\" line):\n%s", d.Name, logs)
	}
	if strings.Contains(logs.String(), "failed to extract Pub/Sub topic") {
		t.Errorf("the framework could not name the topic from the push path:\n%s", logs)
	}
}

// copyAllowed copies what source.tf uploads from src to dst: the top-level files, and every
// file under the allowed directories except tests and test data. Each must be UTF-8 text,
// because Terraform reads it with file().
func copyAllowed(src, dst string, topFiles, dirs []string) error {
	var files []string
	files = append(files, topFiles...)
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(src, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(src, path)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if strings.HasSuffix(rel, "_test.go") || strings.Contains("/"+rel, "/testdata/") {
				return nil
			}
			files = append(files, rel)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, rel := range files {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if !utf8.Valid(data) {
			return fmt.Errorf("%s is not UTF-8 text: source.tf reads uploads with file(), which refuses it", rel)
		}
		target := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// unexpectedUploads returns the top-level entries of the copied source that hold files but are
// neither the module files, documentation, nor directories of Go packages: local state, tools
// or data that would otherwise reach the bucket unnoticed.
func unexpectedUploads(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var extra []string
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() {
			if name != "go.mod" && name != "go.sum" && name != ".gitignore" && !strings.HasSuffix(name, ".md") {
				extra = append(extra, name)
			}
			continue
		}
		files, goFiles := 0, 0
		err := filepath.WalkDir(filepath.Join(dir, name), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files++
				if strings.HasSuffix(path, ".go") {
					goFiles++
				}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if files > 0 && goFiles == 0 {
			extra = append(extra, name+"/")
		}
	}
	return extra, nil
}

// packageImports lists the imports of the non-test Go files in dir.
func packageImports(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []string
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			out = append(out, path)
		}
	}
	return out, nil
}

// startFunction runs the binary as the platform would run the function target and waits until
// it answers GET /. It returns the status code and what the process logged, or an error when
// the process exits first (a target that is not registered, a start-up that fails).
func startFunction(t *testing.T, bin, target string, env map[string]string, port int) (int, *syncBuffer, error) {
	t.Helper()
	closed := "127.0.0.1:" + strconv.Itoa(freePort(t))
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"FUNCTION_TARGET=" + target,
		"PORT=" + strconv.Itoa(port),
		"FIRESTORE_EMULATOR_HOST=" + closed,
		"PUBSUB_EMULATOR_HOST=" + closed,
		"GCE_METADATA_HOST=" + closed,
		// The shipped profiles hold placeholders until the organisation sets its own values;
		// deployed as they are, the functions rightly refuse to start (docs/contract.md §2).
		"ALLOW_PLACEHOLDER_PROFILE=true",
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	done := false
	t.Cleanup(func() {
		if !done {
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := fmt.Sprintf("http://127.0.0.1:%d/", port)
	for {
		select {
		case err := <-exited:
			done = true
			return 0, logs, fmt.Errorf("%s exited before serving (%v)", target, err)
		case <-ctx.Done():
			return 0, logs, fmt.Errorf("%s did not answer on %s", target, url)
		case <-time.After(20 * time.Millisecond):
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, logs, nil
	}
}

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePort returns a TCP port below the ephemeral range that nothing listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	p, err := freeport.Port()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnexpectedUploads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		files []string
		want  []string
	}{
		{"module only", []string{"go.mod", "go.sum", "README.md", "functions/f.go", "shared/x/testdata/golden.txt", "shared/x/x.go"}, nil},
		{"dev state", []string{"go.mod", "functions/f.go", ".dev/env"}, []string{".dev/"}},
		{"stray file and tools", []string{"go.mod", "functions/f.go", "notes.txt", "node_modules/maildev/index.js"}, []string{"node_modules/", "notes.txt"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, f := range tc.files {
				p := filepath.Join(dir, filepath.FromSlash(f))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := unexpectedUploads(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("unexpectedUploads = %q, want %q", got, tc.want)
			}
		})
	}
}
