// Package web is the HTTP toolkit every function shares: one renderer for pages and JSON, the
// view models the pages show (form_view.go, staff_view.go), one body decoder for JSON,
// URL-encoded and multipart bodies with limits (decode.go), dates and times as the reader reads
// them (format.go), strict security headers, the client's address and language, and the stable
// error answers of docs/contract.md §3.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/privacyloket/privacyloket/shared/request"
)

//go:embed templates/*.html templates/style.css
var files embed.FS

// Renderer writes pages and JSON.
type Renderer struct {
	pages  map[string]func() (*template.Template, error)
	style  template.CSS
	csp    string
	logger *slog.Logger
	org    string
	// contact is shown on the pages a requester may get stuck on (SetContact); nil for none.
	contact *Contact
}

// NewRenderer lists the page templates; each is parsed once per instance, on its first use
// (sync.OnceValues), so a function's first answer parses only the page it shows. org is the organisation's name
// (the profile's), shown on every page so a tenant sees whose desk this is.
func NewRenderer(logger *slog.Logger, org string) (*Renderer, error) {
	if logger == nil {
		return nil, fmt.Errorf("web: logger is required")
	}
	css, err := files.ReadFile("templates/style.css")
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(css)
	r := &Renderer{
		style:  template.CSS(css),
		logger: logger,
		org:    org,
		// No script at all; the one inline stylesheet is allowed by its hash.
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	r.pages = make(map[string]func() (*template.Template, error), len(names))
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") { // "_x.html": a part pages include
			continue
		}
		r.pages[base] = sync.OnceValues(func() (*template.Template, error) { return parsePage(n) })
	}
	return r, nil
}

// parsePage parses one page template (file, e.g. "templates/status.html") with the layout.
func parsePage(file string) (*template.Template, error) {
	t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/_*.html", file)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", file, err)
	}
	return t, nil
}

// parseAll parses every page template now; a test calls it so that a broken page fails the
// build's tests instead of its first request.
func (r *Renderer) parseAll() error {
	for _, page := range r.pages {
		if _, err := page(); err != nil {
			return err
		}
	}
	return nil
}

var funcs = template.FuncMap{"join": strings.Join}

// SecurityHeaders sets the headers every answer carries.
func (r *Renderer) SecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", r.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// Links carry tokens: never leak them to another site through the Referer header.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	h.Set("Cache-Control", "no-store")
}

// Page is what every page template receives.
type Page struct {
	Lang  string
	Title string
	Org   string // the organisation whose desk this is
	Style template.CSS
	Data  any
	// Path is the page's own function path, for the language switch.
	Path string
	// Switch is the language switch's link: this page with the same query (e.g. the token) in
	// the other language; a query-only URL, so it can never lead elsewhere.
	Switch template.URL
	// Contact is the organisation's contact details (Renderer.SetContact); nil for none.
	Contact *Contact
}

// T translates key into the page's language.
func (p Page) T(key string) string { return T(p.Lang, key) }

