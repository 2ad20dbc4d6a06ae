package functions

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/accessresult"
	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"github.com/privacyloket/privacyloket/shared/linktoken"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/web"
)

// StaffCase is one staff member's page for one case (GET) and the actions on it (POST). The
// link is personal (one staff address), scoped to one case, and expires per profile.
func (h *Handlers) StaffCase(w http.ResponseWriter, r *http.Request) {
	// Staff pages are Dutch unless asked otherwise; staff read them in their own language.
	lang := web.Lang(r)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		tok := r.URL.Query().Get("token")
		claims, ok := h.verify(w, r, tok, linktoken.Staff, lang)
		if !ok {
			return
		}
		if r.URL.Query().Get("view") == "idcopy" {
			h.serveIDCopy(w, r, claims, lang)
			return
		}
		h.staffPage(w, r, http.StatusOK, tok, claims, lang, nil)
	case http.MethodPost:
		p, ok := h.readPost(w, r, lang, maxStaffBody)
		if !ok {
			return
		}
		tok := p.Get("token")
		claims, ok := h.verify(w, r, tok, linktoken.Staff, lang)
		if !ok {
			return
		}
		var err error
		in := app.StaffInput{Action: request.Action(p.Get("action")), DocumentType: p.Get("documentType"),
			Reason: p.Get("reason"), Explanation: p.Get("explanation"),
			Outcome: p.Get("outcome"), Motivation: p.Get("motivation"), Ground: p.Get("ground"),
			Recipients: splitList(p.Values["recipients"]), RecipientsNote: p.Get("recipientsNote"),
			CorrectionSummary: p.Get("correctionSummary"),
			ThirdPartyName:    p.Get("thirdPartyName"), ThirdPartyEmail: p.Get("thirdPartyEmail")}
		if in.ResultFile, err = p.file("resultFile", accessresult.MaxResultSize); err != nil {
			h.web.Problem(w, r, http.StatusBadRequest, lang, "err.invalid", nil)
			return
		}
		if in.ResultFile == nil && p.Get("resultFile") != "" {
			in.ResultFile = []byte(p.Get("resultFile")) // JSON clients send the file inline
		}
		if len(in.ResultFile) > accessresult.MaxResultSize {
			h.web.Problem(w, r, http.StatusRequestEntityTooLarge, lang, "err.too_large", nil)
			return
		}
		c, err := h.svc.StaffAct(r.Context(), claims.Reference, claims.Subject, in)
		var verr *app.ValidationError
		if errors.As(err, &verr) {
			fields := webErrors(verr.Fields, lang)
			if web.WantsJSON(r) {
				h.web.JSON(w, http.StatusBadRequest, map[string]any{"errors": fields})
				return
			}
			h.staffPage(w, r, http.StatusBadRequest, tok, claims, lang, fields)
			return
		}
		if err != nil {
			h.fail(w, r, lang, claims.Reference, err)
			return
		}
		if web.WantsJSON(r) {
			out := map[string]any{"reference": c.Reference, "status": c.Status, "extended": c.Extended}
			if !c.DueDate.IsZero() {
				out["dueDate"] = c.DueDate.String()
			}
			h.web.JSON(w, http.StatusOK, out)
			return
		}
		// Post/redirect/get: a reload does not post the action again.
		h.web.SecurityHeaders(w)
		http.Redirect(w, r, "/"+NameStaffCase+"?token="+tok, http.StatusSeeOther)
	default:
		h.methodNotAllowed(w, r, "GET, HEAD, POST")
	}
}

// actionView is one form on the staff page.
type actionView struct {
	Name, Title, Help, Token, Req, Warning string
	Secondary, Multipart                   bool
	Fields                                 []actionField
}

type actionField struct {
	Name, Label, Kind, Error string
	Required                 bool
	Options                  []option
}

type option struct{ Value, Label string }

