package accessresult

import (
	"bytes"
	"fmt"
	"html/template"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/csvfile"
)

// The access package of a case searched across the organisation's systems (docs/contract.md §3
// "Search tasks"): besides README.txt and Privacyloket's own records, a readable overview
// (overzicht.html), a folder per system with its extracts, and MANIFEST.csv.

// Names of the entries a searched package adds.
const (
	FileOverview = "overzicht.html"
	FileManifest = "MANIFEST.csv"
)

// Searches is what the search across the systems adds to a package.
type Searches struct {
	// Lang is the requester's language ("nl" or "en"): the overview and the manifest are
	// written in it.
	Lang    string
	Systems []SystemPart
	// Consultations are the staff views of the case and its data (CJEU C-579/21): when and why,
	// never who.
	Consultations []Consultation
	// Masked says what was masked in the whole answer and why ("" for nothing).
	Masked Text
}

// SystemPart is one system's part of the answer.
type SystemPart struct {
	// Folder is the system's id: its folder in the package.
	Folder      string
	Name        Text
	Department  Text // the department that searched, never the person
	Holds       Text
	Retention   Text
	LegalGround Text
	Recipients  []Text
	// Result is the owner's answer ("found", "nothing_found", ...), or "waived" with Reason.
	Result     string
	Reason     string
	AnsweredAt time.Time
	Files      []PartFile
}

// PartFile is one extract of a system, as the owner uploaded it and PrepareExtract stored it:
// where it is stored (Key, for the Opener at download) and its header, read at decide. Data is
// the extract as uploaded, for a package built whole in memory (BuildSearched) instead.
type PartFile struct {
	Name   string
	Kind   string // "json", "csv" or "pdf"
	Key    string
	Header *ExtractHeader
	Data   []byte
	// Removed are the kinds of active content taken out of a PDF (request.Extract.Removed):
	// the manifest says so, as it says what was masked.
	Removed []string
}

// Consultation is one staff view of the case.
type Consultation struct {
	At      time.Time
	Purpose Text
}

type zipEntry struct {
	name string
	data []byte
}

// searchEntries writes the overview and the manifest, and lays out the systems' folders: each
// extract's files under their names in the package, to be copied from where they are stored.
func searchEntries(s *Searches) ([]zipEntry, []Item, []PlanSystem, error) {
	en := s.Lang == "en"
	pick := func(t Text) string {
		if en {
			return t.EN
		}
		return t.NL
	}
	var items []Item
	var systems []PlanSystem
	cols := []string{"systeem", "afdeling", "beantwoord", "resultaat", "bestanden", "afgeschermd"}
	if en {
		cols = []string{"system", "department", "answered", "result", "files", "masked"}
	}
	var rows [][]string
	files := map[string][]string{}     // a system's folder → its files in the package
	tables := map[string][]dataTable{} // a system's folder → the start of its data, for the overview
	for _, sys := range s.Systems {
		var names, removed []string
		for i, f := range sys.Files {
			for _, k := range f.Removed {
				if !slices.Contains(removed, k) {
					removed = append(removed, k)
				}
			}
			h := f.Header
			if h == nil || f.Key == "" || h.Files[0].Ext != f.Kind {
				return nil, nil, nil, fmt.Errorf("%w: extract %s of %s is not stored", ErrInvalid, f.Name, sys.Folder)
			}
			name := fmt.Sprintf("%02d-%s", i+1, path.Base(f.Name))
			stem := sys.Folder + "/" + strings.TrimSuffix(name, path.Ext(name)) + "."
			it := Item{Extract: f.Key}
			for _, sf := range h.Files {
				it.Names = append(it.Names, stem+sf.Ext)
				it.Sizes = append(it.Sizes, sf.Size)
			}
			if p := h.Preview; p != nil {
				tables[sys.Folder] = append(tables[sys.Folder], dataTable{File: it.Names[0], Full: it.Names[p.Table],
					Columns: p.Columns, Rows: p.Rows, Total: p.Total, Width: p.Width})
			}
			names = append(names, it.Names...)
			items = append(items, it)
		}
		answered := csvfile.DateTime(sys.AnsweredAt, readerLang(s.Lang))
		files[sys.Folder] = names
		result := resultWords(sys.Result, en, sys.Reason)
		rows = append(rows, []string{pick(sys.Name), pick(sys.Department), answered, result, strings.Join(names, " "), maskedWords(pick(s.Masked), removed, en)})
		systems = append(systems, PlanSystem{Folder: sys.Folder, Name: pick(sys.Name), Result: result, Files: names})
	}
	manifest, err := writeCSV(cols, rows)
	if err != nil {
		return nil, nil, nil, err
	}
	overview, err := overviewHTML(s, pick, en, files, tables)
	if err != nil {
		return nil, nil, nil, err
	}
	return []zipEntry{{FileManifest, manifest}, {FileOverview, overview}}, items, systems, nil
}

