package outbox

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/letter"
)

func TestReferenceOf(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{ID(testKey, "PL-2026-AB12-CD34", letter.Receipt, "a@b.test", ""), "PL-2026-AB12-CD34"},
		{ID(testKey, "PL-X", letter.ThirdPartyConsultation, "c@d.test", "1"), "PL-X"},
		{ID(testKey, "", letter.DeskLink, "staff@corp.test", "2026-11-28"), ""},
		{"absent", ""},
		{"-", ""},
		{"", ""},
	} {
		if got := ReferenceOf(tc.id); got != tc.want {
			t.Errorf("ReferenceOf(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	for _, k := range letter.Kinds() {
		if got := ReferenceOf(ID(testKey, "PL-1-2", k, "x@y.test", "d")); got != "PL-1-2" {
			t.Errorf("kind %s: ReferenceOf = %q, want PL-1-2", k, got)
		}
	}
}

var testKey = []byte("outbox-test-key-of-thirty-two-by")

// Letter ids appear in logs: without the key, nobody can tell which address a letter went to
// by hashing a guess the way an unkeyed id would (issue 19 item 10).
func TestIDIsKeyed(t *testing.T) {
	ref, to := "PL-AB12-CD34", "henk@tenant.test"
	id := ID(testKey, ref, letter.Receipt, to, "")
	unkeyed := sha256.Sum256([]byte(ref + "\x00" + string(letter.Receipt) + "\x00" + to + "\x00"))
	if strings.HasSuffix(id, hex.EncodeToString(unkeyed[:6])) {
		t.Errorf("ID %s is the unkeyed hash of the address", id)
	}
	if other := ID([]byte("another-key-of-thirty-two-bytes!"), ref, letter.Receipt, to, ""); other == id {
		t.Errorf("two keys give the same id %s", id)
	}
	if again := ID(testKey, ref, letter.Receipt, to, ""); again != id {
		t.Errorf("ID is not stable: %s, then %s", id, again)
	}
	if other := ID(testKey, ref, letter.Receipt, "jan@tenant.test", ""); other == id {
		t.Errorf("two recipients give the same id %s", id)
	}
}
