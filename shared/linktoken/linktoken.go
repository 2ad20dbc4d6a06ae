// Package linktoken makes and checks the links the product e-mails: each token names its
// purpose, the case it is for, optionally the person and the action it is scoped to, the case's
// link generation when it was made, and when it expires.
//
// A token is "<key id>.<sealed claims>": the claims are sealed with AES-256-GCM under a key
// derived (HKDF-SHA256) from the link key for the token's purpose, with the key id as associated
// data. Nothing in a token is readable without the key: no e-mail address, no scope. Anything
// altered, expired, made for another purpose or made with a key this process does not hold is
// refused.
//
// Keys rotate without killing every link at once: a Signer holds one current key, which makes
// new tokens, and any number of previous keys, which still open the tokens they made. Dropping a
// previous key revokes every token it made.
package linktoken

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
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
	Desk       Purpose = "desk"        // one staff member's desk (no case)
	Search     Purpose = "search"      // one system owner answers one search task (Scope: the task)
	Approve    Purpose = "approve"     // one approver approves or returns one drafted decision (Scope: the draft)
)

// purposes are the ones Verify recognises when telling a wrong purpose from a forgery.
var purposes = []Purpose{Confirm, Status, Upload, Staff, ThirdParty, Download, Desk, Search, Approve}

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
	// Generation is the case's link generation when the token was made. Revoking a case's
	// links raises the case's generation; see Current.
	Generation int `json:"g,omitempty"`
	// Issued is when the link was made, in Unix milliseconds (see IssuedAt); 0 when the maker
	// did not say. A staff member who signs out everywhere ends every link issued before.
	Issued int64 `json:"i,omitempty"`
}

// ExpiresAt is the moment the token stops working.
func (c Claims) ExpiresAt() time.Time { return time.Unix(c.Expires, 0) }

// IssuedAt is when the link was made; the zero time when the claims do not say, which is
// before any moment a check compares it with.
func (c Claims) IssuedAt() time.Time {
	if c.Issued == 0 {
		return time.Time{}
	}
	return time.UnixMilli(c.Issued)
}

// Current reports whether the token was made in or after the case's link generation gen: a
// token from before the case's links were revoked is not current and must be refused.
func (c Claims) Current(gen int) bool { return c.Generation >= gen }

// Errors returned by Verify; callers answer 403 for all of them.
var (
	ErrMalformed = errors.New("linktoken: malformed")
	ErrSignature = errors.New("linktoken: bad signature")
	ErrExpired   = errors.New("linktoken: expired")
	ErrPurpose   = errors.New("linktoken: wrong purpose")
	// ErrUnknownKey: the token names a key this Signer does not hold (never held, or removed
	// after rotation). It is also an ErrSignature, so errors.Is(err, ErrSignature) holds.
	ErrUnknownKey = fmt.Errorf("%w: unknown key id", ErrSignature)
)

// maxToken bounds the work done on a hostile token.
const maxToken = 2048

// KeyIDLength is the length of a key id: 8 base64url characters (48 bits of a keyed hash).
const KeyIDLength = 8

// Signer makes and checks tokens. It holds the current key (makes tokens) and previous keys
// (only open tokens).
type Signer struct {
	current string              // the current key's id
	keys    map[string]*keySlot // by key id, current and previous
}

// keySlot is one link key with its per-purpose AEADs, made once.
type keySlot struct {
	id    string
	aeads map[Purpose]cipher.AEAD
}

// NewSigner is a Signer with one key and no previous keys. It refuses keys shorter than 32 bytes.
func NewSigner(k []byte) (*Signer, error) { return NewKeyring(k) }

// NewKeyring is a Signer whose current key makes new tokens and whose previous keys still open
// the tokens they made, so a new key can be introduced before the old one is removed. Each key
// must be at least 32 bytes; a previous key equal to the current one is ignored.
func NewKeyring(current []byte, previous ...[]byte) (*Signer, error) {
	s := &Signer{keys: map[string]*keySlot{}}
	for i, raw := range append([][]byte{current}, previous...) {
		if len(raw) < 32 {
			return nil, fmt.Errorf("linktoken: key %d must be at least 32 bytes, got %d", i, len(raw))
		}
		k, err := newKey(raw)
		if err != nil {
			return nil, err
		}
		if _, dup := s.keys[k.id]; dup {
			continue
		}
		s.keys[k.id] = k
		if i == 0 {
			s.current = k.id
		}
	}
	return s, nil
}

// KeyID is the short public fingerprint that tokens made with link key k carry: a keyed hash,
// so it reveals nothing about the key. Useful to tell operators which key is in use.
func KeyID(k []byte) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("privacyloket/link/key-id/v2"))
	return enc.EncodeToString(m.Sum(nil)[:6])
}

func newKey(raw []byte) (*keySlot, error) {
	k := &keySlot{id: KeyID(raw), aeads: make(map[Purpose]cipher.AEAD, len(purposes))}
	for _, p := range purposes {
		sub, err := hkdf.Key(sha256.New, raw, nil, "privacyloket/link/v2/"+string(p), 32)
		if err != nil {
			return nil, fmt.Errorf("linktoken: derive key: %w", err)
		}
		block, err := aes.NewCipher(sub)
		if err != nil {
			return nil, fmt.Errorf("linktoken: %w", err)
		}
		if k.aeads[p], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("linktoken: %w", err)
		}
	}
	return k, nil
}

// CurrentKeyID is the id of the key that makes new tokens.
func (s *Signer) CurrentKeyID() string { return s.current }

var enc = base64.RawURLEncoding

// Sign returns the token for c, sealed with the current key.
func (s *Signer) Sign(c Claims) (string, error) {
	if c.Purpose == "" || c.Reference == "" || c.Expires == 0 {
		return "", errors.New("linktoken: purpose, reference and expiry are required")
	}
	k := s.keys[s.current]
	aead, ok := k.aeads[c.Purpose]
	if !ok {
		return "", fmt.Errorf("linktoken: unknown purpose %q", c.Purpose)
	}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("linktoken: %w", err)
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(payload)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("linktoken: nonce: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, payload, []byte(k.id))
	return k.id + "." + enc.EncodeToString(sealed), nil
}

// Verify opens the token and checks its key, integrity, purpose and expiry (against now). On
// ErrExpired it also returns the claims, so a caller can say which case the link was for.
// Verify does not know the case: the caller checks Claims.Current against the case's link
// generation.
func (s *Signer) Verify(token string, want Purpose, now time.Time) (Claims, error) {
	id, body, ok := strings.Cut(token, ".")
	if !ok || len(id) != KeyIDLength || body == "" || len(token) > maxToken {
		return Claims{}, ErrMalformed
	}
	sealed, err := enc.DecodeString(body)
	if err != nil {
		return Claims{}, ErrMalformed
	}
	k, ok := s.keys[id]
	if !ok {
		return Claims{}, ErrUnknownKey
	}
	aead, ok := k.aeads[want]
	if !ok {
		return Claims{}, ErrPurpose
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return Claims{}, ErrMalformed
	}
	payload, err := open(aead, sealed, id)
	if err != nil {
		// Tell a genuine token for another purpose from a forgery: the former opens under
		// that purpose's key.
		for p, other := range k.aeads {
			if p != want {
				if _, err := open(other, sealed, id); err == nil {
					return Claims{}, ErrPurpose
				}
			}
		}
		return Claims{}, ErrSignature
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

func open(aead cipher.AEAD, sealed []byte, id string) ([]byte, error) {
	n := aead.NonceSize()
	return aead.Open(nil, sealed[:n], sealed[n:], []byte(id))
}
