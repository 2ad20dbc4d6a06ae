package accessresult

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
	_ "time/tzdata" // README dates are Dutch dates, whatever the host's zoneinfo

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/deadline"
)

// Own is what Privacyloket itself keeps about the requester; it is personal
// data too, so it is part of every access package. The caller fills it and
// pseudonymises staff; it never holds the ID copy.
type Own struct {
	Reference   string            `json:"reference"`
	RequestType string            `json:"requestType"`
	Status      string            `json:"status"`
	ReceivedOn  string            `json:"receivedOn"`
	DueDate     string            `json:"dueDate"`
	Requests    []OwnRequest      `json:"requests"` // this and other requests by the same address
	Letters     []OwnLetter       `json:"letters"`  // no bodies
	Events      []OwnEvent        `json:"events"`   // the audit trail
	Subject     map[string]string `json:"subject"`  // the personal data on the request form
	// Lang is the requester's language ("nl" or "en"; "" is Dutch): privacyloket.csv and
	// gegevens.csv are written in it. It is not data about the requester.
	Lang string `json:"-"`
}

// OwnRequest is one request by the requester.
type OwnRequest struct {
	Reference  string `json:"reference"`
	Type       string `json:"type"`
	Status     string `json:"status"`
	ReceivedOn string `json:"receivedOn"`
}

// OwnLetter is one letter sent to the requester.
type OwnLetter struct {
	Kind   string `json:"kind"`
	At     string `json:"at"`
	Status string `json:"status"`
}

// OwnEvent is one entry of the audit trail. Actor is "requester", "system",
// "third_party" or "staff".
type OwnEvent struct {
	At     string `json:"at"`
	Actor  string `json:"actor"`
	Action string `json:"action"`
}

// Text is one text in Dutch and English.
type Text struct{ NL, EN string }

// Info is the information of GDPR 15(1)(a)-(h) and 15(2) the README carries beside the data:
// the organisation's standard answers (from its policy profile) and what staff added for this
// case. The rights and the complaint to the Autoriteit Persoonsgegevens the README writes itself.
type Info struct {
	Purposes, Categories, Recipients, Retention, Source, AutomatedDecisions Text
	// Particular is what staff add for this case, in the language they wrote it; "" for none.
	Particular string
	// Subject is, when a legal representative asked, the name of the person represented: the
	// README then speaks to the representative about that person (docs/rules.md §1).
	Subject string
}

// Names of the entries in the package.
const (
	FileReadme  = "README.txt"
	FileDataJ   = "gegevens.json"
	FileDataC   = "gegevens.csv"
	FileOwnJSON = "privacyloket.json"
	FileOwnCSV  = "privacyloket.csv"
)

var amsterdam = deadline.Location()

// Build makes the ZIP archive the requester downloads, whole in memory: README.txt (Dutch and
// English), gegevens.json and gegevens.csv (the organisation's result), privacyloket.json and
// privacyloket.csv (own). r must come from Parse. The bytes depend only on the arguments:
// entries are sorted by name and stamped with generated, so a rebuilt package is identical.
func Build(orgName string, r *Result, own Own, info Info, generated time.Time) ([]byte, error) {
	return BuildSearched(orgName, r, own, info, nil, generated)
}

