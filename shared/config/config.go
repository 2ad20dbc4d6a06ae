// Package config loads a function's configuration from the environment (docs/contract.md §2)
// and validates it, naming every problem at once. Each function requires exactly the secrets
// that shared/fnlist gives it.
package config

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/sethvargo/go-envconfig"

	"github.com/privacyloket/privacyloket/shared/fnlist"
)

// Config is everything a function instance needs from its environment.
type Config struct {
	Project        string   `env:"GOOGLE_CLOUD_PROJECT"`
	PublicBaseURL  string   `env:"PUBLIC_BASE_URL"`
	OrgProfile     string   `env:"ORG_PROFILE, default=vallei-wonen"`
	StaffEmails    []string `env:"STAFF_EMAILS"`
	SendGridHost   string   `env:"SENDGRID_API_HOST, default=https://api.sendgrid.com"`
	SendGridKey    string   `env:"SENDGRID_API_KEY" json:"-"`
	LinkSigningKey string   `env:"LINK_SIGNING_KEY" json:"-"`
	// LinkSigningKeyPrevious are keys that no longer make links but still open the links they
	// made (key rotation); removing one revokes its links.
	LinkSigningKeyPrevious []string `env:"LINK_SIGNING_KEY_PREVIOUS" json:"-"`
	// PseudonymKeyB64 keys the pseudonyms of IP and e-mail addresses in rate limits, letter ids,
	// desk sessions and sign-out records (fnlist.SecretPseudonymKey).
	PseudonymKeyB64 string `env:"PSEUDONYM_KEY" json:"-"`
	IDEncryptionKey string `env:"ID_ENCRYPTION_KEY" json:"-"`
	// RATE_LIMIT_*: nil when unset (the profile's value applies); 0 switches the limit off.
	RateLimitPerIP   *int `env:"RATE_LIMIT_PER_IP, noinit"`
	RateLimitPerMail *int `env:"RATE_LIMIT_PER_EMAIL, noinit"`
	// TrustedProxyHops is how many proxies in front of the functions append to
	// X-Forwarded-For; 0 ignores the header (web.ClientAddr gives the value per deployment).
	TrustedProxyHops int `env:"TRUSTED_PROXY_HOPS, default=0"`
	// AllowTickNow lets a tick's {"now": ...} set the sweep's time: for tests and demos only.
	AllowTickNow bool `env:"ALLOW_TICK_NOW, default=false"`
	// AllowPlaceholderProfile lets a profile with placeholder values start (policy.Placeholders):
	// for local use and tests only; letters would print the placeholders (docs/contract.md §2).
	AllowPlaceholderProfile bool `env:"ALLOW_PLACEHOLDER_PROFILE, default=false"`

	// secrets are the secrets this function requires (fnlist.Function.Secrets).
	secrets []string
	// parseErrs are the numbers and switches that did not parse, for Validate.
	parseErrs []error
}

// Optional secrets: read where set, never required. The required ones are fnlist's Secret*.
const (
	// SecretLinkSigningKeyPrevious is mounted beside LINK_SIGNING_KEY during a key rotation.
	SecretLinkSigningKeyPrevious = "LINK_SIGNING_KEY_PREVIOUS"
)

// Load reads the environment of a function that gets secrets (fnlist.Function.Secrets) and
// validates it: each of those is required, no other.
func Load(ctx context.Context, secrets []string) (*Config, error) {
	return LoadFrom(ctx, envconfig.OsLookuper(), secrets)
}

// LoadFrom is Load reading from l, so tests need not touch the process environment.
func LoadFrom(ctx context.Context, l envconfig.Lookuper, secrets []string) (*Config, error) {
	c := Config{secrets: secrets}
	checked := newScalars(l)
	if err := envconfig.ProcessWith(ctx, &envconfig.Config{Target: &c, Lookuper: checked}); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.parseErrs = checked.errs
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// scalars checks the numeric and boolean variables before envconfig reads them: a value that
// does not parse is recorded (by its variable's name, for Validate to report with every other
// problem) and hidden from envconfig, which then uses the field's default.
type scalars struct {
	envconfig.Lookuper
	kinds map[string]reflect.Kind
	errs  []error
}

func newScalars(l envconfig.Lookuper) *scalars {
	s := &scalars{Lookuper: l, kinds: map[string]reflect.Kind{}}
	for f := range reflect.TypeFor[Config]().Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		k := f.Type.Kind()
		if k == reflect.Pointer {
			k = f.Type.Elem().Kind()
		}
		if name != "" && (k == reflect.Int || k == reflect.Bool) {
			s.kinds[strings.TrimSpace(name)] = k
		}
	}
	return s
}

func (s *scalars) Lookup(name string) (string, bool) {
	v, ok := s.Lookuper.Lookup(name)
	kind, scalar := s.kinds[name]
	if !ok || !scalar {
		return v, ok
	}
	var err error
	switch kind {
	case reflect.Int:
		if _, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
			s.errs = append(s.errs, fmt.Errorf("%s: must be a whole number", name))
		}
	case reflect.Bool:
		if _, err = strconv.ParseBool(strings.TrimSpace(v)); err != nil {
			s.errs = append(s.errs, fmt.Errorf("%s: must be true or false", name))
		}
	}
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(v), true
}

