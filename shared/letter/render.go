package letter

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io"
	"reflect"
	"strings"
	"sync"
	texttemplate "text/template"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// The templates are written once per kind and language, in a small markup that both
// text/template and html/template execute (see templates/nl/common.tmpl), so the text part
// and the HTML part of a letter cannot drift apart. html/template escapes every value.
//
//go:embed templates
var templateFS embed.FS

type pair struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// Each kind's templates are parsed when the first letter of that kind and language is
// written, not at start-up: most functions never write one, and parsing them all takes about
// 10 ms and 3.4 MB, which every cold start would pay (and the first letter too).
var (
	sets   = lazySets()
	layout = sync.OnceValue(func() *htmltemplate.Template {
		return htmltemplate.Must(htmltemplate.New("layout.html").ParseFS(templateFS, "templates/layout.html"))
	})
)

// lazySets makes, for every kind in every language, the function that parses its templates
// once. A broken template fails every test that renders that letter (TestGolden renders all).
func lazySets() map[string]map[Kind]func() pair {
	out := map[string]map[Kind]func() pair{}
	for _, lang := range languages {
		out[lang] = map[Kind]func() pair{}
		for _, k := range kinds {
			out[lang][k] = sync.OnceValue(func() pair { return mustParse(lang, k) })
		}
	}
	return out
}

// mustParse parses the templates of kind k in lang.
func mustParse(lang string, k Kind) pair {
	common := "templates/" + lang + "/common.tmpl"
	file := "templates/" + lang + "/" + string(k) + ".tmpl"
	parts := "templates/" + lang + "/*.part" // parts some letters include (casework.part)
	t := texttemplate.Must(texttemplate.New(string(k)).Funcs(funcs(lang, false)).ParseFS(templateFS, common, parts, file))
	h := htmltemplate.Must(htmltemplate.New(string(k)).Funcs(funcs(lang, true)).ParseFS(templateFS, common, parts, file))
	return pair{text: t, html: h}
}

// Inline styles: many mail clients drop <style> blocks. Colours keep a contrast of at least
// 7:1 against their background.
const (
	styleP      = "margin:0 0 16px 0"
	styleH2     = "margin:24px 0 8px 0;font-size:18px;line-height:1.3;color:#1a1a1a"
	styleUL     = "margin:0 0 16px 0;padding-left:24px"
	styleButton = "display:inline-block;padding:12px 20px;background-color:#1d4f91;color:#ffffff;font-weight:bold;text-decoration:none;border-radius:4px"
	styleSmall  = "margin:0 0 16px 0;font-size:14px;color:#444444"
)

func funcs(lang string, html bool) map[string]any {
	m := map[string]any{
		"date":       func(d civil.Date) string { return FormatDate(d, lang) },
		"typename":   func(t request.Type) string { return requestTypeWord(t, lang, 0) },
		"what":       func(t request.Type) string { return requestTypeWord(t, lang, 1) },
		"short":      func(t request.Type) string { return requestTypeWord(t, lang, 2) },
		"explain":    func(t request.Type) string { return requestTypeWord(t, lang, 3) },
		"explainrep": func(t request.Type) string { return requestTypeWord(t, lang, 4) },
		"ground":     func(g request.Ground) string { return GroundName(g, lang) },
		"capacity":   func(c request.Capacity) string { return capacityName(c, lang) },
		"status":     func(s request.Status) string { return statusName(s, lang) },
		"days":       func(n int) string { return count(n, lang, "day") },
		"weeks":      func(n int) string { return count(n, lang, "week") },
		"overdue":    daysOverdue,
		"neg":        func(n int) int { return -n },
		"a":          func(s string) string { return indefinite(s, lang) },
		"via":        func(c request.Channel) string { return phrase(lang, "mail.via."+string(c)) },
		"list":       func(items []string) string { return joinAnd(items, lang) },
	}
	// An action is one link, always a block of its own. In text it is written out on its own
	// line; in HTML it is one button, with the address written out below it.
	if html {
		fallback := phrase(lang, "mail.button_fallback")
		m["action"] = func(url, label string) htmltemplate.HTML {
			u, l := htmltemplate.HTMLEscapeString(url), htmltemplate.HTMLEscapeString(label)
			return htmltemplate.HTML("\n\n" +
				`<p style="margin:24px 0 8px 0"><a href="` + u + `" style="` + styleButton + `">` + l + "</a></p>\n" +
				`<p style="` + styleSmall + `">` + fallback + "<br />\n" +
				`<span style="word-break:break-all">` + u + "</span></p>\n\n")
		}
	} else {
		m["action"] = func(url, label string) string { return "\n\n" + label + ":\n" + url + "\n\n" }
	}
	return m
}

