// Package buildpack builds a function package the way Google's Go buildpack does for a
// declarative function (GOOGLE_FUNCTION_SOURCE): a generated main that blank-imports the
// package and calls funcframework.Start, built with go.mod and go.sum as they are. The
// packaging test (terraform/packaging_test.go) and the performance harness
// (scripts/perf/internal/harness) both build with it, so they build the same binary.
package buildpack

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// mainTemplate follows the buildpack's template for declarative functions
// (GoogleCloudPlatform/buildpacks, cmd/go/functions_framework).
const mainTemplate = `// Binary main file implements an HTTP server that loads and runs user's code
// on incoming HTTP requests.
package main

import (
	"log"
	"net/http"
	"os"

	_ "%s"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
)

func main() {
	http.HandleFunc("/robots.txt", http.NotFound)
	http.HandleFunc("/favicon.ico", http.NotFound)

	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if err := funcframework.Start(port); err != nil {
		log.Fatalf("Function failed to start: %%v\n", err)
	}
}
`

// Main returns the main the buildpack generates for the function package pkg (an import path).
func Main(pkg string) string { return fmt.Sprintf(mainTemplate, pkg) }

// Build compiles the generated main for pkg (an import path inside the module at root) into
// the binary bin. The main sits inside the module, as the buildpack puts it, but only in a
// build overlay: nothing is written into root. -mod=readonly: go.mod and go.sum as they are
// must cover the main, so the build does not depend on what the buildpack's own `go mod tidy`
// would fetch.
func Build(root, pkg, bin string) error {
	work, err := os.MkdirTemp("", "buildpack-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	name := pkg[strings.LastIndex(pkg, "/")+1:]
	src := filepath.Join(work, "main.go")
	if err := os.WriteFile(src, []byte(Main(pkg)), 0o644); err != nil {
		return err
	}
	// A directory that does not exist in the tree; the overlay puts the main there.
	dir := "functions.local/buildpack-" + name
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(root, dir, "main.go"): src}})
	if err != nil {
		return err
	}
	ov := filepath.Join(work, "overlay.json")
	if err := os.WriteFile(ov, overlay, 0o644); err != nil {
		return err
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-overlay", ov, "-o", abs, "./"+dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly -buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build of the generated main for %s: %v\n%s", pkg, err, out)
	}
	return nil
}
