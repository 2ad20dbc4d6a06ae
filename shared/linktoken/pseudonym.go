package linktoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Pseudonymizer turns an identifier (an IP address, an e-mail address) into a stable keyed hash,
// so counters and logs never hold the identifier itself. Its key is not the link key: knowing
// pseudonyms helps nobody forge a link, and rotating the link key keeps the pseudonyms.
type Pseudonymizer struct{ key []byte }

// NewPseudonymizer refuses keys shorter than 32 bytes.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("linktoken: pseudonym key must be at least 32 bytes, got %d", len(key))
	}
	return &Pseudonymizer{key: append([]byte(nil), key...)}, nil
}

// Of is the pseudonym of v: 32 hex characters (128 bits of HMAC-SHA256).
func (p *Pseudonymizer) Of(v string) string {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte("privacyloket/pseudonym/v1\x00"))
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:16])
}
