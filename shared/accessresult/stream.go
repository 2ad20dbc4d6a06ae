package accessresult

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// An access package is made in two steps. When staff decide, NewPlan makes everything that is
// small (README, MANIFEST.csv, overzicht.html, Privacyloket's own records, staff's own result
// file) and lays out where each owner's extract goes; that plan is stored. At download,
// WriteZip writes the ZIP straight to the response: the plan's files, and each extract copied
// from where it is stored (PrepareExtract's form), one piece at a time. No step holds the
// extracts, or the whole package, in memory.

// Plan is an access package as stored when staff decide.
type Plan struct {
	Generated time.Time `json:"generated"`
	// Items are the package's files in the order of the ZIP (by name): a file made at decide
	// (one name, its data in the stored plan), or an extract's files (Extract is its key).
	Items []Item `json:"items"`
	// Systems are the systems searched, in the manifest's order, in the requester's language.
	Systems []PlanSystem `json:"systems,omitempty"`
	built   [][]byte     // the data of the files made at decide, in Items' order
}

// Item is one file, or one extract's files, of a package.
type Item struct {
	Names   []string `json:"names"`
	Sizes   []int64  `json:"sizes"`
	Extract string   `json:"extract,omitempty"`
}

// PlanSystem is one system of a package: its name, what its search found, its files.
type PlanSystem struct {
	Folder string   `json:"folder"`
	Name   string   `json:"name"`
	Result string   `json:"result"`
	Files  []string `json:"files,omitempty"`
}

// Opener opens an extract by its key, in the stored form PreparedExtract.WriteTo wrote.
type Opener func(key string) (io.ReadCloser, error)

// NewPlan makes the files of an access package: README.txt (Dutch and English),
// privacyloket.json and privacyloket.csv (own), with r (staff's result file; must come from
// Parse) gegevens.json and gegevens.csv, and with s (a case searched across the systems)
// overzicht.html, MANIFEST.csv and a folder per system whose extracts are copied at download;
// the README then names each system's retention and recipients and the consultation log, and r
// may be nil. The package depends only on the arguments and the extracts: entries are sorted by
// name and stamped with generated.
func NewPlan(orgName string, r *Result, own Own, info Info, s *Searches, generated time.Time) (*Plan, error) {
	files, readmeData, err := ownEntries(orgName, r, own, info, s != nil, generated)
	if err != nil {
		return nil, err
	}
	p := &Plan{Generated: generated}
	var items []Item
	if s != nil {
		more, extracts, systems, err := searchEntries(s)
		if err != nil {
			return nil, err
		}
		files = append(files, more...)
		items, p.Systems = extracts, systems
		readmeData = append(readmeData, searchReadme(s)...)
	}
	files = append(files, zipEntry{FileReadme, readmeData})
	data := map[string][]byte{}
	for _, f := range files {
		items = append(items, Item{Names: []string{f.name}, Sizes: []int64{int64(len(f.data))}})
		data[f.name] = f.data
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Names[0] < items[j].Names[0] })
	for i, it := range items {
		if i > 0 && it.Names[0] == items[i-1].Names[0] {
			return nil, fmt.Errorf("%w: two files named %s", ErrInvalid, it.Names[0])
		}
		if it.Extract == "" {
			p.built = append(p.built, data[it.Names[0]])
		}
	}
	p.Items = items
	return p, nil
}

// Size is the bytes of the package's files, before compression.
func (p *Plan) Size() int64 {
	var n int64
	for _, it := range p.Items {
		for _, s := range it.Sizes {
			n += s
		}
	}
	return n
}

// Contents lists the package for its download page (names only).
func (p *Plan) Contents() *Contents {
	c := &Contents{}
	for _, it := range p.Items {
		if it.Extract == "" && !strings.Contains(it.Names[0], "/") {
			c.Files = append(c.Files, it.Names[0])
		}
	}
	for _, s := range p.Systems {
		c.Systems = append(c.Systems, ContentsSystem{Name: s.Name, Files: s.Files})
	}
	return c
}

