package accessresult

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode/utf8"
)

//go:embed readme.tmpl
var readmeText string

// readmeTmpl is parsed on the first package built, not at every function's start.
var readmeTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("readme").Option("missingkey=error").Parse(readmeText))
})

var (
	monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
		"augustus", "september", "oktober", "november", "december"}
	monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// readme renders README.txt with a BOM and CRLF line ends, so that every
// Windows text editor shows the accented letters and the line breaks.
func readme(org, reference string, generated time.Time, info Info, data, searched bool) []byte {
	t := generated.In(amsterdam)
	var b bytes.Buffer
	values := map[string]any{
		"Org":          org,
		"Reference":    reference,
		"PurposesNL":   wrap(info.Purposes.NL),
		"PurposesEN":   wrap(info.Purposes.EN),
		"CategoriesNL": wrap(info.Categories.NL),
		"CategoriesEN": wrap(info.Categories.EN),
		"RecipientsNL": wrap(info.Recipients.NL),
		"RecipientsEN": wrap(info.Recipients.EN),
		"RetentionNL":  wrap(info.Retention.NL),
		"RetentionEN":  wrap(info.Retention.EN),
		"SourceNL":     wrap(info.Source.NL),
		"SourceEN":     wrap(info.Source.EN),
		"AutomatedNL":  wrap(info.AutomatedDecisions.NL),
		"AutomatedEN":  wrap(info.AutomatedDecisions.EN),
		"Particular":   wrap(info.Particular),
		"DateNL":       fmt.Sprintf("%d %s %d om %s", t.Day(), monthsNL[t.Month()-1], t.Year(), t.Format("15:04")),
		"DateEN":       fmt.Sprintf("%d %s %d at %s (Dutch time)", t.Day(), monthsEN[t.Month()-1], t.Year(), t.Format("15:04")),
		// Whose data: "u"/"you" to the data subject, the person's name to a representative.
		"UNL": "u", "UwNL": "uw gegevens", "UEN": "you", "YourEN": "your data", "Subject": info.Subject,
		// What the package holds: staff's own result file (gegevens.*), the systems' parts.
		"Data": data, "Searched": searched,
	}
	if s := info.Subject; s != "" {
		values["UNL"], values["UwNL"], values["UEN"], values["YourEN"] = s, "de gegevens van "+s, s, "the data of "+s
	}
	err := readmeTmpl().Execute(&b, values)
	if err != nil {
		panic(err) // cannot happen: the template and its data are fixed here
	}
	out := append([]byte(nil), utf8BOM...)
	return append(out, bytes.ReplaceAll(b.Bytes(), []byte("\n"), []byte("\r\n"))...)
}

// wrap breaks text into lines of at most 72 characters, the README's width, keeping the line
// breaks it has (a list in a profile's text); an empty text stays empty.
func wrap(text string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if w := wrapLine(l); w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, "\n")
}

func wrapLine(text string) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > 72 {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}
