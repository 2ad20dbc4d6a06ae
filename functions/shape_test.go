package functions_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The shape groundwork asks for (issue 20): one small package per function, functions/ thin
// (decode, one use case, render), and no production file a reader cannot hold.
func TestShape(t *testing.T) {
	lines := func(path string) int {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(b, []byte("\n"))
	}
	total := 0
	perPackage := map[string]int{}
	matches, err := filepath.Glob("*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range matches {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		n := lines(f)
		total += n
		perPackage[filepath.Dir(f)] += n
	}
	if len(perPackage) == 0 {
		t.Fatal("no function packages found")
	}
	for pkg, n := range perPackage {
		if n > 150 {
			t.Errorf("functions/%s: %d lines, more than 150", pkg, n)
		}
	}
	if total > 700 {
		t.Errorf("functions/: %d lines in all, more than 700", total)
	}
	// Every production Go file of the module, generated files aside.
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && d.Name() != ".." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte("Code generated")) && bytes.Contains(b, []byte("DO NOT EDIT")) {
			return nil
		}
		if n := bytes.Count(b, []byte("\n")); n > 700 {
			t.Errorf("%s: %d lines, more than 700", path, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