// Render writes the letter of kind in lang ("nl" or "en") from d. It refuses an unknown kind
// or language, and data that lacks what the kind must say (a *DataError naming every field).
func Render(kind Kind, lang string, d Data) (Message, error) {
	if !kind.Valid() {
		return Message{}, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	byKind, ok := sets[lang]
	if !ok {
		return Message{}, fmt.Errorf("%w: %q", ErrUnknownLanguage, lang)
	}
	if err := validate(kind, d); err != nil {
		return Message{}, err
	}
	d = asText(prepare(kind, d))
	p := byKind[kind]()

	var execErr error
	run := func(t executor, name string) string {
		var b strings.Builder
		if err := t.ExecuteTemplate(&b, name, d); err != nil && execErr == nil {
			execErr = fmt.Errorf("letter %s/%s: %s: %w", lang, kind, name, err)
		}
		return b.String()
	}
	msg := Message{
		Subject: strings.Join(strings.Fields(unmark(run(p.text, "subject"), " ")), " "),
		Text:    unmark(toText(run(p.text, "letter"))+"\n\n--\n"+toText(run(p.text, "footer"))+"\n", "\n"),
	}
	body, footer := unmark(toHTML(run(p.html, "letter")), "<br />"), unmark(toHTML(run(p.html, "footer")), "<br />")
	if execErr != nil {
		return Message{}, execErr
	}
	var page strings.Builder
	err := layout().Execute(&page, struct {
		Lang, Subject string
		Body, Footer  htmltemplate.HTML
	}{lang, msg.Subject, htmltemplate.HTML(body), htmltemplate.HTML(footer)})
	if err != nil {
		return Message{}, fmt.Errorf("letter %s/%s: layout: %w", lang, kind, err)
	}
	msg.HTML = page.String()
	return msg, nil
}

// executor is what text/template and html/template share.
type executor interface {
	ExecuteTemplate(w io.Writer, name string, data any) error
}

// prepare fills defaults and, for letters to outsiders, keeps only what they may read: a third
// party never learns who asked, a recipient organisation never learns why (docs/rules.md §4).
func prepare(kind Kind, d Data) Data {
	if d.EscalationWeeks == 0 {
		d.EscalationWeeks = DefaultEscalationWeeks
	}
	d.Colleague = kind.Audience() == ToStaff || kind.Audience() == ToPrivacyOfficer
	switch kind.Audience() {
	case ToThirdParty:
		return Data{
			Reference: d.Reference, Org: d.Org, RecipientName: d.RecipientName, RequestType: d.RequestType,
			Links:       map[string]string{LinkThirdParty: d.Links[LinkThirdParty]},
			LinksExpire: d.LinksExpire, ThirdParty: d.ThirdParty, EscalationWeeks: d.EscalationWeeks, ByPost: d.ByPost,
		}
	case ToRecipient:
		out := Data{
			Reference: d.Reference, Org: d.Org, RecipientName: d.RecipientName, RequestType: d.RequestType,
			Correction: d.Correction, Transfer: d.Transfer, EscalationWeeks: d.EscalationWeeks, ByPost: d.ByPost,
		}
		if kind == PortabilityTransfer {
			// The receiving organisation gets the data's download link and nothing else.
			out.Links, out.LinksExpire = map[string]string{LinkDownload: d.Links[LinkDownload]}, d.LinksExpire
		}
		return out
	}
	return d
}

// Values are text, never markup: a name or a reason cannot start a heading, a list item or a new
// paragraph. asText marks every string value before the templates run: it starts with
// valueStart (so a line that a value begins is never read as "## " or "- ") and its line
// breaks become valueBreak (so a value never ends the template's line). unmark removes the
// marks once the markup is read, and writes each valueBreak as a line break of the output.
const (
	valueStart = "\uE001"
	valueBreak = "\uE000"
)

var (
	stringType = reflect.TypeFor[string]()
	breaks     = strings.NewReplacer("\r\n", valueBreak, "\r", valueBreak, "\n", valueBreak,
		"\u2028", valueBreak, "\u2029", valueBreak, valueStart, "", valueBreak, "")
)

// mark makes one value text; the empty string stays empty, so that {{if}} and {{with}} hold.
func mark(v string) string {
	if v == "" {
		return ""
	}
	return valueStart + breaks.Replace(v)
}

func unmark(s, lineBreak string) string {
	return strings.NewReplacer(valueStart, "", valueBreak, lineBreak).Replace(s)
}

// asText returns a copy of d with every plain string value marked (see mark). Maps (the
// links) and typed strings (kinds, statuses, outcomes that templates compare) are left alone.
func asText(d Data) Data {
	return markValue(reflect.ValueOf(d)).Interface().(Data)
}

func markValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == stringType {
			return reflect.ValueOf(mark(v.String()))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			n := reflect.New(v.Type().Elem())
			n.Elem().Set(markValue(v.Elem()))
			return n
		}
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		n.Set(v)
		for i := range n.NumField() {
			if f := n.Field(i); f.CanSet() {
				f.Set(markValue(v.Field(i)))
			}
		}
		return n
	case reflect.Slice:
		if v.Type().Elem() == stringType && !v.IsNil() {
			n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			for i := range v.Len() {
				n.Index(i).Set(markValue(v.Index(i)))
			}
			return n
		}
	}
	return v
}