// removedWords name the kinds of active content taken out of a PDF extract, in nl and en.
var removedWords = map[string][2]string{
	"scripts":     {"scripts", "scripts"},
	"forms":       {"formulierfuncties", "form functions"},
	"attachments": {"bijlagen", "attachments"},
	"media":       {"media", "media"},
	"actions":     {"automatische acties", "automatic actions"},
	"links":       {"onveilige links", "unsafe links"},
}

// maskedWords is the manifest's "masked" cell of one system: what was masked in the answer,
// and what was taken out of its PDFs for safety (the data itself is all there).
func maskedWords(masked string, removed []string, en bool) string {
	if len(removed) == 0 {
		return masked
	}
	words := make([]string, len(removed))
	for i, k := range removed {
		w, ok := removedWords[k]
		if !ok {
			w = [2]string{k, k}
		}
		words[i] = w[0]
		if en {
			words[i] = w[1]
		}
	}
	out := "uit de PDF verwijderd voor de veiligheid: " + strings.Join(words, ", ")
	if en {
		out = "removed from the PDF for safety: " + strings.Join(words, ", ")
	}
	if masked != "" {
		out = masked + "; " + out
	}
	return out
}

func resultWords(r string, en bool, reason string) string {
	nl := map[string]string{"found": "gegevens gevonden", "nothing_found": "gezocht, niets gevonden", "held": "gegevens gevonden",
		"restricted": "gegevens gevonden, gebruik beperkt", "waived": "niet doorzocht", "open": "geen antwoord", "cancelled": "vervallen"}
	enw := map[string]string{"found": "data found", "nothing_found": "searched, nothing found", "held": "data found",
		"restricted": "data found, use restricted", "waived": "not searched", "open": "no answer", "cancelled": "cancelled"}
	w := nl[r]
	if en {
		w = enw[r]
	}
	if w == "" {
		w = r
	}
	if reason != "" {
		w += ": " + reason
	}
	return w
}

