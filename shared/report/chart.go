package report

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// Chart is an inline SVG chart drawn on the server (no script) and the table of its numbers, to
// be shown beside it. The SVG is role="img" with the title as its aria-label and <title>/<desc>
// inside; every text in it is escaped, so it may be placed in a page as is.
type Chart struct {
	Title string
	Desc  string
	SVG   template.HTML
	Head  []string   // the table's column headers
	Rows  [][]string // the table's rows, in chart order
}

// figure shows a chart with its numbers in a table beside it. html/template escapes every cell;
// the SVG is already safe (template.HTML). Parsed on the first chart, not at every function's start.
var figure = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("figure").Parse(`<figure class="chart">{{.SVG}}` +
		`<table class="chart-data"><caption>{{.Title}}</caption>` +
		`<thead><tr>{{range .Head}}<th scope="col">{{.}}</th>{{end}}</tr></thead><tbody>` +
		`{{range .Rows}}<tr>{{range $i, $c := .}}{{if eq $i 0}}<th scope="row">{{$c}}</th>{{else}}<td>{{$c}}</td>{{end}}{{end}}</tr>{{end}}` +
		`</tbody></table></figure>`))
})

// Figure renders the chart and its table together, for a page that does not lay them out
// itself: <figure class="chart"> with the SVG and a <table class="chart-data"> captioned by the
// title.
func (c Chart) Figure() (template.HTML, error) {
	var b strings.Builder
	if err := figure().Execute(&b, c); err != nil {
		return "", fmt.Errorf("render chart %q: %w", c.Title, err)
	}
	return template.HTML(b.String()), nil
}

// Labels are a chart's texts, already in the reader's language.
type Labels struct {
	Title string // the chart's heading and accessible name
	Desc  string // one sentence saying what it shows
	X     string // header of the table's first column: the category or the week
	Y     string // header of the value column (bar chart) and name of the quantity
}

// Bar is one bar: its label (in the reader's language) and value.
type Bar struct {
	Label string
	Value int
}

// Series is one line of a line chart: its name and one value per point on the x axis.
type Series struct {
	Name   string
	Values []int
}

// Drawing constants: a 600-unit-wide viewBox that scales to its container.
const (
	chartWidth = 600
	barLineH   = 16 // one line of a category label
	barH       = 18
	barGap     = 10 // below a bar, before the next label
	labelRunes = 70 // a category label wraps after about this many characters
	maxLabel   = 28 // runes shown of an x-axis label of the line chart
	fontAttrs  = `font-family="sans-serif" font-size="13"`
	ink        = "#1a1a1a"
	barFill    = "#1f4e79"
)

// BarChart draws horizontal bars, one per category, each with its full label above it (wrapped,
// never cut) and its value written after it, so it reads without colour. Bars are proportional
// to the largest value.
func BarChart(l Labels, bars []Bar) Chart {
	labels := make([][]string, len(bars))
	h := 8
	for i, x := range bars {
		labels[i] = wrap(clean(x.Label), labelRunes)
		h += barLineH*len(labels[i]) + barH + barGap
	}
	var b strings.Builder
	open(&b, l, h)
	maxV := 0
	for _, x := range bars {
		maxV = max(maxV, x.Value)
	}
	const left = 2
	area := chartWidth - left - 60 // leave room for the value after the longest bar
	rows := make([][]string, 0, len(bars))
	y := 4
	for i, x := range bars {
		for _, line := range labels[i] {
			y += barLineH
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, left, y-3, ink, esc(line))
		}
		w := 0
		if maxV > 0 && x.Value > 0 {
			w = max(1, x.Value*area/maxV)
		}
		if w > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="%s"/>`, left, y+1, w, barH, barFill, ink)
		}
		// The axis the bar grows from, so that a zero still shows where it would start.
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, y, left, y+barH+2, ink)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%d</text>`, left+w+6, y+barH-3, ink, x.Value)
		y += barH + barGap
		rows = append(rows, []string{clean(x.Label), strconv.Itoa(x.Value)})
	}
	b.WriteString(`</svg>`)
	return Chart{Title: clean(l.Title), Desc: clean(l.Desc), SVG: template.HTML(b.String()), Head: []string{clean(l.X), clean(l.Y)}, Rows: rows}
}

