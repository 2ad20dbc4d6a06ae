package config

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/sethvargo/go-envconfig"

	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// every is every secret a function may require.
var every = []string{fnlist.SecretSendGridKey, fnlist.SecretLinkSigningKey, fnlist.SecretIDEncryptionKey}

func key(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }

func TestLoad(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"GOOGLE_CLOUD_PROJECT": "demo-x", "PUBLIC_BASE_URL": "http://127.0.0.1:8080",
		"SENDGRID_API_KEY": "SG.x", "LINK_SIGNING_KEY": key(32), "ID_ENCRYPTION_KEY": key(32), "PSEUDONYM_KEY": key(32),
		"STAFF_EMAILS": "a@corp.test, b@corp.test", "RATE_LIMIT_PER_IP": "0",
	}
	c, err := LoadFrom(context.Background(), envconfig.MapLookuper(ok), every)
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
	_, err := LoadFrom(context.Background(), envconfig.MapLookuper(bad), every)
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
	env := map[string]string{"GOOGLE_CLOUD_PROJECT": "p", "PUBLIC_BASE_URL": "https://x.test", "LINK_SIGNING_KEY": key(32), "PSEUDONYM_KEY": key(32)}
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets); err != nil {
		t.Errorf("ConfirmRequest without SendGrid or ID key: %v", err)
	}
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.SendMail.Secrets); err == nil || !strings.Contains(err.Error(), "SENDGRID_API_KEY") {
		t.Errorf("SendMail without SendGrid key: %v", err)
	}
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.RequestStatus.Secrets); err != nil {
		t.Errorf("RequestStatus without SendGrid or ID key: %v", err)
	}
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.StaffCase.Secrets); err == nil || !strings.Contains(err.Error(), "ID_ENCRYPTION_KEY") || strings.Contains(err.Error(), "SENDGRID") {
		t.Errorf("StaffCase without ID key: %v, want an error naming ID_ENCRYPTION_KEY only", err)
	}
}

func TestProxyHopsAndTickNow(t *testing.T) {
	t.Parallel()
	base := func() map[string]string {
		return map[string]string{"GOOGLE_CLOUD_PROJECT": "p", "PUBLIC_BASE_URL": "https://x.test", "LINK_SIGNING_KEY": key(32), "PSEUDONYM_KEY": key(32)}
	}
	c, err := LoadFrom(context.Background(), envconfig.MapLookuper(base()), fnlist.ConfirmRequest.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	if c.TrustedProxyHops != 0 || c.AllowTickNow {
		t.Errorf("defaults: hops %d, tick now %v; want 0 and false", c.TrustedProxyHops, c.AllowTickNow)
	}
	env := base()
	env["TRUSTED_PROXY_HOPS"], env["ALLOW_TICK_NOW"] = "2", "true"
	if c, err = LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets); err != nil || c.TrustedProxyHops != 2 || !c.AllowTickNow {
		t.Errorf("hops 2, tick now true: %+v, %v", c, err)
	}
	for _, v := range []string{"-1", "two", "1.5"} {
		env := base()
		env["TRUSTED_PROXY_HOPS"] = v
		if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXY_HOPS") {
			t.Errorf("TRUSTED_PROXY_HOPS=%q: %v, want an error naming it", v, err)
		}
	}
	env = base()
	env["ALLOW_TICK_NOW"] = "perhaps"
	if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets); err == nil || !strings.Contains(err.Error(), "ALLOW_TICK_NOW") {
		t.Errorf("ALLOW_TICK_NOW=perhaps: %v, want an error naming it", err)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	seq := func(b byte, n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, n)) }
	env := map[string]string{"GOOGLE_CLOUD_PROJECT": "p", "PUBLIC_BASE_URL": "https://x.test",
		"LINK_SIGNING_KEY": seq('c', 32), "PSEUDONYM_KEY": seq('p', 32), "LINK_SIGNING_KEY_PREVIOUS": seq('a', 32) + ", " + seq('b', 48)}
	c, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	prev := c.PreviousLinkKeys()
	if len(prev) != 2 || !bytes.Equal(prev[0], bytes.Repeat([]byte{'a'}, 32)) || len(prev[1]) != 48 {
		t.Errorf("previous keys: %q", prev)
	}
	env["PSEUDONYM_KEY"] = seq('p', 32)
	if c, err = LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets); err != nil || !bytes.Equal(c.PseudonymKey(), bytes.Repeat([]byte{'p'}, 32)) {
		t.Errorf("PSEUDONYM_KEY set: %v %x", err, c.PseudonymKey())
	}

	// Every bad key is named at once, and no key is echoed.
	env["LINK_SIGNING_KEY_PREVIOUS"] = seq('a', 32) + "," + seq('s', 16)
	env["PSEUDONYM_KEY"] = "%%%"
	env["TRUSTED_PROXY_HOPS"] = "-3"
	env["ALLOW_TICK_NOW"] = "perhaps"
	env["RATE_LIMIT_PER_IP"] = "many"
	_, err = LoadFrom(context.Background(), envconfig.MapLookuper(env), fnlist.ConfirmRequest.Secrets)
	for _, name := range []string{"LINK_SIGNING_KEY_PREVIOUS", "PSEUDONYM_KEY", "TRUSTED_PROXY_HOPS", "ALLOW_TICK_NOW", "RATE_LIMIT_PER_IP"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), seq('s', 16)) {
		t.Error("the error echoes a secret")
	}
}

// Values that parse but cannot work are malformed too (docs/contract.md §2): a staff entry
// with a display name is never matched against the address a staff member signs in with, a
// SendGrid host that is not http(s) is never reached, and a base URL with a query or fragment
// breaks every link built on it.
func TestMalformedValuesThatParse(t *testing.T) {
	t.Parallel()
	for name, val := range map[string]string{
		"STAFF_EMAILS":      "Privacy Team <privacy@corp.test>",
		"SENDGRID_API_HOST": "ftp://api.sendgrid.com",
		"PUBLIC_BASE_URL":   "https://privacy.corp.test/?x=1",
	} {
		env := map[string]string{
			"GOOGLE_CLOUD_PROJECT": "demo-x", "PUBLIC_BASE_URL": "https://privacy.corp.test",
			"SENDGRID_API_KEY": "SG.x", "LINK_SIGNING_KEY": key(32), "ID_ENCRYPTION_KEY": key(32), "PSEUDONYM_KEY": key(32),
		}
		env[name] = val
		if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), every); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%q: accepted (%v)", name, val, err)
		}
	}
}

// Every function requires its own PSEUDONYM_KEY: derived from the link key, a link-key
// rotation would end every desk session and forget every sign-out (issue 19).
func TestEveryFunctionRequiresThePseudonymKey(t *testing.T) {
	t.Parallel()
	for _, f := range fnlist.All {
		env := map[string]string{"GOOGLE_CLOUD_PROJECT": "p", "PUBLIC_BASE_URL": "https://x.test", "LINK_SIGNING_KEY": key(32),
			"ID_ENCRYPTION_KEY": key(32), "SENDGRID_API_KEY": "SG.x"}
		if _, err := LoadFrom(context.Background(), envconfig.MapLookuper(env), f.Secrets); err == nil || !strings.Contains(err.Error(), "PSEUDONYM_KEY") {
			t.Errorf("%s without PSEUDONYM_KEY: %v, want an error naming it", f.Name, err)
		}
	}
}
