package outbox

import (
	"testing"

	"github.com/privacyloket/privacyloket/shared/letter"
)

func TestReferenceOf(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{ID("PL-2026-AB12-CD34", letter.Receipt, "a@b.test", ""), "PL-2026-AB12-CD34"},
		{ID("PL-X", letter.ThirdPartyConsultation, "c@d.test", "1"), "PL-X"},
		{ID("", letter.DeskLink, "staff@corp.test", "2026-11-28"), ""},
		{"absent", ""},
		{"-", ""},
		{"", ""},
	} {
		if got := ReferenceOf(tc.id); got != tc.want {
			t.Errorf("ReferenceOf(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	for _, k := range letter.Kinds() {
		if got := ReferenceOf(ID("PL-1-2", k, "x@y.test", "d")); got != "PL-1-2" {
			t.Errorf("kind %s: ReferenceOf = %q, want PL-1-2", k, got)
		}
	}
}