// wrap splits s into lines of at most about n runes, at spaces; a word longer than n stays whole.
func wrap(s string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= n:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// lineStyles tell the series apart without colour: solid, dashed and dotted lines with round,
// square and diamond markers, named in a legend.
var lineStyles = []struct{ stroke, dash, marker string }{
	{"#1a1a1a", "", "circle"},
	{"#1f4e79", "8 4", "square"},
	{"#8a4b08", "2 3", "diamond"},
}

// maxPointLabels is how many points may carry their value as text before labels would collide;
// above it only the last point of each series that is not zero is labelled. A zero is never
// written at its point: the axis says it, and the table has every value.
const maxPointLabels = 14

// LineChart draws one line per series (at most three) over the x labels, with a y axis from 0,
// markers on every point, values written at the points when there are few, and a legend.
func LineChart(l Labels, x []string, series []Series) Chart {
	series = series[:min(len(series), len(lineStyles))]
	const (
		left, right, top = 48, chartWidth - 48, 28 // room for a centred date at either end
		plotH            = 180
		bottom           = top + plotH
	)
	h := bottom + 44 + 18*len(series)
	var b strings.Builder
	open(&b, l, h)
	maxV := 0
	for _, s := range series {
		for _, v := range s.Values {
			maxV = max(maxV, v)
		}
	}
	step := niceStep(maxV)
	topV := max(step, (maxV+step-1)/step*step)
	yOf := func(v int) int { return bottom - v*plotH/topV }
	xOf := func(i int) int {
		if len(x) < 2 {
			return (left + right) / 2
		}
		return left + i*(right-left)/(len(x)-1)
	}
	// Grid lines and y labels.
	for v := 0; v <= topV; v += step {
		y := yOf(v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#bbbbbb" stroke-width="1"/>`, left, y, right, y)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="%s">%d</text>`, left-6, y+4, ink, v)
	}
	// X labels: at most six, evenly spread, always the first and the last.
	for _, i := range spread(len(x), 6) {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="%s">%s</text>`, xOf(i), bottom+18, ink, esc(short(x[i])))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"/>`, left, bottom, right, bottom, ink)
	for si, s := range series {
		st := lineStyles[si]
		n := min(len(s.Values), len(x))
		var pts strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&pts, "%d,%d ", xOf(i), yOf(s.Values[i]))
		}
		dash := ""
		if st.dash != "" {
			dash = ` stroke-dasharray="` + st.dash + `"`
		}
		if n > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`,
				strings.TrimSpace(pts.String()), st.stroke, dash)
		}
		for i := 0; i < n; i++ {
			marker(&b, st.marker, st.stroke, xOf(i), yOf(s.Values[i]))
			if v := s.Values[i]; v != 0 && (nonZero(s.Values[:n]) <= maxPointLabels || i == lastNonZero(s.Values[:n])) {
				// Above the point for the first series, right of it for the second, left for the
				// third, so equal values do not print on top of each other.
				px, py, anchor := xOf(i), yOf(s.Values[i])-8, "middle"
				switch si {
				case 1:
					px, py, anchor = px+8, py+12, "start"
				case 2:
					px, py, anchor = px-8, py+12, "end"
				}
				fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="%s" fill="%s">%d</text>`, px, py, anchor, ink, s.Values[i])
			}
		}
		// Legend entry: a sample of the line with its marker, then the name.
		ly := bottom + 40 + 18*si
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>`, left, ly-4, left+36, ly-4, st.stroke, dash)
		marker(&b, st.marker, st.stroke, left+18, ly-4)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, left+44, ly, ink, esc(s.Name))
	}
	b.WriteString(`</svg>`)

	head := []string{clean(l.X)}
	for _, s := range series {
		head = append(head, clean(s.Name))
	}
	rows := make([][]string, len(x))
	for i, lab := range x {
		rows[i] = []string{clean(lab)}
		for _, s := range series {
			v := ""
			if i < len(s.Values) {
				v = strconv.Itoa(s.Values[i])
			}
			rows[i] = append(rows[i], v)
		}
	}
	return Chart{Title: clean(l.Title), Desc: clean(l.Desc), SVG: template.HTML(b.String()), Head: head, Rows: rows}
}

func nonZero(vs []int) int {
	n := 0
	for _, v := range vs {
		if v != 0 {
			n++
		}
	}
	return n
}

func lastNonZero(vs []int) int {
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i] != 0 {
			return i
		}
	}
	return -1
}

// open writes the svg element with its accessible name, title and description.
func open(b *strings.Builder, l Labels, h int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" %s>`,
		esc(l.Title), chartWidth, h, fontAttrs)
	fmt.Fprintf(b, `<title>%s</title><desc>%s</desc>`, esc(l.Title), esc(l.Desc))
}