// needs reports whether this function requires the given secret.
func (c *Config) needs(secret string) bool { return slices.Contains(c.secrets, secret) }

// Validate reports every problem at once, one line each, naming the variable.
func (c *Config) Validate() error {
	errs := append([]error(nil), c.parseErrs...)
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	if c.Project == "" {
		bad("GOOGLE_CLOUD_PROJECT", "is required")
	}
	if c.PublicBaseURL == "" {
		bad("PUBLIC_BASE_URL", "is required")
	} else if !httpURL(c.PublicBaseURL) {
		bad("PUBLIC_BASE_URL", "must be an absolute http(s) URL without query or fragment")
	}
	for _, e := range c.StaffEmails {
		// A bare address only: "Name <a@b>" would never match the address staff sign in with.
		e = strings.TrimSpace(e)
		if a, err := mail.ParseAddress(e); e != "" && (err != nil || a.Address != e) {
			bad("STAFF_EMAILS", "must be bare addresses separated by commas (a@example.nl,b@example.nl)")
			break
		}
	}
	if !httpURL(c.SendGridHost) {
		bad("SENDGRID_API_HOST", "must be an absolute http(s) URL")
	}
	if c.needs(fnlist.SecretSendGridKey) && c.SendGridKey == "" {
		bad(fnlist.SecretSendGridKey, "is required")
	}
	if c.needs(fnlist.SecretLinkSigningKey) {
		if k, err := decodeKey(c.LinkSigningKey); err != nil {
			bad(fnlist.SecretLinkSigningKey, "%v", err)
		} else if len(k) < 32 {
			bad(fnlist.SecretLinkSigningKey, "must decode to at least 32 bytes (got %d)", len(k))
		}
	}
	for _, p := range c.LinkSigningKeyPrevious {
		if strings.TrimSpace(p) == "" {
			continue
		}
		if k, err := decodeKey(p); err != nil {
			bad(SecretLinkSigningKeyPrevious, "each key %v", err)
		} else if len(k) < 32 {
			bad(SecretLinkSigningKeyPrevious, "each key must decode to at least 32 bytes (got %d)", len(k))
		}
	}
	if c.needs(fnlist.SecretPseudonymKey) {
		if k, err := decodeKey(c.PseudonymKeyB64); err != nil {
			bad(fnlist.SecretPseudonymKey, "%v", err)
		} else if len(k) < 32 {
			bad(fnlist.SecretPseudonymKey, "must decode to at least 32 bytes (got %d)", len(k))
		}
	}
	if c.needs(fnlist.SecretIDEncryptionKey) {
		if k, err := decodeKey(c.IDEncryptionKey); err != nil {
			bad(fnlist.SecretIDEncryptionKey, "%v", err)
		} else if len(k) != 32 {
			bad(fnlist.SecretIDEncryptionKey, "must decode to exactly 32 bytes (got %d)", len(k))
		}
	}
	for name, v := range map[string]*int{"RATE_LIMIT_PER_IP": c.RateLimitPerIP, "RATE_LIMIT_PER_EMAIL": c.RateLimitPerMail} {
		if v != nil && *v < 0 {
			bad(name, "must be 0 (off) or a positive number")
		}
	}
	if c.TrustedProxyHops < 0 {
		bad("TRUSTED_PROXY_HOPS", "must be 0 (ignore X-Forwarded-For) or a positive number")
	}
	return errors.Join(errs...)
}

// httpURL reports whether s is an absolute http or https URL with a host and no user, query or
// fragment: a base that paths are appended to.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == ""
}

// LinkKey returns the decoded link-signing key.
func (c *Config) LinkKey() []byte { k, _ := decodeKey(c.LinkSigningKey); return k }

// PreviousLinkKeys returns the decoded LINK_SIGNING_KEY_PREVIOUS keys, in order.
func (c *Config) PreviousLinkKeys() [][]byte {
	var out [][]byte
	for _, p := range c.LinkSigningKeyPrevious {
		if k, err := decodeKey(p); err == nil && len(k) > 0 {
			out = append(out, k)
		}
	}
	return out
}

// PseudonymKey returns the decoded PSEUDONYM_KEY.
func (c *Config) PseudonymKey() []byte { k, _ := decodeKey(c.PseudonymKeyB64); return k }

// IDKey returns the decoded ID-encryption key.
func (c *Config) IDKey() []byte { k, _ := decodeKey(c.IDEncryptionKey); return k }

// Staff returns the trimmed STAFF_EMAILS list, or nil when unset.
func (c *Config) Staff() []string {
	var out []string
	for _, e := range c.StaffEmails {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("is required (base64)")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(strings.TrimSpace(s)); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("is not valid base64")
}