var overviewTmpl = template.Must(template.New("overview").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:48em;margin:1em auto;padding:0 .75em;line-height:1.5}
.table{overflow-x:auto}table{border-collapse:collapse;margin:.5em 0 1em}caption{text-align:left;font-weight:600}
th,td{text-align:left;vertical-align:top;padding:.3em .6em;border-bottom:1px solid #ccd;overflow-wrap:break-word}thead th{border-bottom:2px solid #889}</style></head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Intro}}</p>
{{range .Systems}}<h2>{{.Name}}</h2>
<p>{{.Holds}}</p>
<p><strong>{{$.L.Result}}:</strong> {{.Result}}</p>
{{range .Tables}}<div class="table"><table><caption>{{.File}}</caption>
<thead><tr>{{range .Columns}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table></div>
{{if gt .Total (len .Rows)}}<p class="more">{{printf $.L.More (len .Rows) .Total}} <a href="{{.Full}}">{{.Full}}</a></p>{{end}}
{{- if .Width}}<p class="more">{{printf $.L.MoreColumns (len .Columns) .Width}} <a href="{{.Full}}">{{.Full}}</a></p>{{end}}{{end}}
{{if .Files}}<ul>{{range .Files}}<li><a href="{{.}}">{{.}}</a></li>{{end}}</ul>{{end}}
<p><strong>{{$.L.Retention}}:</strong> {{.Retention}}</p>
<p><strong>{{$.L.Recipients}}:</strong> {{if .Recipients}}{{.Recipients}}{{else}}{{$.L.NoRecipients}}{{end}}</p>
{{end}}
<h2>{{.L.Consultations}}</h2>
{{if .Consultations}}<ul>{{range .Consultations}}<li>{{.}}</li>{{end}}</ul>{{else}}<p>{{.L.NoConsultations}}</p>{{end}}
</body></html>
`))

type overviewSystem struct {
	Name, Holds, Result, Retention, Recipients string
	Files                                      []string
	Tables                                     []dataTable
}

// dataTable is one extract's data as the overview shows it: the start of the readable table of
// its CSV (Full), which has Total rows and, when the overview leaves columns out, Width columns.
type dataTable struct {
	File, Full   string
	Columns      []string
	Rows         [][]string
	Total, Width int
}

func overviewHTML(s *Searches, pick func(Text) string, en bool, files map[string][]string, tables map[string][]dataTable) ([]byte, error) {
	l := map[string]string{"Result": "Wat wij vonden", "Retention": "Hoe lang wij het bewaren", "Recipients": "Aan wie wij het geven",
		"NoRecipients": "aan geen andere organisatie", "Consultations": "Wanneer medewerkers uw verzoek bekeken",
		"NoConsultations": "Geen.", "More": "Hierboven staan de eerste %d van de %d rijen. Alle rijen staan in",
		"MoreColumns": "Hierboven staan de eerste %d van de %d kolommen. Alle kolommen staan in"}
	title, intro := "Overzicht van uw gegevens", "Per systeem staat hieronder wat wij over u bewaren. De bestanden staan in de map met de naam van het systeem."
	if en {
		l = map[string]string{"Result": "What we found", "Retention": "How long we keep it", "Recipients": "Whom we give it to",
			"NoRecipients": "no other organisation", "Consultations": "When staff looked at your request", "NoConsultations": "None.",
			"More": "Above are the first %d of the %d rows. Every row is in", "MoreColumns": "Above are the first %d of the %d columns. Every column is in"}
		title, intro = "Overview of your data", "Below, per system, is what we keep about you. The files are in the folder named after the system."
	}
	data := struct {
		Lang, Title, Intro string
		L                  map[string]string
		Systems            []overviewSystem
		Consultations      []string
	}{Lang: map[bool]string{true: "en", false: "nl"}[en], Title: title, Intro: intro, L: l}
	for _, sys := range s.Systems {
		var rcpt []string
		for _, r := range sys.Recipients {
			rcpt = append(rcpt, pick(r))
		}
		o := overviewSystem{Name: pick(sys.Name), Holds: pick(sys.Holds), Result: resultWords(sys.Result, en, sys.Reason),
			Retention: pick(sys.Retention), Recipients: strings.Join(rcpt, ", "), Files: files[sys.Folder], Tables: tables[sys.Folder]}
		data.Systems = append(data.Systems, o)
	}
	for _, c := range s.Consultations {
		data.Consultations = append(data.Consultations, csvfile.DateTime(c.At, readerLang(s.Lang))+": "+pick(c.Purpose))
	}
	var b bytes.Buffer
	if err := overviewTmpl.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// searchReadme is the part of README.txt about the systems: each system's retention and actual
// recipients, and the consultation log (dates and purposes of staff views, no names), in Dutch
// and English, with CRLF line ends.
func searchReadme(s *Searches) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	for _, lang := range []string{"nl", "en"} {
		pick := func(t Text) string {
			if lang == "en" {
				return t.EN
			}
			return t.NL
		}
		if lang == "nl" {
			w("\nSYSTEMEN WAARIN UW GEGEVENS KUNNEN STAAN\n\n")
		} else {
			w("\nSYSTEMS THAT MAY HOLD YOUR DATA\n\n")
		}
		for _, sys := range s.Systems {
			var rcpt []string
			for _, r := range sys.Recipients {
				rcpt = append(rcpt, pick(r))
			}
			none := map[string]string{"nl": "geen andere organisatie", "en": "no other organisation"}[lang]
			if len(rcpt) > 0 {
				none = strings.Join(rcpt, ", ")
			}
			label := map[string][2]string{"nl": {"Bewaartermijn", "Ontvangers"}, "en": {"Retention", "Recipients"}}[lang]
			name := pick(sys.Name)
			if sys.Result == "waived" { // staff chose not to search it, and said why
				name = wrap(name + " (" + resultWords(sys.Result, lang == "en", sys.Reason) + ")")
			}
			w("%s\n%s\n%s\n\n", name, wrap(label[0]+": "+pick(sys.Retention)), wrap(label[1]+": "+none))
		}
		if lang == "nl" {
			w("WANNEER MEDEWERKERS UW VERZOEK BEKEKEN\n\n")
		} else {
			w("WHEN STAFF LOOKED AT YOUR REQUEST\n\n")
		}
		if len(s.Consultations) == 0 {
			w("-\n")
		}
		for _, c := range s.Consultations {
			w("%s  %s\n", c.At.In(amsterdam).Format("2006-01-02 15:04"), pick(c.Purpose))
		}
	}
	return []byte(strings.ReplaceAll(b.String(), "\n", "\r\n"))
}
