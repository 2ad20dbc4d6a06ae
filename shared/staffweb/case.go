// Package staffweb is the staff's side of the product over HTTP: a case's page (its views, the
// ID copy, the export, the input of an action), which functions/staffcase serves, and the
// privacy desk (sign-in by e-mail link, the session cookie, the overview, the report, letters to
// print, intake, sign-out), which functions/staffdesk serves (docs/contract.md §3). The
// functions decode, pick the view or action and answer; what a view or action takes is here.
package staffweb

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/fnkit"
	"github.com/privacyloket/privacyloket/shared/fnlist"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// MaxCaseBody admits one access result file with its form fields.
const MaxCaseBody = accessresult.MaxResultSize + 256<<10

// CasePost is a staff action on a case as posted: the token, the action and its fields.
type CasePost struct {
	Token                 string   `json:"token"`
	Action                string   `json:"action"`
	Method                string   `json:"method"`
	DocumentType          string   `json:"documentType"`
	RepresentationChecked bool     `json:"representationChecked"`
	Reason                string   `json:"reason"`
	How                   string   `json:"how"`
	Note                  string   `json:"note"`
	Explanation           string   `json:"explanation"`
	Outcome               string   `json:"outcome"`
	Motivation            string   `json:"motivation"`
	Ground                string   `json:"ground"`
	Evidence              string   `json:"evidence"`
	Fee                   string   `json:"fee"`
	FeeBasis              string   `json:"feeBasis"`
	Recipients            []string `json:"recipients"`
	// RecipientAddresses: the decide form's "recipientAddresses.<name>" fields, one for each
	// recipient the register names without an address.
	RecipientAddresses map[string]string `json:"recipientAddresses"`
	RecipientsNote     string            `json:"recipientsNote"`
	CorrectionSummary  string            `json:"correctionSummary"`
	NoRecipients       bool              `json:"noRecipients"`
	TransferConfirmed  bool              `json:"transferConfirmed"`
	AccessInfo         string            `json:"accessInfo"`
	ThirdPartyName     string            `json:"thirdPartyName"`
	ThirdPartyEmail    string            `json:"thirdPartyEmail"`
	ThirdPartyAddress  string            `json:"thirdPartyAddress"`
	Answer             string            `json:"answer"`
	Comment            string            `json:"comment"`
	ResultFile         string            `json:"resultFile"` // JSON clients send the file inline
	// add_search, waive_search
	System     string `json:"system"`
	SystemName string `json:"systemName"`
	OwnerEmail string `json:"ownerEmail"`
	// assign, note
	To   string `json:"to"`
	Text string `json:"text"`
}

// Input is the action p asks for, with the access result file from body (a form's file part,
// or the JSON client's inline text), at most accessresult.MaxResultSize.
func (p CasePost) Input(body *web.Body) (app.StaffInput, error) {
	in := app.StaffInput{Action: request.Action(p.Action), Method: request.VerificationMethod(p.Method), DocumentType: request.DocumentType(p.DocumentType),
		RepresentationChecked: p.RepresentationChecked, NoRecipients: p.NoRecipients, TransferConfirmed: p.TransferConfirmed, AccessInfo: p.AccessInfo, Reason: p.Reason, How: p.How, Note: p.Note,
		Explanation: p.Explanation, Outcome: request.Outcome(p.Outcome), Motivation: p.Motivation, Ground: request.Ground(p.Ground), Evidence: p.Evidence, Fee: p.Fee, FeeBasis: p.FeeBasis,
		Recipients: splitList(p.Recipients), RecipientAddresses: p.RecipientAddresses, RecipientsNote: p.RecipientsNote, CorrectionSummary: p.CorrectionSummary,
		ThirdPartyName: p.ThirdPartyName, ThirdPartyEmail: p.ThirdPartyEmail,
		ThirdPartyAddress: p.ThirdPartyAddress, ThirdPartyAnswer: p.Answer, Comment: p.Comment,
		Search:   app.SearchInput{System: p.System, SystemName: p.SystemName, OwnerEmail: strings.ToLower(strings.TrimSpace(p.OwnerEmail))},
		AssignTo: p.To, NoteText: p.Text}
	file, err := body.File("resultFile", accessresult.MaxResultSize)
	if err != nil {
		return in, err
	}
	if in.ResultFile = file; file == nil && p.ResultFile != "" {
		in.ResultFile = []byte(p.ResultFile)
	}
	if len(in.ResultFile) > accessresult.MaxResultSize {
		return in, &web.BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"}
	}
	return in, nil
}

