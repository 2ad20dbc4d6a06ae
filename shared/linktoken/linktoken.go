// Package linktoken signs and verifies the links the product e-mails: each token names its
// purpose, the case it is for, optionally the person and the action it is scoped to, and when it
// expires. Tokens are HMAC-SHA256 signed; anything altered, expired or used for another purpose
// or case is refused.
package linktoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Purpose is what a link lets its holder do.
type Purpose string

const (
	Confirm    Purpose = "confirm"     // the requester confirms the e-mail address
	Status     Purpose = "status"      // the requester reads the status page
	Upload     Purpose = "upload"      // the requester uploads an ID copy
	Staff      Purpose = "staff"       // one staff member works on one case
	ThirdParty Purpose = "third_party" // a consulted third party answers
	Download   Purpose = "download"    // the requester downloads the access result
)

// Claims are what a token says.
type Claims struct {
	Purpose   Purpose `json:"p"`
	Reference string  `json:"r"`
	// Subject is the person the link is personal to (a staff or third-party address); empty
	// for the requester's links, which go to the case's own address.
	Subject string `json:"s,omitempty"`
	// Scope narrows the link further, e.g. one staff action or one third-party consultation.
	Scope   string `json:"x,omitempty"`
	Expires int64  `json:"e"`
}

// ExpiresAt is the moment the token stops working.
func (c Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0) }

// Errors returned by Verify; callers answer 403 for all of them.
var (
	ErrMalformed = errors.New("linktoken: malformed")
	ErrSignature = errors.New("linktoken: bad signature")
	ErrExpired   = errors.New("linktoken: expired")
	ErrPurpose   = errors.New("linktoken: wrong purpose")
)

// Signer makes and checks tokens with one key.
type Signer struct{ key []byte }

// NewSigner refuses keys shorter than 32 bytes.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("linktoken: key must be at least 32 bytes, got %d", len(key))
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

var enc = base64.RawURLEncoding

// Sign returns the token for c.
func (s *Signer) Sign(c Claims) (string, error) {
	if c.Purpose == "" || c.Reference == "" || c.Expires == 0 {
		return "", errors.New("linktoken: purpose, reference and expiry are required")
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("linktoken: %w", err)
	}
	body := enc.EncodeToString(payload)
	return body + "." + enc.EncodeToString(s.mac(body)), nil
}

// Verify checks the token's signature, expiry (against now) and purpose.
func (s *Signer) Verify(token string, want Purpose, now time.Time) (Claims, error) {
	body, sig, ok := strings.Cut(token, ".")
	if !ok || body == "" || sig == "" || len(token) > 2048 {
		return Claims{}, ErrMalformed
	}
	got, err := enc.DecodeString(sig)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	if !hmac.Equal(got, s.mac(body)) {
		return Claims{}, ErrSignature
	}
	payload, err := enc.DecodeString(body)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return Claims{}, ErrMalformed
	}
	if c.Purpose != want {
		return Claims{}, ErrPurpose
	}
	if !now.Before(c.ExpiresAt()) {
		return c, ErrExpired
	}
	return c, nil
}

func (s *Signer) mac(body string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("privacyloket/v1\x00"))
	m.Write([]byte(body))
	return m.Sum(nil)
}