// BuildSearched is Build for a case searched across the organisation's systems, with each
// extract given as uploaded (PartFile.Data) or stored in memory: the plan of NewPlan written by
// WriteZip into memory. The product streams instead (NewPlan when staff decide, WriteZip at
// download); this is the same package for a small one, whole.
func BuildSearched(orgName string, r *Result, own Own, info Info, s *Searches, generated time.Time) ([]byte, error) {
	p, open, err := planInMemory(orgName, r, own, info, s, generated)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := WriteZip(&buf, p, p.builtReader(), open); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// planInMemory is NewPlan with the extracts given as uploaded (PartFile.Data) prepared and kept
// in memory, and an Opener of them.
func planInMemory(orgName string, r *Result, own Own, info Info, s *Searches, generated time.Time) (*Plan, Opener, error) {
	stored := map[string]*PreparedExtract{}
	if s != nil {
		cp := *s
		cp.Systems = append([]SystemPart(nil), s.Systems...)
		for i := range cp.Systems {
			sys := &cp.Systems[i]
			sys.Files = append([]PartFile(nil), sys.Files...)
			for j := range sys.Files {
				f := &sys.Files[j]
				if f.Header != nil {
					continue
				}
				var prep *PreparedExtract
				switch f.Kind {
				case FormatJSON, FormatCSV:
					var err error
					if prep, err = PrepareExtract(f.Data, s.Lang, false); err != nil {
						return nil, nil, fmt.Errorf("%w: extract %s of %s: %v", ErrInvalid, f.Name, sys.Folder, err)
					}
				case "pdf":
					prep = PreparePDF(f.Data)
				default:
					return nil, nil, fmt.Errorf("%w: extract kind %q", ErrInvalid, f.Kind)
				}
				f.Kind, f.Key, f.Header = prep.Kind(), fmt.Sprintf("mem-%d-%d", i, j), &prep.Header
				stored[f.Key] = prep
			}
		}
		s = &cp
	}
	p, err := NewPlan(orgName, r, own, info, s, generated)
	if err != nil {
		return nil, nil, err
	}
	open := func(key string) (io.ReadCloser, error) {
		prep, ok := stored[key]
		if !ok {
			return nil, fmt.Errorf("accessresult: no extract %s", key)
		}
		var b bytes.Buffer
		if _, err := prep.WriteTo(&b); err != nil {
			return nil, err
		}
		return io.NopCloser(&b), nil
	}
	return p, open, nil
}

// ownEntries makes the files of a package other than the systems': Privacyloket's own records,
// staff's result file (r, when given), and the README's general part.
func ownEntries(orgName string, r *Result, own Own, info Info, searched bool, generated time.Time) ([]zipEntry, []byte, error) {
	orgName = strings.Join(strings.Fields(orgName), " ") // one line in the README
	switch {
	case orgName == "":
		return nil, nil, fmt.Errorf("%w: no organisation name", ErrInvalid)
	case own.Reference == "":
		return nil, nil, fmt.Errorf("%w: no reference", ErrInvalid)
	case generated.IsZero():
		return nil, nil, fmt.Errorf("%w: no generation time", ErrInvalid)
	case (r == nil && !searched) || r != nil && (r.JSON == nil || len(r.Columns) == 0 || len(r.Rows) == 0):
		return nil, nil, fmt.Errorf("%w: empty result", ErrInvalid)
	}
	ownJSON, err := marshal(normalise(own))
	if err != nil {
		return nil, nil, fmt.Errorf("accessresult: encode own records: %w", err)
	}
	ownCSV, err := writeCSV(ownTable(own))
	if err != nil {
		return nil, nil, fmt.Errorf("accessresult: write own CSV: %w", err)
	}
	files := []zipEntry{{FileOwnJSON, ownJSON}, {FileOwnCSV, ownCSV}}
	if r != nil {
		for i, row := range r.Rows {
			if len(row) != len(r.Columns) {
				return nil, nil, fmt.Errorf("%w: row %d has %d cells for %d columns", ErrInvalid, i+1, len(row), len(r.Columns))
			}
		}
		dataJSON, err := marshal(r.JSON)
		if err != nil {
			return nil, nil, fmt.Errorf("accessresult: encode result: %w", err)
		}
		dataCSV, err := writeCSV(readableTable(r, own.Lang))
		if err != nil {
			return nil, nil, fmt.Errorf("accessresult: write result CSV: %w", err)
		}
		files = append(files, zipEntry{FileDataJ, dataJSON}, zipEntry{FileDataC, dataCSV})
	}
	return files, readme(orgName, own.Reference, generated, info, r != nil, searched), nil
}

// marshal writes indented JSON without HTML escaping: the file is read by
// people and programs, not embedded in a page.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// normalise writes empty lists as [] and {}, not null, so a reader sees
// "there are none" rather than "unknown".
func normalise(o Own) Own {
	if o.Requests == nil {
		o.Requests = []OwnRequest{}
	}
	if o.Letters == nil {
		o.Letters = []OwnLetter{}
	}
	if o.Events == nil {
		o.Events = []OwnEvent{}
	}
	if o.Subject == nil {
		o.Subject = map[string]string{}
	}
	return o
}

// writeCSV writes the CSV in the form every CSV of the product has (csvfile, docs/contract.md
// §3): UTF-8 with a byte-order mark, ';' between cells, CRLF, every cell made inert for
// spreadsheets, so that Dutch Excel opens it as columns.
func writeCSV(cols []string, rows [][]string) ([]byte, error) {
	var b bytes.Buffer
	w := csvfile.NewWriter(&b)
	if err := w.Write(cols); err != nil {
		return nil, err
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