// splitList accepts recipients as repeated fields (the decide form's ticked boxes) or one field
// with one per line: e-mail addresses (several on a line apart by commas or spaces), the name
// of an organisation of the register, which holds no "@" and is kept whole, or such a name with
// an address, "Name <address>", also kept whole.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' || r == ';' }) {
			if line = strings.TrimSpace(line); !strings.Contains(line, "@") || strings.HasSuffix(line, ">") {
				if line != "" {
					out = append(out, line)
				}
				continue
			}
			for _, part := range strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
				out = append(out, strings.ToLower(part))
			}
		}
	}
	return out
}

// Case is a case's page for one staff member, opened by a StaffCase link.
type Case struct{ *fnkit.Kit }

// Verify checks a StaffCase token, and that its holder has not signed out everywhere since it
// was issued; on failure it has answered 403. The rest (the holder still on the list, the
// case's link generation) is checked against the case by the use case.
func (c Case) Verify(w http.ResponseWriter, r *http.Request, tok, lang string) (linktoken.Claims, bool) {
	return verifyHolder(c.Kit, w, r, tok, linktoken.Staff, lang)
}

// verifyHolder checks a personal staff token of purpose p, and that its holder has not signed
// out everywhere since it was issued (docs/contract.md §3 "sign_out_everywhere"); on failure it
// has answered 403.
func verifyHolder(k *fnkit.Kit, w http.ResponseWriter, r *http.Request, tok string, p linktoken.Purpose, lang string) (linktoken.Claims, bool) {
	claims, ok := k.Verify(w, r, tok, p, lang)
	if !ok {
		return claims, false
	}
	if err := k.App.Desk.CheckSignOut(r.Context(), claims.Subject, claims.IssuedAt()); err != nil {
		if errors.Is(err, app.ErrLinkRevoked) {
			k.Log.WarnContext(r.Context(), "link refused", "purpose", string(p), "reason", "holder signed out everywhere since")
		}
		k.Fail(w, r, lang, claims.Reference, err)
		return claims, false
	}
	return claims, true
}

// Page answers the case's page with status code, and the problems of a refused action.
func (c Case) Page(w http.ResponseWriter, r *http.Request, code int, tok string, claims linktoken.Claims, lang string, errs []web.FieldError) {
	c.page(w, r, code, tok, claims, lang, errs, nil)
}

// page is Page with the refused action's form filled in again as posted (nil: as offered).
func (c Case) page(w http.ResponseWriter, r *http.Request, code int, tok string, claims linktoken.Claims, lang string, errs []web.FieldError, posted *web.Posted) {
	v, err := c.App.Casework.StaffPage(r.Context(), claims.Reference, app.LinkOf(claims))
	if err != nil {
		c.Fail(w, r, lang, claims.Reference, err)
		return
	}
	if web.WantsJSON(r) {
		c.Web.JSON(w, code, web.StaffCaseJSON(v))
		return
	}
	copyURL := "/" + fnlist.StaffCase.Name + "?" + url.Values{"view": {"idcopy"}, "token": {tok}}.Encode()
	page := web.NewStaffPage(lang, claims.Subject, tok, copyURL, v, errs)
	if posted != nil {
		page.Keep(lang, *posted)
	}
	if r.Method == http.MethodGet {
		// After an action the redirect names it (Acted): the page says what just happened.
		page.SetDone(lang, r.URL.Query().Get("done"))
	}
	c.Web.HTML(w, r, code, "staff_case", lang, page)
}

// acted answers a JSON client what an action made of the case.
type acted struct {
	fnkit.CaseState
	Extended bool   `json:"extended"`
	DueDate  string `json:"dueDate,omitempty"`
}