// HTML renders page name with data.
func (r *Renderer) HTML(w http.ResponseWriter, req *http.Request, code int, name, lang string, data any) {
	page, ok := r.pages[name]
	if !ok {
		r.logger.Error("unknown page", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	t, err := page()
	if err != nil {
		r.logger.Error("parse page failed", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p := Page{Lang: lang, Title: T(lang, name+".title"), Org: r.org, Style: r.style, Data: data, Path: req.URL.Path,
		Contact: r.contact}
	q := req.URL.Query()
	q.Del("lang")
	if code == http.StatusForbidden {
		q.Del("token") // a page that refused a link does not hand it on
	}
	q.Set("lang", T(lang, "other.code"))
	p.Switch = template.URL("?" + q.Encode()) // q.Encode escapes every value
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		r.logger.Error("render page failed", "page", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	r.SecurityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// JSON renders v.
func (r *Renderer) JSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		r.logger.Error("encode json failed", "error", err)
		code, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	r.SecurityHeaders(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// FieldError is one entry of the {"errors": [...]} answer.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors gives every field error its message in lang.
func FieldErrors(fs []request.FieldError, lang string) []FieldError {
	out := make([]FieldError, len(fs))
	for i, f := range fs {
		out[i] = FieldError{Field: f.Field, Message: f.Message(lang)}
	}
	return out
}

// Invalid answers 400 naming every invalid field: {"errors": [...]} or the message page.
func (r *Renderer) Invalid(w http.ResponseWriter, req *http.Request, lang string, fields []FieldError) {
	if WantsJSON(req) {
		r.JSON(w, http.StatusBadRequest, map[string]any{"errors": fields})
		return
	}
	r.Problem(w, req, http.StatusBadRequest, lang, "err.invalid", fields)
}

// Problem answers an error: JSON {"error", "errors"?} or the message page. msgKey is a key of
// the message table; the caller never sees internal causes.
func (r *Renderer) Problem(w http.ResponseWriter, req *http.Request, code int, lang, msgKey string, fields []FieldError) {
	if WantsJSON(req) {
		body := map[string]any{"error": T(lang, msgKey)}
		if reason, ok := strings.CutPrefix(msgKey, "err.conflict."); ok {
			body["reason"] = reason // the code docs/contract.md names for this 409 (searches_open, …)
		}
		if fields != nil {
			body["errors"] = fields
		}
		r.JSON(w, code, body)
		return
	}
	heading := T(lang, msgKey+".heading")
	if heading == msgKey+".heading" {
		heading = T(lang, "err.conflict.heading")
	}
	r.HTML(w, req, code, "message", lang, map[string]any{"Heading": heading, "Text": T(lang, msgKey), "Fields": fields,
		"Back": backLink(req, code)})
}

// backLink is the page a refused form post (400, 409) came from: the same function opened with
// the token the form carried, so that a reader on a phone gets back without the browser's
// button. Empty for anything else, and for a token that did not work (403).
func backLink(req *http.Request, code int) string {
	if req.Method != http.MethodPost || (code != http.StatusBadRequest && code != http.StatusConflict) {
		return ""
	}
	if strings.HasSuffix(req.URL.Path, "/StaffDesk") {
		// The desk works from its session cookie: back is the desk itself.
		if Lang(req) == "en" {
			return req.URL.Path + "?lang=en"
		}
		return req.URL.Path
	}
	tok := req.PostForm.Get("token")
	if tok == "" && req.MultipartForm != nil && len(req.MultipartForm.Value["token"]) > 0 {
		tok = req.MultipartForm.Value["token"][0]
	}
	if tok == "" {
		return ""
	}
	q := url.Values{"token": {tok}}
	if Lang(req) == "en" {
		q.Set("lang", "en")
	}
	return req.URL.Path + "?" + q.Encode()
}

// WantsJSON reports whether the client asked for JSON (docs/contract.md §3).
func WantsJSON(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		if mt == "application/json" {
			return true
		}
	}
	return false
}

// Lang is "en" when the request asks for English (lang=en in the query or form), else "nl".
func Lang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "nl"
}

// SameOrigin refuses cross-site form posts: a browser sends Origin (or Sec-Fetch-Site) on every
// POST, and a form on another site must not act with a token it somehow holds.
func SameOrigin(r *http.Request) bool {
	// Sec-Fetch-Site is set by every current browser and cannot be forged by a page.
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" {
		return site == "same-origin" || site == "none"
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		// Not a browser (or a very old one): the token in the body is the guard.
		return true
	}
	if origin == "null" {
		// An opaque origin: a sandboxed frame, a data: or file: page, a cross-site redirect.
		// Only a browser sends it, and never for a form on this site.
		return false
	}
	host := r.Host
	if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" {
		host = fwd
	}
	o := strings.TrimPrefix(strings.TrimPrefix(origin, "https://"), "http://")
	return strings.EqualFold(o, host)
}

// referenceAlphabet is the alphabet of case references (app.NewReference): Crockford's base32
// without I, L, O and U.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// IsReference reports whether s has the form of a case reference, "PL-7K3M-Q9XD". A page that
// shows a reference taken from its URL shows only this, never arbitrary text.
func IsReference(s string) bool {
	if len(s) != len("PL-XXXX-XXXX") || !strings.HasPrefix(s, "PL-") || s[7] != '-' {
		return false
	}
	for i, c := range s[3:] {
		if i == 4 {
			continue
		}
		if !strings.ContainsRune(referenceAlphabet, c) {
			return false
		}
	}
	return true
}
