package accessresult

import (
	"bytes"
	_ "embed"
	"fmt"
	"text/template"
	"time"
)

//go:embed readme.tmpl
var readmeText string

var readmeTmpl = template.Must(template.New("readme").Option("missingkey=error").Parse(readmeText))

var (
	monthsNL = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
		"augustus", "september", "oktober", "november", "december"}
	monthsEN = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// readme renders README.txt with a BOM and CRLF line ends, so that every
// Windows text editor shows the accented letters and the line breaks.
func readme(org, reference string, generated time.Time) []byte {
	t := generated.In(amsterdam)
	var b bytes.Buffer
	err := readmeTmpl.Execute(&b, map[string]string{
		"Org":       org,
		"Reference": reference,
		"DateNL":    fmt.Sprintf("%d %s %d om %s", t.Day(), monthsNL[t.Month()-1], t.Year(), t.Format("15:04")),
		"DateEN":    fmt.Sprintf("%d %s %d at %s (Dutch time)", t.Day(), monthsEN[t.Month()-1], t.Year(), t.Format("15:04")),
	})
	if err != nil {
		panic(err) // cannot happen: the template and its data are fixed here
	}
	out := append([]byte(nil), utf8BOM...)
	return append(out, bytes.ReplaceAll(b.Bytes(), []byte("\n"), []byte("\r\n"))...)
}
