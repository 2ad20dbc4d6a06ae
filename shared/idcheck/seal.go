package idcheck

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
)

// KeySize is the length of a sealing key: AES-256.
const KeySize = 32

var (
	// ErrNoReference is returned for an empty case reference: a copy
	// sealed without one would not be bound to any case.
	ErrNoReference = errors.New("idcheck: case reference is empty")
	// ErrUnseal is returned when a sealed copy cannot be opened: wrong key,
	// wrong case reference, or the bytes were changed.
	ErrUnseal = errors.New("idcheck: sealed copy cannot be opened")
)

// Sealer encrypts ID copies at rest with AES-256-GCM. The case reference is
// the associated data, so a sealed copy moved to another case will not open.
// It also seals streams in segments (seal_stream.go). A Sealer is safe for
// concurrent use.
type Sealer struct {
	aead cipher.AEAD
	// streamKey is derived from the key for the segmented streams alone, each
	// of which derives its own key from it.
	streamKey []byte
}

// NewSealer returns a Sealer for key, which must be exactly KeySize bytes.
// The key itself is not retained beyond the AES key schedule and the stream
// key derived from it.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("idcheck: sealing key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("idcheck: sealing key: %w", err)
	}
	// A fresh random 96-bit nonce per file, prepended to the output. With
	// random nonces one key must seal fewer than 2^32 files; rotate well
	// before that.
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("idcheck: sealing key: %w", err)
	}
	streamKey, err := hkdf.Key(sha256.New, key, nil, "privacyloket stream key", KeySize)
	if err != nil {
		return nil, fmt.Errorf("idcheck: sealing key: %w", err)
	}
	return &Sealer{aead: aead, streamKey: streamKey}, nil
}

// Overhead is how many bytes Seal adds: the 12-byte nonce and 16-byte tag.
func (s *Sealer) Overhead() int { return s.aead.Overhead() }

// Seal encrypts plaintext for the case reference. The result is
// nonce || ciphertext (the GCM tag is the ciphertext's last 16 bytes).
func (s *Sealer) Seal(reference string, plaintext []byte) ([]byte, error) {
	if reference == "" {
		return nil, ErrNoReference
	}
	return s.aead.Seal(make([]byte, 0, len(plaintext)+s.aead.Overhead()), nil, plaintext, []byte(reference)), nil
}

// Open decrypts what Seal produced for the same case reference. Any
// mismatch gives ErrUnseal and no plaintext.
func (s *Sealer) Open(reference string, sealed []byte) ([]byte, error) {
	if reference == "" {
		return nil, ErrNoReference
	}
	if len(sealed) < s.aead.Overhead() {
		return nil, ErrUnseal
	}
	plain, err := s.aead.Open(nil, nil, sealed, []byte(reference))
	if err != nil {
		return nil, ErrUnseal
	}
	return plain, nil
}