// Acted answers an action on the case, done or refused by the use case (err): a refused form
// comes back with its problems, a done one redirects to the page again (post/redirect/get).
func (c Case) Acted(w http.ResponseWriter, r *http.Request, lang, tok string, claims linktoken.Claims, action request.Action, cs *request.Case, err error) {
	switch errs := fnkit.FormErrors(r, err, lang); {
	case errs != nil:
		c.page(w, r, http.StatusBadRequest, tok, claims, lang, errs, postedForm(r))
	case err != nil:
		c.Fail(w, r, lang, claims.Reference, err)
	case web.WantsJSON(r):
		out := acted{CaseState: fnkit.CaseState{Reference: cs.Reference, Status: cs.Status}, Extended: cs.Extended}
		if !cs.DueDate.IsZero() {
			out.DueDate = cs.DueDate.String()
		}
		code := http.StatusOK
		if action == request.ActDecide && cs.Status == request.AwaitingApproval {
			code = http.StatusAccepted // four eyes: drafted, no letter yet (docs/contract.md §3)
		}
		c.Web.JSON(w, code, out)
	case action == request.ActRevokeLinks:
		// Every link issued before now has stopped working, this page's own included; the
		// staff member who revoked them (still on the list: checked by the use case) goes on
		// with a fresh one in the new generation.
		fresh, err := Token(c.Kit, cs.Reference, cs.LinkGeneration, cs.DueDate, claims.Subject)
		if err != nil {
			c.Fail(w, r, lang, claims.Reference, err)
			return
		}
		c.Redirect(w, r, fnlist.StaffCase.Name, doneQuery(fresh, action))
	default:
		c.Redirect(w, r, fnlist.StaffCase.Name, doneQuery(tok, action))
	}
}

// postedForm is the form r posted, as its body was decoded (web.Decode parses a form's fields,
// multipart ones too, into r.PostForm): what staff entered, to show again after a refusal.
func postedForm(r *http.Request) *web.Posted {
	p := &web.Posted{Action: r.PostForm.Get("action"), Values: r.PostForm}
	if r.MultipartForm != nil {
		for name, files := range r.MultipartForm.File {
			if len(files) > 0 && files[0].Filename != "" {
				p.Files = append(p.Files, name)
			}
		}
	}
	return p
}

// doneQuery is the page's query after action: its token first, then what was done.
func doneQuery(tok string, action request.Action) string {
	return "token=" + url.QueryEscape(tok) + "&done=" + url.QueryEscape(string(action))
}

// Export is the case's whole timeline for an auditor, by the case's own link: JSON, or CSV
// with format=csv; the desk's view=export gives the same.
func (c Case) Export(w http.ResponseWriter, r *http.Request, claims linktoken.Claims, lang, format string) {
	if format != "" && format != "json" && format != "csv" {
		c.Fail(w, r, lang, claims.Reference, fnkit.Invalid("format"))
		return
	}
	x, err := c.App.Desk.ExportCaseFor(r.Context(), claims.Reference, app.LinkOf(claims))
	if err != nil {
		c.Fail(w, r, lang, claims.Reference, err)
		return
	}
	exportDownload(c.Kit, w, r, lang, claims.Reference, format, x)
}

// IDCopy shows the decrypted copy to the staff member, never cached, never stored.
func (c Case) IDCopy(w http.ResponseWriter, r *http.Request, claims linktoken.Claims, lang string) {
	data, kind, err := c.App.Casework.IDCopy(r.Context(), claims.Reference, app.LinkOf(claims))
	if err != nil {
		c.Fail(w, r, lang, claims.Reference, err)
		return
	}
	switch idcheck.Kind(kind) {
	case idcheck.KindJPEG, idcheck.KindPNG, idcheck.KindPDF:
	default:
		c.Fail(w, r, lang, claims.Reference, errors.New("unexpected ID copy kind"))
		return
	}
	c.Log.InfoContext(r.Context(), "ID copy viewed", "reference", claims.Reference)
	c.Web.SecurityHeaders(w)
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", "inline")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox")
	w.Header().Set("Expires", time.Unix(0, 0).UTC().Format(http.TimeFormat))
	w.Write(data)
}

// Token mints a StaffCase token for case ref, due on due, for staff in link generation gen;
// it lives as long as a StaffCase link in a letter (app.App.StaffCaseLinkDays) and says
// when it was made (signing out everywhere ends it).
func Token(k *fnkit.Kit, ref string, gen int, due civil.Date, staff string) (string, error) {
	now := k.App.Now()
	return k.App.SignLink(linktoken.Claims{Purpose: linktoken.Staff, Reference: ref, Subject: staff, Generation: gen,
		Expires: now.Add(time.Duration(k.App.StaffCaseLinkDays(due, now)) * 24 * time.Hour).Unix(), Issued: now.UnixMilli()})
}

// LinkToken is the posted token (fnkit.Tokened).
func (p CasePost) LinkToken() string { return p.Token }
