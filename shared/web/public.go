package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/policy"
)

// Contact is how a requester reaches the organisation without a computer, shown on the pages a
// requester may get stuck on: the status page, the thank-you page, a link that does not work,
// an upload that arrived.
type Contact struct {
	Phone            string
	Postal, Visiting []string
	Website          string
}

// ContactOf is the organisation's contact details from its profile; nil when it has none.
func ContactOf(o policy.Organisation) *Contact {
	c := &Contact{Phone: o.Phone, Postal: o.PostalAddress, Visiting: o.VisitingAddress, Website: o.Website}
	if c.Phone == "" && len(c.Postal) == 0 && len(c.Visiting) == 0 && c.Website == "" {
		return nil
	}
	return c
}

// SetContact gives every page the organisation's contact details. Call it once, before the
// renderer serves.
func (r *Renderer) SetContact(c *Contact) { r.contact = c }

// staffPages are the functions only staff (or a system owner, or an approver) use: their
// pages do not show the requester's contact block.
var staffPages = []string{"/StaffDesk", "/StaffCase", "/SearchTask", "/ApproveDecision"}

// Public reports whether the page is one a requester (or the public) sees.
func (p Page) Public() bool {
	for _, s := range staffPages {
		if strings.HasSuffix(p.Path, s) {
			return false
		}
	}
	return true
}

// sentCookie keeps, for the thank-you page only, the reference and the address the
// confirmation e-mail went to, so that the page can show the address (a typing error shows at
// once) without putting it in a URL, where it would reach logs and history.
const sentCookie = "pl_sent"

// SentCookie is the cookie that tells the thank-you page of case ref where the e-mail went: for
// 15 minutes, only to /RequestForm, never to a script, never with a request another site starts.
func SentCookie(ref, email string, secure bool) *http.Cookie {
	return &http.Cookie{Name: sentCookie, Value: url.QueryEscape(ref + " " + email), Path: "/RequestForm", MaxAge: 15 * 60,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}

// ThanksPage is the thank-you page after a submission: the reference and, while the
// submitting browser still holds SentCookie for that reference, the address the e-mail went to.
type ThanksPage struct {
	Reference, Email string
}

// NewThanksPage is the thank-you page as request req (?submitted=REFERENCE) sees it.
func NewThanksPage(req *http.Request) ThanksPage {
	// Only a reference is shown as "your reference": the query is anyone's to write.
	ref := req.URL.Query().Get("submitted")
	if !IsReference(ref) {
		ref = ""
	}
	p := ThanksPage{Reference: ref}
	c, err := req.Cookie(sentCookie)
	if err != nil || ref == "" {
		return p
	}
	v, err := url.QueryUnescape(c.Value)
	if err != nil {
		return p
	}
	if r, email, ok := strings.Cut(v, " "); ok && r == ref && strings.Contains(email, "@") && !strings.ContainsAny(email, " \r\n") {
		p.Email = email
	}
	return p
}

// Tel is the phone number as a tel: link, digits only ("tel:0880023200").
func (c Contact) Tel() template.URL {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, c.Phone)
	return template.URL("tel:" + digits)
}

// Site is the website without its scheme, as people write it: "www.de-alliantie.nl".
func (c Contact) Site() string {
	s := strings.TrimPrefix(strings.TrimPrefix(c.Website, "https://"), "http://")
	return strings.TrimSuffix(s, "/")
}

// DownloadPage is the page before an access package is downloaded: the reference, until when
// it can be fetched, and what the ZIP holds, by file and by system, never the data in it.
type DownloadPage struct {
	Token, Reference, Until string
	Files                   []DownloadFile
	Systems                 []DownloadSystem
}

// DownloadFile is one file of the package, with what it is for the reader.
type DownloadFile struct{ Name, About string }

// DownloadSystem is one system searched, with the files it added to the package.
type DownloadSystem struct {
	Name  string
	Files []string
}

// NewDownloadPage describes the package listed in c (nil: the list could not be read, and the
// page shows only the button).
func NewDownloadPage(lang, token, reference, until string, c *accessresult.Contents) DownloadPage {
	p := DownloadPage{Token: token, Reference: reference, Until: until}
	if c == nil {
		return p
	}
	// What to open first comes first; the files for programs last.
	order := []string{accessresult.FileOverview, accessresult.FileReadme, accessresult.FileDataC, accessresult.FileOwnCSV,
		accessresult.FileManifest, accessresult.FileDataJ, accessresult.FileOwnJSON}
	files := slices.Clone(c.Files)
	slices.SortStableFunc(files, func(a, b string) int {
		ia, ib := slices.Index(order, a), slices.Index(order, b)
		if ia < 0 {
			ia = len(order)
		}
		if ib < 0 {
			ib = len(order)
		}
		return ia - ib
	})
	for _, f := range files {
		p.Files = append(p.Files, DownloadFile{Name: f, About: Optional(lang, "download.file."+f)})
	}
	for _, s := range c.Systems {
		p.Systems = append(p.Systems, DownloadSystem{Name: s.Name, Files: s.Files})
	}
	return p
}
