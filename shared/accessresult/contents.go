package accessresult

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Contents is what the download page may say about a package: the names of its files and of
// the systems they come from, never the data in them (a mail scanner fetches that page).
type Contents struct {
	// Files are the package's own files at its top level, by name.
	Files []string
	// Systems are the systems searched, in the manifest's order, each with its files.
	Systems []ContentsSystem
}

// ContentsSystem is one system of a package and the files it contributed.
type ContentsSystem struct {
	Name  string
	Files []string
}

// ReadContents lists a package that Build or BuildSearched made: its top-level files and, from
// MANIFEST.csv, each system's name and files. It reads no other file.
func ReadContents(pkg []byte) (*Contents, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, fmt.Errorf("accessresult: read package: %w", err)
	}
	out := &Contents{}
	for _, f := range zr.File {
		if !strings.Contains(f.Name, "/") {
			out.Files = append(out.Files, f.Name)
		}
	}
	slices.Sort(out.Files)
	f, err := zr.Open(FileManifest)
	if err != nil {
		return out, nil // not searched: no systems
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("accessresult: read %s: %w", FileManifest, err)
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, utf8BOM)))
	cr.Comma = ';'
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("accessresult: %s: %w", FileManifest, err)
	}
	for _, r := range recs[min(1, len(recs)):] {
		if len(r) < 5 {
			continue
		}
		var files []string
		for _, name := range strings.Fields(r[4]) {
			files = append(files, strings.TrimPrefix(name, "'"))
		}
		out.Systems = append(out.Systems, ContentsSystem{Name: strings.TrimPrefix(r[0], "'"), Files: files})
	}
	return out, nil
}