// block is one paragraph-level piece of a letter: consecutive non-blank lines, or one heading.
type block struct {
	heading string
	lines   []string
}

// blocks splits the markup into blocks, trimming every line. Blank lines that conditionals
// leave behind therefore never show.
func blocks(s string) []block {
	var out []block
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, block{lines: cur})
			cur = nil
		}
	}
	for l := range strings.SplitSeq(s, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
			flush()
		case strings.HasPrefix(l, "## "):
			flush()
			out = append(out, block{heading: strings.TrimSpace(l[3:])})
		default:
			cur = append(cur, l)
		}
	}
	flush()
	return out
}

// toText writes blocks as plain text: one blank line between blocks, headings as plain lines.
func toText(s string) string {
	parts := []string{}
	for _, b := range blocks(s) {
		if b.heading != "" {
			parts = append(parts, b.heading)
			continue
		}
		parts = append(parts, strings.Join(b.lines, "\n"))
	}
	return strings.Join(parts, "\n\n")
}

// toHTML writes blocks of already escaped text as HTML. A line that starts with "<" can only
// come from the action helper, since html/template escapes every "<" in values and the
// templates contain none: it is passed through as it is.
func toHTML(s string) string {
	var b strings.Builder
	for _, blk := range blocks(s) {
		if blk.heading != "" {
			b.WriteString(`<h2 style="` + styleH2 + `">` + blk.heading + "</h2>\n")
			continue
		}
		// Group the block's lines into runs of one sort: raw HTML, list items, or text.
		for i := 0; i < len(blk.lines); {
			j := i + 1
			sort := lineSort(blk.lines[i])
			for j < len(blk.lines) && lineSort(blk.lines[j]) == sort {
				j++
			}
			run := blk.lines[i:j]
			switch sort {
			case raw:
				b.WriteString(strings.Join(run, "\n") + "\n")
			case item:
				b.WriteString(`<ul style="` + styleUL + `">` + "\n")
				for _, l := range run {
					b.WriteString("<li>" + strings.TrimSpace(l[2:]) + "</li>\n")
				}
				b.WriteString("</ul>\n")
			default:
				b.WriteString(`<p style="` + styleP + `">` + strings.Join(run, "<br />\n") + "</p>\n")
			}
			i = j
		}
	}
	return b.String()
}

const (
	prose = iota
	item
	raw
)

func lineSort(l string) int {
	switch {
	case strings.HasPrefix(l, "<"):
		return raw
	case strings.HasPrefix(l, "- "):
		return item
	}
	return prose
}

// joinAnd lists items as a sentence does: "A", "A en B", "A, B en C" ("and" in English).
func joinAnd(items []string, lang string) string {
	and := " en "
	if lang == "en" {
		and = " and "
	}
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + and + items[len(items)-1]
}
