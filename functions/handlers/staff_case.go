package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// maxStaffBody admits one access result file with its form fields.
const maxStaffBody = accessresult.MaxResultSize + 256<<10

// staffPost is a staff action as posted: the token, the action and its fields.
type staffPost struct {
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
	RecipientsNote        string   `json:"recipientsNote"`
	CorrectionSummary     string   `json:"correctionSummary"`
	NoRecipients          bool     `json:"noRecipients"`
	TransferConfirmed     bool     `json:"transferConfirmed"`
	AccessInfo            string   `json:"accessInfo"`
	ThirdPartyName        string   `json:"thirdPartyName"`
	ThirdPartyEmail       string   `json:"thirdPartyEmail"`
	ThirdPartyAddress     string   `json:"thirdPartyAddress"`
	Answer                string   `json:"answer"`
	Comment               string   `json:"comment"`
	ResultFile            string   `json:"resultFile"` // JSON clients send the file inline
}

// StaffCase is one staff member's page for one case (GET), its ID copy (view=idcopy) and its
// timeline for an auditor (view=export, format=json or csv), and the actions on it (POST). The
// link is personal (one staff address), scoped to one case, and expires per profile; it opens
// that case and nothing else (no desk).
func (h *Handlers) StaffCase(w http.ResponseWriter, r *http.Request) {
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q := r.URL.Query()
		tok := q.Get("token")
		claims, ok := h.verifyStaff(w, r, tok, lang)
		if !ok {
			return
		}
		switch q.Get("view") {
		case "":
			h.staffPage(w, r, http.StatusOK, tok, claims, lang, nil)
		case "idcopy":
			h.serveIDCopy(w, r, claims, lang)
		case "export":
			h.staffExport(w, r, claims, lang, q.Get("format"))
		default:
			h.fail(w, r, lang, claims.Reference, &app.ValidationError{Fields: []request.FieldError{{Field: "view", Code: "invalid"}}})
		}
	case http.MethodPost:
		var p staffPost
		body, ok := h.decodeAll(w, r, lang, maxStaffBody, &p)
		if !ok {
			return
		}
		claims, ok := h.verifyStaff(w, r, p.Token, lang)
		if !ok {
			return
		}
		in := app.StaffInput{Action: request.Action(p.Action), Method: p.Method, DocumentType: p.DocumentType,
			RepresentationChecked: p.RepresentationChecked, NoRecipients: p.NoRecipients, TransferConfirmed: p.TransferConfirmed, AccessInfo: p.AccessInfo, Reason: p.Reason, How: p.How, Note: p.Note,
			Explanation: p.Explanation, Outcome: p.Outcome, Motivation: p.Motivation, Ground: p.Ground, Evidence: p.Evidence, Fee: p.Fee, FeeBasis: p.FeeBasis,
			Recipients: splitList(p.Recipients), RecipientsNote: p.RecipientsNote, CorrectionSummary: p.CorrectionSummary,
			ThirdPartyName: p.ThirdPartyName, ThirdPartyEmail: p.ThirdPartyEmail,
			ThirdPartyAddress: p.ThirdPartyAddress, ThirdPartyAnswer: p.Answer, Comment: p.Comment}
		file, err := body.File("resultFile", accessresult.MaxResultSize)
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		if in.ResultFile = file; file == nil && p.ResultFile != "" {
			in.ResultFile = []byte(p.ResultFile)
		}
		if len(in.ResultFile) > accessresult.MaxResultSize {
			h.fail(w, r, lang, claims.Reference, &web.BodyError{Status: http.StatusRequestEntityTooLarge, Key: "err.too_large"})
			return
		}
		c, err := h.svc.StaffAct(r.Context(), claims.Reference, app.LinkOf(claims), in)
		var verr *app.ValidationError
		switch {
		case errors.As(err, &verr) && !web.WantsJSON(r):
			h.staffPage(w, r, http.StatusBadRequest, p.Token, claims, lang, web.FieldErrors(verr.Fields, lang))
		case err != nil:
			h.fail(w, r, lang, claims.Reference, err)
		case web.WantsJSON(r):
			out := map[string]any{"reference": c.Reference, "status": c.Status, "extended": c.Extended}
			if !c.DueDate.IsZero() {
				out["dueDate"] = c.DueDate.String()
			}
			h.web.JSON(w, http.StatusOK, out)
		case in.Action == request.ActRevokeLinks:
			// Every link issued before now has stopped working, this page's own included; the
			// staff member who revoked them (still on the list: checked above) goes on with a
			// fresh one in the new generation.
			fresh, err := h.staffCaseToken(c.Reference, c.LinkGeneration, c.DueDate, claims.Subject)
			if err != nil {
				h.fail(w, r, lang, claims.Reference, err)
				return
			}
			h.redirect(w, r, NameStaffCase, url.Values{"token": {fresh}}.Encode())
		default:
			h.redirect(w, r, NameStaffCase, url.Values{"token": {p.Token}}.Encode())
		}
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

func (h *Handlers) staffPage(w http.ResponseWriter, r *http.Request, code int, tok string, claims linktoken.Claims, lang string, errs []web.FieldError) {
	v, err := h.svc.StaffPage(r.Context(), claims.Reference, app.LinkOf(claims))
	if err != nil {
		h.fail(w, r, lang, claims.Reference, err)
		return
	}
	if web.WantsJSON(r) {
		h.web.JSON(w, code, web.StaffCaseJSON(v))
		return
	}
	copyURL := "/" + NameStaffCase + "?" + url.Values{"view": {"idcopy"}, "token": {tok}}.Encode()
	h.web.HTML(w, r, code, "staff_case", lang, web.NewStaffPage(lang, claims.Subject, tok, copyURL, v, errs))
}

// verifyStaff checks a StaffCase token, and that its holder has not signed out everywhere since
// it was issued; on failure it has answered 403. The rest (the holder still on the list, the
// case's link generation) is checked against the case by the use case.
func (h *Handlers) verifyStaff(w http.ResponseWriter, r *http.Request, tok, lang string) (linktoken.Claims, bool) {
	claims, ok := h.verify(w, r, tok, linktoken.Staff, lang)
	if !ok {
		return claims, false
	}
	if err := h.svc.CheckSignOut(r.Context(), claims.Subject, claims.IssuedAt()); err != nil {
		if errors.Is(err, app.ErrLinkRevoked) {
			h.log.WarnContext(r.Context(), "link refused", "purpose", string(linktoken.Staff), "reason", "holder signed out everywhere since")
		}
		h.fail(w, r, lang, claims.Reference, err)
		return claims, false
	}
	return claims, true
}

// staffExport is the case's whole timeline for an auditor, by the case's own link: JSON, or
// CSV with format=csv; the desk's view=export gives the same.
func (h *Handlers) staffExport(w http.ResponseWriter, r *http.Request, claims linktoken.Claims, lang, format string) {
	if format != "" && format != "json" && format != "csv" {
		h.fail(w, r, lang, claims.Reference, &app.ValidationError{Fields: []request.FieldError{{Field: "format", Code: "invalid"}}})
		return
	}
	x, err := h.svc.ExportCaseFor(r.Context(), claims.Reference, app.LinkOf(claims))
	if err != nil {
		h.fail(w, r, lang, claims.Reference, err)
		return
	}
	h.exportDownload(w, r, lang, claims.Reference, format, x)
}

// splitList accepts recipients as repeated fields or one field with commas or new lines.
func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ';' || r == ' ' }) {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, strings.ToLower(part))
			}
		}
	}
	return out
}

// serveIDCopy shows the decrypted copy to the staff member, never cached, never stored.
func (h *Handlers) serveIDCopy(w http.ResponseWriter, r *http.Request, claims linktoken.Claims, lang string) {
	data, kind, err := h.svc.IDCopy(r.Context(), claims.Reference, app.LinkOf(claims))
	if err != nil {
		h.fail(w, r, lang, claims.Reference, err)
		return
	}
	switch idcheck.Kind(kind) {
	case idcheck.KindJPEG, idcheck.KindPNG, idcheck.KindPDF:
	default:
		h.fail(w, r, lang, claims.Reference, errors.New("unexpected ID copy kind"))
		return
	}
	h.log.InfoContext(r.Context(), "ID copy viewed", "reference", claims.Reference)
	h.web.SecurityHeaders(w)
	w.Header().Set("Content-Type", kind)
	w.Header().Set("Content-Disposition", "inline")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; plugin-types application/pdf; sandbox")
	w.Header().Set("Expires", time.Unix(0, 0).UTC().Format(http.TimeFormat))
	w.Write(data)
}
