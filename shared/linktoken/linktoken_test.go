package linktoken

import (
	"bytes"
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
	want := Claims{Purpose: Staff, Reference: "PL-ABCD-EFGH", Subject: "staff@corp.test", Scope: "verify_identity", Expires: now.Add(time.Hour).Unix()}
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

func TestRefused(t *testing.T) {
	t.Parallel()
	s, _ := NewSigner(key)
	other, _ := NewSigner(bytes.Repeat([]byte("o"), 32))
	good := Claims{Purpose: Status, Reference: "PL-1", Expires: now.Add(time.Hour).Unix()}
	tok, _ := s.Sign(good)
	forged, _ := other.Sign(good)
	expired, _ := s.Sign(Claims{Purpose: Status, Reference: "PL-1", Expires: now.Unix()})
	body, sig, _ := strings.Cut(tok, ".")
	// Flip one character of the payload: a different case reference, same signature.
	altered := strings.Replace(body, body[len(body)-2:], "AA", 1) + "." + sig
	cases := []struct {
		name    string
		token   string
		purpose Purpose
		want    error
	}{
		{"empty", "", Status, ErrMalformed},
		{"no dot", "abc", Status, ErrMalformed},
		{"garbage signature", body + ".!!!", Status, ErrMalformed},
		{"other key", forged, Status, ErrSignature},
		{"altered payload", altered, Status, ErrSignature},
		{"expired", expired, Status, ErrExpired},
		{"wrong purpose", tok, Staff, ErrPurpose},
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
}
