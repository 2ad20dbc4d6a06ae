// Package sendgridmail is the SendGrid adapter: it sends one e-mail through the v3 mail/send
// API with the categories and custom_args of docs/contract.md §5.
package sendgridmail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"

	"github.com/privacyloket/privacyloket/shared/app"
)

// Mailer implements app.Mailer.
type Mailer struct {
	key, host string
	client    *rest.Client
}

var _ app.Mailer = (*Mailer)(nil)

// DefaultTimeout bounds one call to SendGrid, connection and response body included.
// sendgrid-go's own default client has none, so a hanging API would hold a SendMail
// instance (and the Pub/Sub message) until the platform kills it.
const DefaultTimeout = 10 * time.Second

// Option changes how a Mailer talks to SendGrid.
type Option func(*Mailer)

// WithTimeout bounds each call to SendGrid to d instead of DefaultTimeout (d > 0).
func WithTimeout(d time.Duration) Option {
	return func(m *Mailer) {
		if d > 0 {
			m.client.HTTPClient.Timeout = d
		}
	}
}

// New needs the API key and the API's base URL (SENDGRID_API_HOST). Each call to SendGrid
// times out after DefaultTimeout unless WithTimeout says otherwise.
func New(key, host string, opts ...Option) (*Mailer, error) {
	if key == "" || host == "" {
		return nil, errors.New("sendgridmail: key and host are required")
	}
	m := &Mailer{key: key, host: strings.TrimRight(host, "/"),
		client: &rest.Client{HTTPClient: &http.Client{Timeout: DefaultTimeout}}}
	for _, o := range opts {
		o(m)
	}
	return m, nil
}

// Build returns the v3 request body for m.
func Build(m app.Mail) *mail.SGMailV3 {
	v := mail.NewV3Mail()
	v.SetFrom(mail.NewEmail(m.FromName, m.FromEmail))
	v.Subject = m.Subject
	p := mail.NewPersonalization()
	p.AddTos(mail.NewEmail("", m.To))
	v.AddPersonalizations(p)
	v.AddContent(mail.NewContent("text/plain", m.Text), mail.NewContent("text/html", m.HTML))
	v.AddCategories(m.Categories...)
	for k, a := range m.CustomArgs {
		v.SetCustomArg(k, a)
	}
	// Links carry tokens: click tracking would rewrite them through SendGrid's servers.
	v.SetTrackingSettings(&mail.TrackingSettings{ClickTracking: mail.NewClickTrackingSetting().SetEnable(false).SetEnableText(false)})
	return v
}

// Send implements app.Mailer. 429, 5xx and timeouts are transient; other 4xx are permanent.
func (s *Mailer) Send(ctx context.Context, m app.Mail) error {
	req := sendgrid.GetRequest(s.key, "/v3/mail/send", s.host)
	req.Method = http.MethodPost
	req.Body = mail.GetRequestBody(Build(m))
	resp, err := s.client.SendWithContext(ctx, req)
	if err != nil {
		var re *rest.RestError
		if errors.As(err, &re) && re.Response != nil {
			resp = re.Response
		} else {
			return fmt.Errorf("sendgrid: %w", err)
		}
	}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusTooManyRequests || code >= 500:
		return fmt.Errorf("sendgrid: status %d", code)
	default:
		return &app.PermanentError{Err: fmt.Errorf("sendgrid: status %d: %s", code, summary(resp.Body))}
	}
}

// summary keeps SendGrid's error messages (which name fields, not content) and drops the rest.
func summary(body string) string {
	var v struct {
		Errors []struct {
			Message string `json:"message"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &v) != nil || len(v.Errors) == 0 {
		return "no detail"
	}
	var parts []string
	for _, e := range v.Errors {
		parts = append(parts, strings.TrimSpace(e.Field+" "+e.Message))
	}
	return strings.Join(parts, "; ")
}