func (h *Handlers) staffPage(w http.ResponseWriter, r *http.Request, code int, tok string, claims linktoken.Claims, lang string, errs []web.FieldError) {
	v, err := h.svc.StaffCase(r.Context(), claims.Reference)
	if err != nil {
		h.fail(w, r, lang, claims.Reference, err)
		return
	}
	if web.WantsJSON(r) {
		c := v.Case
		out := map[string]any{"reference": c.Reference, "type": c.Type, "status": c.Status, "extended": c.Extended,
			"actions": v.Actions, "hasIdCopy": v.HasCopy, "letters": v.Letters, "events": v.Events}
		if !c.DueDate.IsZero() {
			out["dueDate"] = c.DueDate.String()
		}
		h.web.JSON(w, code, out)
		return
	}
	byField := map[string]string{}
	for _, e := range errs {
		byField[e.Field] = e.Message
	}
	t := func(k string) string { return web.T(lang, k) }
	var actions []actionView
	for _, a := range v.Actions {
		av := actionView{Name: string(a), Title: t("act." + string(a)), Help: web.Optional(lang, "help."+string(a)), Token: tok, Req: t("required")}
		field := func(name, kind string, required bool, opts ...option) actionField {
			return actionField{Name: name, Label: t("field." + name), Kind: kind, Required: required, Options: opts, Error: byField[name]}
		}
		switch a {
		case request.ActVerifyIdentity:
			var opts []option
			for _, d := range app.DocumentTypes {
				opts = append(opts, option{d, t("doc." + d)})
			}
			av.Fields = []actionField{field("documentType", "select", true, opts...)}
		case request.ActRejectIdentity:
			if !v.HasCopy {
				continue
			}
			av.Fields, av.Secondary = []actionField{field("reason", "textarea", true)}, true
		case request.ActRequestIdentity:
			if v.Case.Status == request.AwaitingIdentity && !v.HasCopy {
				continue // already asked
			}
			av.Fields, av.Secondary = []actionField{field("reason", "textarea", true)}, true
		case request.ActExtend:
			if v.Case.Extended || v.Case.Type == request.Complaint {
				continue
			}
			av.Fields, av.Secondary = []actionField{field("explanation", "textarea", true)}, true
		case request.ActWithdraw:
			av.Fields, av.Secondary = []actionField{field("reason", "textarea", false)}, true
		case request.ActConsult:
			av.Fields, av.Secondary = []actionField{field("thirdPartyName", "text", true), field("thirdPartyEmail", "email", true)}, true
		case request.ActDecide:
			av.Multipart = true
			outcomes := []option{}
			for _, o := range app.Outcomes {
				outcomes = append(outcomes, option{o, t("outcome." + o)})
			}
			grounds := []option{{"", t("ground.none")}}
			for _, g := range app.Grounds {
				grounds = append(grounds, option{g, t("ground." + g)})
			}
			av.Fields = []actionField{field("outcome", "select", true, outcomes...), field("motivation", "textarea", false),
				field("ground", "select", false, grounds...)}
			switch v.Case.Type {
			case request.Access:
				av.Fields = append(av.Fields, field("resultFile", "file", false))
			case request.Rectification, request.Erasure:
				av.Fields = append(av.Fields, field("recipients", "textarea", false), field("recipientsNote", "textarea", false),
					field("correctionSummary", "textarea", false))
			}
			if tp := v.Case.ThirdParty; tp != nil && tp.Mask {
				av.Warning = t("warn.mask")
			}
		default:
			continue
		}
		actions = append(actions, av)
	}
	c := v.Case
	data := map[string]any{
		"View": v, "Staff": claims.Subject, "Actions": actions,
		"Received": c.Received.String(), "BirthDate": c.Subject.BirthDate.String(), "DueDate": "",
	}
	if !c.DueDate.IsZero() {
		data["DueDate"] = c.DueDate.String()
	}
	if tp := c.ThirdParty; tp != nil {
		data["ThirdParty"] = tp
		data["ThirdPartyDue"] = tp.ObjectionDue.String()
		data["ConsultTooLate"] = app.ConsultationTooLate(c)
	}
	if d := c.Decision; d != nil {
		data["Decision"] = d
	}
	if v.HasCopy {
		data["CopyURL"] = "/" + NameStaffCase + "?view=idcopy&token=" + tok
		data["CopyIsImage"] = c.Identity.CopyKind != string(idcheck.KindPDF)
	}
	h.web.HTML(w, r, code, "staff_case", lang, data)
}

// maxStaffBody admits one access result file with its form fields.
const maxStaffBody = accessresult.MaxResultSize + 256<<10

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
	data, kind, err := h.svc.IDCopy(r.Context(), claims.Reference)
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