func marker(b *strings.Builder, kind, stroke string, x, y int) {
	switch kind {
	case "square":
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="8" height="8" fill="%s"/>`, x-4, y-4, stroke)
	case "diamond":
		fmt.Fprintf(b, `<polygon points="%d,%d %d,%d %d,%d %d,%d" fill="%s"/>`, x, y-5, x+5, y, x, y+5, x-5, y, stroke)
	default:
		fmt.Fprintf(b, `<circle cx="%d" cy="%d" r="4" fill="%s"/>`, x, y, stroke)
	}
}

// spread returns up to m indices of 0..n-1, evenly spaced, with the first and the last.
func spread(n, m int) []int {
	if n <= m {
		m = n
	}
	if m <= 1 {
		return make([]int, m)
	}
	out := make([]int, m)
	for k := range out {
		out[k] = (k*(n-1) + (m-1)/2) / (m - 1)
	}
	return out
}

// niceStep returns a grid step of 1, 2 or 5 times a power of ten that splits 0..maxV into at
// most about five intervals.
func niceStep(maxV int) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if s := m * p; s*5 >= maxV {
				return s
			}
		}
	}
}

// esc makes a text safe inside SVG in an HTML page and well-formed XML: markup characters are
// escaped and characters XML does not allow are dropped.
func esc(s string) string { return template.HTMLEscapeString(clean(s)) }

// clean drops what neither XML nor HTML text allows: control characters other than white space,
// non-characters, invalid UTF-8.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// short cuts a label that would not fit, marking the cut with an ellipsis.
func short(s string) string {
	if utf8.RuneCountInString(s) <= maxLabel {
		return s
	}
	return string([]rune(s)[:maxLabel-1]) + "…"
}

// Label turns a catalogue key into text in the reader's language, e.g.
// func(k string) string { return i18n.T(lang, k) }.
type Label func(key string) string

// ReceivedBars is received per type, in form order, labelled by the keys "type.<type>".
func (r Report) ReceivedBars(label Label) []Bar {
	return bars(request.Types, "type.", r.Received, label)
}

// DecidedBars is decided per outcome, labelled by the keys "outcome.<outcome>".
func (r Report) DecidedBars(label Label) []Bar {
	return bars(request.Outcomes, "outcome.", r.Decided, label)
}

// GroundBars is refusals per ground, labelled by the keys "ground.<ground>".
func (r Report) GroundBars(label Label) []Bar {
	return bars(request.Grounds, "ground.", r.RefusedByGround, label)
}

func bars[K ~string](keys []K, prefix string, counts map[K]int, label Label) []Bar {
	out := make([]Bar, len(keys))
	for i, k := range keys {
		out[i] = Bar{Label: label(prefix + string(k)), Value: counts[k]}
	}
	return out
}

// WeekLines returns, for LineChart, the weeks of the period (labelled by their first day as day
// writes it, "2 nov."; YYYY-MM-DD when day is nil) and two series: requests received and
// decisions made per week, named as given.
func (r Report) WeekLines(receivedName, decidedName string, day func(civil.Date) string) ([]string, []Series) {
	if day == nil {
		day = civil.Date.String
	}
	x := make([]string, len(r.Weeks))
	rec := Series{Name: receivedName, Values: make([]int, len(r.Weeks))}
	dec := Series{Name: decidedName, Values: make([]int, len(r.Weeks))}
	for i, w := range r.Weeks {
		x[i], rec.Values[i], dec.Values[i] = day(w.Start), w.Received, w.Decided
	}
	return x, []Series{rec, dec}
}
