package devmailbox

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// v3Mail is the part of SendGrid's v3 mail/send body that the mailbox reads.
type v3Mail struct {
	From             *v3Address          `json:"from"`
	Subject          string              `json:"subject"`
	Personalizations []v3Personalization `json:"personalizations"`
	Content          []v3Content         `json:"content"`
	Categories       []string            `json:"categories"`
	CustomArgs       map[string]string   `json:"custom_args"`
	Attachments      []v3Attachment      `json:"attachments"`
	TemplateID       string              `json:"template_id"`
}

type v3Personalization struct {
	To         []v3Address       `json:"to"`
	Cc         []v3Address       `json:"cc"`
	Bcc        []v3Address       `json:"bcc"`
	Subject    string            `json:"subject"`
	CustomArgs map[string]string `json:"custom_args"`
}

type v3Address struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

type v3Content struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type v3Attachment struct {
	Content  string `json:"content"`
	Filename string `json:"filename"`
	Type     string `json:"type"`
}

// maxBody is SendGrid's own limit for one mail/send call.
const maxBody = 30 << 20

// apiError is one entry of SendGrid's error body, so the product's adapter reads the mailbox's
// refusals exactly as it would read SendGrid's.
type apiError struct {
	Message string  `json:"message"`
	Field   *string `json:"field"`
}

func writeErrors(w http.ResponseWriter, code int, errs ...apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string][]apiError{"errors": errs})
}

func fieldErr(field, msg string) apiError { return apiError{Message: msg, Field: &field} }

// send is POST /v3/mail/send. Like SendGrid it answers 202 with an empty body, 401 without a
// bearer key and 400 naming what is missing, so mistakes show up locally, not in production.
func (m *Mailbox) send(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if key, ok := strings.CutPrefix(auth, "Bearer "); !ok || strings.TrimSpace(key) == "" {
		writeErrors(w, http.StatusUnauthorized, apiError{Message: "The provided authorization grant is invalid, expired, or revoked"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	var v v3Mail
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeErrors(w, http.StatusRequestEntityTooLarge, apiError{Message: "The JSON payload is too large"})
			return
		}
		writeErrors(w, http.StatusBadRequest, apiError{Message: "Bad Request: the body is not valid JSON"})
		return
	}
	msgs, errs := v.messages()
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs...)
		return
	}
	now := m.now()
	for i := range msgs {
		msgs[i].Received = now
	}
	m.add(msgs)
	w.WriteHeader(http.StatusAccepted)
}

// messages validates the body the way SendGrid does (every problem at once) and turns each
// personalization into one Message.
func (v v3Mail) messages() ([]Message, []apiError) {
	var errs []apiError
	if v.From == nil || strings.TrimSpace(v.From.Email) == "" {
		errs = append(errs, fieldErr("from.email", "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter."))
	}
	if len(v.Personalizations) == 0 {
		errs = append(errs, fieldErr("personalizations", "The personalizations field is required and must have at least one personalization."))
	}
	for _, p := range v.Personalizations {
		if len(p.To) == 0 || strings.TrimSpace(p.To[0].Email) == "" {
			errs = append(errs, fieldErr("personalizations.0.to", "The to array is required for all personalization objects, and must have at least one email object with a valid email address."))
			break
		}
	}
	if v.TemplateID == "" {
		if v.Subject == "" {
			missing := len(v.Personalizations) == 0
			for _, p := range v.Personalizations {
				missing = missing || p.Subject == ""
			}
			if missing {
				errs = append(errs, fieldErr("subject", "The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined."))
			}
		}
		hasContent := false
		for _, c := range v.Content {
			hasContent = hasContent || c.Value != ""
		}
		if !hasContent {
			errs = append(errs, fieldErr("content", "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block."))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}

	base := Message{From: v.From.Email, Subject: v.Subject, Categories: v.Categories}
	for _, c := range v.Content {
		switch strings.ToLower(c.Type) {
		case "text/plain":
			base.Text = c.Value
		case "text/html":
			base.HTML = c.Value
		}
	}
	for _, a := range v.Attachments {
		// Decoding only to learn the size; the content itself is not kept.
		n := base64.StdEncoding.DecodedLen(len(a.Content))
		if b, err := base64.StdEncoding.DecodeString(a.Content); err == nil {
			n = len(b)
		}
		base.Attachments = append(base.Attachments, Attachment{Filename: a.Filename, Type: a.Type, Size: n})
	}
	msgs := make([]Message, 0, len(v.Personalizations))
	for _, p := range v.Personalizations {
		msg := base
		if p.Subject != "" {
			msg.Subject = p.Subject
		}
		msg.To, msg.Cc, msg.Bcc = emails(p.To), emails(p.Cc), emails(p.Bcc)
		// SendGrid merges the mail's custom_args with the personalization's, which win.
		msg.CustomArgs = map[string]string{}
		for k, a := range v.CustomArgs {
			msg.CustomArgs[k] = a
		}
		for k, a := range p.CustomArgs {
			msg.CustomArgs[k] = a
		}
		msg.Categories = append([]string(nil), v.Categories...)
		msgs = append(msgs, msg)
	}
	return msgs, nil
}

func emails(as []v3Address) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Email)
	}
	return out
}
