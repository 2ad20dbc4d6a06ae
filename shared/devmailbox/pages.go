package devmailbox

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// csp allows no script at all. Styles must be 'unsafe-inline' rather than hashed: the letter's
// HTML part is shown in a srcdoc iframe, which inherits this policy, and letters style their
// elements with style attributes, which no hash can allow.
const csp = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; " +
	"form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// linkRE finds absolute links in a text part; trailing punctuation is trimmed in linkify.
var linkRE = regexp.MustCompile(`https?://[^\s<>"']+`)

// linkify escapes text and turns every absolute http(s) URL in it into a link.
func linkify(text string) template.HTML {
	var b strings.Builder
	last := 0
	for _, loc := range linkRE.FindAllStringIndex(text, -1) {
		u := strings.TrimRight(text[loc[0]:loc[1]], ".,;:!?)]")
		end := loc[0] + len(u)
		b.WriteString(template.HTMLEscapeString(text[last:loc[0]]))
		esc := template.HTMLEscapeString(u)
		b.WriteString(`<a href="` + esc + `">` + esc + `</a>`)
		last = end
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// letterDoc prepares a letter's HTML part for srcdoc: a <base target="_blank"> makes its links
// open in a new, unsandboxed tab (the iframe allows popups to escape the sandbox), so a person
// can press the letter's buttons as in a real mail client.
func letterDoc(html string) string {
	const base = `<base target="_blank">`
	lower := strings.ToLower(html)
	if i := strings.Index(lower, "<head>"); i >= 0 {
		i += len("<head>")
		return html[:i] + base + html[i:]
	}
	return base + html
}

const style = `
body{font-family:system-ui,Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;margin:0 auto;padding:16px;max-width:72rem}
a{color:#1d4f91}
a:focus{outline:3px solid #ffbf47;outline-offset:2px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:8px;border-bottom:1px solid #ccc}
caption{text-align:left;font-weight:bold;padding:8px 0}
.kind{font-family:ui-monospace,monospace;white-space:nowrap}
.muted{color:#555}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}
dt{font-weight:bold}
dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f5f5;padding:12px;border:1px solid #ccc}
iframe{box-sizing:border-box;width:100%;height:70vh;border:1px solid #ccc;background:#fff}
td{overflow-wrap:anywhere}
@media (max-width:40rem){th:nth-child(1),td:nth-child(1){display:none}th,td{padding:6px 4px}.kind{white-space:normal}}
`

var pages = template.Must(template.New("layout").Funcs(template.FuncMap{
	"join":    strings.Join,
	"linkify": linkify,
	"doc":     letterDoc,
	"time":    func(m Message) string { return m.Received.Local().Format("2006-01-02 15:04:05") },
}).Parse(`{{define "layout"}}<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
{{if .Refresh}}<meta http-equiv="refresh" content="5">{{end}}
<title>{{.Title}} · Privacyloket local mailbox</title>
<style>` + style + `</style>
</head>
<body>
<main>
{{template "content" .}}
</main>
</body>
</html>{{end}}

{{define "list"}}{{template "layout" .}}{{end}}
{{define "message"}}{{template "layout" .}}{{end}}
`))

var listPage = template.Must(template.Must(pages.Clone()).Parse(`{{define "content"}}
<h1>Lokale mailbox <span class="muted">/ Local mailbox</span></h1>
<p>Every e-mail the product sends while scripts/dev runs lands here, not in a real inbox. This page refreshes every 5 seconds; it keeps the last {{.Limit}} messages.</p>
{{if .Messages}}
<table>
<caption>{{len .Messages}} message{{if ne (len .Messages) 1}}s{{end}}, newest first</caption>
<thead><tr><th scope="col">Received</th><th scope="col">Kind</th><th scope="col">To</th><th scope="col">Subject</th></tr></thead>
<tbody>
{{range .Messages}}<tr><td>{{time .}}</td><td class="kind">{{.Kind}}</td><td>{{join .To ", "}}</td><td><a href="/m/{{.ID}}">{{if .Subject}}{{.Subject}}{{else}}(no subject){{end}}</a></td></tr>
{{end}}</tbody>
</table>
{{else}}
<p><strong>Nog geen e-mail. <span lang="en">No e-mail yet.</span></strong></p>
{{end}}
{{end}}`))

var messagePage = template.Must(template.Must(pages.Clone()).Parse(`{{define "content"}}
{{$m := .Message}}
<p><a href="/">← All messages</a></p>
<h1>{{$m.Subject}}</h1>
<dl>
<dt>Kind</dt><dd class="kind">{{$m.Kind}}</dd>
<dt>From</dt><dd>{{$m.From}}</dd>
<dt>To</dt><dd>{{join $m.To ", "}}</dd>
{{with $m.Cc}}<dt>Cc</dt><dd>{{join . ", "}}</dd>{{end}}
{{with $m.Bcc}}<dt>Bcc</dt><dd>{{join . ", "}}</dd>{{end}}
<dt>Received</dt><dd>{{time $m}}</dd>
<dt>Categories</dt><dd>{{join $m.Categories ", "}}</dd>
{{range .Args}}<dt>custom_args.{{.Key}}</dt><dd>{{.Value}}</dd>
{{end}}{{range $m.Attachments}}<dt>Attachment</dt><dd>{{.Filename}} ({{.Type}}, {{.Size}} bytes)</dd>
{{end}}</dl>
<h2>Text</h2>
{{if $m.Text}}<pre>{{linkify $m.Text}}</pre>{{else}}<p>(no text part)</p>{{end}}
<h2>HTML</h2>
{{if $m.HTML}}<iframe title="HTML part of the e-mail" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" srcdoc="{{doc $m.HTML}}"></iframe>{{else}}<p>(no HTML part)</p>{{end}}
{{end}}`))

type listView struct {
	Title    string
	Refresh  bool
	Limit    int
	Messages []Message
}

type arg struct{ Key, Value string }

type messageView struct {
	Title   string
	Refresh bool
	Message Message
	Args    []arg
}

func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func render(w http.ResponseWriter, t *template.Template, name string, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "devmailbox: "+err.Error(), http.StatusInternalServerError)
		return
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}

// list is GET /: every message, newest first.
func (m *Mailbox) list(w http.ResponseWriter, r *http.Request) {
	render(w, listPage, "list", listView{Title: "Mailbox", Refresh: true, Limit: m.limit, Messages: m.Messages()})
}

// show is GET /m/{id}: one message.
func (m *Mailbox) show(w http.ResponseWriter, r *http.Request) {
	msg, ok := m.Message(r.PathValue("id"))
	if !ok {
		securityHeaders(w)
		http.Error(w, "No such message; the mailbox keeps only the most recent ones.", http.StatusNotFound)
		return
	}
	var args []arg
	for k, v := range msg.CustomArgs {
		args = append(args, arg{k, v})
	}
	sort.Slice(args, func(i, j int) bool { return args[i].Key < args[j].Key })
	render(w, messagePage, "message", messageView{Title: msg.Subject, Message: msg, Args: args})
}

// api is GET /api/messages: the same list as JSON, for tests and scripts.
func (m *Mailbox) api(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(m.Messages())
}
