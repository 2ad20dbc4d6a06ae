package linktoken

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	key = bytes.Repeat([]byte("k"), 32)
	now = time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC)
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	s, err := NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{Purpose: Staff, Reference: "PL-ABCD-EFGH", Subject: "staff@corp.test", Scope: "verify_identity", Expires: now.Add(time.Hour).Unix(), Generation: 3,
		Issued: now.UnixMilli()}
	tok, err := s.Sign(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(tok, Staff, now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

// flip changes one character of the sealed part of tok, keeping it valid base64url.
func flip(tok string, at int) string {
	id, body, _ := strings.Cut(tok, ".")
	b := []byte(body)
	if b[at] == 'A' {
		b[at] = 'B'
	} else {
		b[at] = 'A'
	}
	return id + "." + string(b)
}

func TestRefused(t *testing.T) {
	t.Parallel()
	s, _ := NewSigner(key)
	other, _ := NewSigner(bytes.Repeat([]byte("o"), 32))
	good := Claims{Purpose: Status, Reference: "PL-1", Expires: now.Add(time.Hour).Unix()}
	tok, _ := s.Sign(good)
	forged, _ := other.Sign(good)
	expired, _ := s.Sign(Claims{Purpose: Status, Reference: "PL-1", Expires: now.Unix()})
	id, body, _ := strings.Cut(tok, ".")
	otherID, _, _ := strings.Cut(forged, ".")
	cases := []struct {
		name    string
		token   string
		purpose Purpose
		want    error
	}{
		{"empty", "", Status, ErrMalformed},
		{"no dot", "abc", Status, ErrMalformed},
		{"garbage signature", id + ".!!!", Status, ErrMalformed},
		{"too short to hold a seal", id + ".AAAA", Status, ErrMalformed},
		{"too long", id + "." + strings.Repeat("A", 3000), Status, ErrMalformed},
		{"other key", forged, Status, ErrSignature},
		{"other key is an unknown key", forged, Status, ErrUnknownKey},
		// Altered in the nonce, in the sealed claims and in the tag: each a bad seal.
		{"altered nonce", flip(tok, 1), Status, ErrSignature},
		{"altered payload", flip(tok, len(body)/2), Status, ErrSignature},
		{"altered tag", flip(tok, len(body)-2), Status, ErrSignature},
		// The key id is associated data: moving a seal under another id does not open.
		{"our seal under another key's id", otherID + "." + body, Status, ErrSignature},
		{"expired", expired, Status, ErrExpired},
		{"wrong purpose", tok, Staff, ErrPurpose},
		{"unknown purpose", tok, Purpose("admin"), ErrPurpose},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := s.Verify(tc.token, tc.purpose, now); !errors.Is(err, tc.want) {
				t.Errorf("Verify: got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestShortKeyRefused(t *testing.T) {
	t.Parallel()
	if _, err := NewSigner(make([]byte, 31)); err == nil {
		t.Error("NewSigner accepted a 31-byte key")
	}
	if _, err := NewKeyring(key, make([]byte, 31)); err == nil {
		t.Error("NewKeyring accepted a 31-byte previous key")
	}
}

// No address, scope or reference is readable in a token: not in its text, not in its decoded
// bytes, and no base64 rendering of them (at any byte alignment) appears in it.
func TestTokenIsOpaque(t *testing.T) {
	t.Parallel()
	s, _ := NewSigner(key)
	secrets := []string{"medewerker.privacy@valleiwonen.nl", "verify_identity", "PL-ABCD-EFGH"}
	tok, err := s.Sign(Claims{Purpose: Staff, Reference: secrets[2], Subject: secrets[0], Scope: secrets[1], Expires: now.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(tok, ".")
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range append(secrets, "valleiwonen", "medewerker") {
		if strings.Contains(strings.ToLower(tok), strings.ToLower(secret)) || bytes.Contains(raw, []byte(secret)) {
			t.Errorf("token shows %q", secret)
		}
		for pad := range 3 {
			b64 := base64.RawURLEncoding.EncodeToString(append(make([]byte, pad), secret...))
			// Skip the characters that mix in the padding bytes; the rest is the secret's own.
			if inner := b64[4 : len(b64)-3]; len(inner) >= 6 && strings.Contains(tok, inner) {
				t.Errorf("token contains the base64 of %q", secret)
			}
		}
	}
	if strings.Contains(tok, "@") {
		t.Error("token contains an @")
	}
}

// Two tokens for the same claims differ (fresh nonce), and a typical staff token stays short.
func TestTokenShape(t *testing.T) {
	t.Parallel()
	s, _ := NewSigner(key)
	c := Claims{Purpose: Staff, Reference: "PL-ABCD-EFGH", Subject: "medewerker.privacyzaken@woningcorporatie-vallei.nl", Scope: "consult_third_party", Expires: now.Add(30 * 24 * time.Hour).Unix(), Generation: 12}
	a, _ := s.Sign(c)
	b, _ := s.Sign(c)
	if a == b {
		t.Error("two tokens for the same claims are equal: the nonce is not fresh")
	}
	if len(a) > 300 {
		t.Errorf("token is %d characters, want at most 300", len(a))
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
			t.Fatalf("token has %q, which is not URL-safe", r)
		}
	}
	if id, _, _ := strings.Cut(a, "."); id != KeyID(key) || id != s.CurrentKeyID() || len(id) != KeyIDLength {
		t.Errorf("key id %q, want %q", id, KeyID(key))
	}
}

// A new key is introduced while the old one still opens its tokens; removing the old key
// revokes them.
func TestRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := bytes.Repeat([]byte("a"), 32), bytes.Repeat([]byte("b"), 48)
	before, _ := NewSigner(oldKey)
	c := Claims{Purpose: Status, Reference: "PL-1", Expires: now.Add(time.Hour).Unix()}
	oldTok, _ := before.Sign(c)

	during, err := NewKeyring(newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := during.Verify(oldTok, Status, now); err != nil {
		t.Errorf("old token with the old key as previous: %v", err)
	}
	newTok, _ := during.Sign(c)
	if id, _, _ := strings.Cut(newTok, "."); id != KeyID(newKey) {
		t.Errorf("new tokens are made with key %q, want the current key %q", id, KeyID(newKey))
	}
	if _, err := before.Verify(newTok, Status, now); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("an instance without the new key: got %v, want ErrUnknownKey", err)
	}

	after, _ := NewKeyring(newKey)
	if _, err := after.Verify(oldTok, Status, now); !errors.Is(err, ErrUnknownKey) || !errors.Is(err, ErrSignature) {
		t.Errorf("old token after the old key was removed: got %v, want ErrUnknownKey (an ErrSignature)", err)
	}
	if _, err := after.Verify(newTok, Status, now); err != nil {
		t.Errorf("new token after rotation: %v", err)
	}

	same, err := NewKeyring(oldKey, oldKey)
	if err != nil || len(same.keys) != 1 {
		t.Errorf("the current key repeated as previous: %v, %d keys", err, len(same.keys))
	}
}

// A token made before the case's links were revoked is not current.
func TestGeneration(t *testing.T) {
	t.Parallel()
	s, _ := NewSigner(key)
	tok, _ := s.Sign(Claims{Purpose: Staff, Reference: "PL-1", Subject: "a@corp.test", Expires: now.Add(time.Hour).Unix(), Generation: 2})
	c, err := s.Verify(tok, Staff, now)
	if err != nil {
		t.Fatal(err)
	}
	for gen, want := range map[int]bool{0: true, 1: true, 2: true, 3: false, 10: false} {
		if got := c.Current(gen); got != want {
			t.Errorf("generation 2 token, case generation %d: Current = %v, want %v", gen, got, want)
		}
	}
	if !(Claims{}).Current(0) {
		t.Error("a token without a generation is current for a case that never revoked")
	}
	if (Claims{}).Current(1) {
		t.Error("a token without a generation is current after a revocation")
	}
}

func TestPseudonymizer(t *testing.T) {
	t.Parallel()
	if _, err := NewPseudonymizer(make([]byte, 31)); err == nil {
		t.Error("accepted a 31-byte key")
	}
	p, _ := NewPseudonymizer(bytes.Repeat([]byte("p"), 32))
	q, _ := NewPseudonymizer(bytes.Repeat([]byte("q"), 32))
	a := p.Of("203.0.113.7")
	if a != p.Of("203.0.113.7") || len(a) != 32 {
		t.Errorf("pseudonym not stable or not 32 hex characters: %q", a)
	}
	if a == p.Of("203.0.113.8") || a == q.Of("203.0.113.7") {
		t.Error("pseudonym does not depend on the value and the key")
	}
	if strings.Contains(a, "203") {
		t.Error("pseudonym shows the value")
	}
}

// A link says when it was made, to the millisecond; one that does not say is older than any
// moment (signing out everywhere ends it).
func TestIssuedAt(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 27, 9, 0, 0, 123_456_789, time.UTC)
	if got, want := (Claims{Issued: at.UnixMilli()}).IssuedAt(), at.Truncate(time.Millisecond); !got.Equal(want) {
		t.Errorf("IssuedAt = %v, want %v", got, want)
	}
	if got := (Claims{}).IssuedAt(); !got.IsZero() || got.After(time.Time{}) {
		t.Errorf("IssuedAt of claims that do not say = %v, want the zero time", got)
	}
}
