package config

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sethvargo/go-envconfig"
)

func key(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func TestLoad(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"GOOGLE_CLOUD_PROJECT": "demo-x", "PUBLIC_BASE_URL": "http://127.0.0.1:8080",
		"SENDGRID_API_KEY": "SG.x", "LINK_SIGNING_KEY": key(32), "ID_ENCRYPTION_KEY": key(32),
		"STAFF_EMAILS": "a@corp.test, b@corp.test", "RATE_LIMIT_PER_IP": "0",
	}
	c, err := LoadFrom(context.Background(), envconfig.MapLookuper(ok))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Staff(), ","); got != "a@corp.test,b@corp.test" {
		t.Errorf("Staff = %q", got)
	}
	if c.RateLimitPerIP == nil || *c.RateLimitPerIP != 0 || c.RateLimitPerMail != nil {
		t.Errorf("rate limits: %v %v (0 must mean off, unset must mean the profile's)", c.RateLimitPerIP, c.RateLimitPerMail)
	}
	if c.OrgProfile != "vallei-wonen" || c.SendGridHost != "https://api.sendgrid.com" {
		t.Errorf("defaults: %q %q", c.OrgProfile, c.SendGridHost)
	}
}

// Every bad variable is named at once.
func TestValidateNamesEveryProblem(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"PUBLIC_BASE_URL": "not a url", "LINK_SIGNING_KEY": key(16), "ID_ENCRYPTION_KEY": "%%%",
		"STAFF_EMAILS": "nobody", "RATE_LIMIT_PER_EMAIL": "-1",
	}
	_, err := LoadFrom(context.Background(), envconfig.MapLookuper(bad))
	if err == nil {
		t.Fatal("no error")
	}
	for _, name := range []string{"GOOGLE_CLOUD_PROJECT", "PUBLIC_BASE_URL", "LINK_SIGNING_KEY", "ID_ENCRYPTION_KEY", "STAFF_EMAILS", "SENDGRID_API_KEY", "RATE_LIMIT_PER_EMAIL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
	if strings.Contains(err.Error(), key(16)) {
		t.Error("the error echoes a secret")
	}
}

// A deployed function needs only its own secrets.
func TestSecretsPerFunction(t *testing.T) {
	t.Parallel()
	env := map[string]string{"GOOGLE_CLOUD_PROJECT": "p", "PUBLIC_BASE_URL": "https://x.test", "FUNCTION_TARGET": "ConfirmRequest", "LINK_SIGNING_KEY": key(32)}
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env)); err != nil {
		t.Errorf("ConfirmRequest without SendGrid or ID key: %v", err)
	}
	env["FUNCTION_TARGET"] = "SendMail"
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env)); err == nil || !strings.Contains(err.Error(), "SENDGRID_API_KEY") {
		t.Errorf("SendMail without SendGrid key: %v", err)
	}
}