// WriteTo writes the stored form of the plan: a 4-byte big-endian length, the plan (JSON) of
// that length, then the data of the files made at decide in Items' order.
func (p *Plan) WriteTo(w io.Writer) (int64, error) {
	return writeFramed(w, p, p.built)
}

// ReadPlan reads a stored plan's list from r, which is then at the data of its files (for
// WriteZip or ReadPaper).
func ReadPlan(r io.Reader) (*Plan, error) {
	b, err := readFramed(r)
	if err != nil {
		return nil, fmt.Errorf("accessresult: stored package: %w", err)
	}
	p := &Plan{}
	if err := json.Unmarshal(b, p); err != nil || len(p.Items) == 0 {
		return nil, fmt.Errorf("%w: stored package", ErrInvalid)
	}
	for _, it := range p.Items {
		if len(it.Names) == 0 || len(it.Names) != len(it.Sizes) || (it.Extract == "" && len(it.Names) != 1) {
			return nil, fmt.Errorf("%w: stored package item", ErrInvalid)
		}
		for _, n := range it.Sizes {
			if n < 0 {
				return nil, fmt.Errorf("%w: stored package item size", ErrInvalid)
			}
		}
	}
	return p, nil
}

// built is a reader of the files made at decide, for a plan that was not stored.
func (p *Plan) builtReader() io.Reader {
	rs := make([]io.Reader, len(p.built))
	for i, b := range p.built {
		rs[i] = bytes.NewReader(b)
	}
	return io.MultiReader(rs...)
}

// WriteZip writes the package of plan p to w as a ZIP archive, streaming: the files made at
// decide from built (the stored plan after ReadPlan), each extract from open. An extract that
// is not as the plan says (other files or sizes, more or less data) stops it with an error:
// what was written is then no whole package, and the caller breaks off the download.
func WriteZip(w io.Writer, p *Plan, built io.Reader, open Opener) error {
	zw := zip.NewWriter(w)
	// Amsterdam time, because unzip tools show the legacy DOS time as local time.
	mod := p.Generated.In(amsterdam).Truncate(time.Second)
	entry := func(name string, size int64, r io.Reader) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod}
		h.SetMode(0o644)
		zf, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("accessresult: zip %s: %w", name, err)
		}
		if _, err := io.CopyN(zf, r, size); err != nil {
			return fmt.Errorf("accessresult: zip %s: %w", name, err)
		}
		return nil
	}
	for _, it := range p.Items {
		if it.Extract == "" {
			if err := entry(it.Names[0], it.Sizes[0], built); err != nil {
				return err
			}
			continue
		}
		if err := copyExtract(it, open, entry); err != nil {
			return err
		}
	}
	if err := atEnd(built); err != nil {
		return fmt.Errorf("accessresult: stored package: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("accessresult: zip: %w", err)
	}
	return nil
}

func copyExtract(it Item, open Opener, entry func(string, int64, io.Reader) error) error {
	if open == nil {
		return fmt.Errorf("%w: extract %s has no store", ErrInvalid, it.Names[0])
	}
	rc, err := open(it.Extract)
	if err != nil {
		return fmt.Errorf("accessresult: open extract %s: %w", it.Names[0], err)
	}
	defer rc.Close()
	h, err := ReadExtractHeader(rc)
	if err != nil {
		return err
	}
	if len(h.Files) != len(it.Names) {
		return fmt.Errorf("%w: extract %s holds %d files, the package %d", ErrInvalid, it.Names[0], len(h.Files), len(it.Names))
	}
	for i, f := range h.Files {
		if f.Size != it.Sizes[i] {
			return fmt.Errorf("%w: extract %s has changed", ErrInvalid, it.Names[i])
		}
		if err := entry(it.Names[i], f.Size, rc); err != nil {
			return err
		}
	}
	if err := atEnd(rc); err != nil {
		return fmt.Errorf("accessresult: extract %s: %w", it.Names[0], err)
	}
	return nil
}

// atEnd reads r to its end, which must follow: a sealed stream authenticates its end only when
// it is read.
func atEnd(r io.Reader) error {
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		switch {
		case n > 0:
			return errors.New("more data than it says")
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
	}
}
