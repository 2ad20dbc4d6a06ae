package idcheck

import (
	"errors"
	"fmt"
	"testing"

	"github.com/privacyloket/privacyloket/shared/i18n"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want Kind
		ok   bool
	}{
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0}, KindJPEG, true},
		{"png", append(append([]byte{}, sigPNG...), 0), KindPNG, true},
		{"pdf", []byte("%PDF-1.4\n"), KindPDF, true},
		{"jpeg needs three bytes", []byte{0xFF, 0xD8}, "", false},
		{"pdf only at offset 0", []byte(" %PDF-1.4"), "", false},
		{"png signature must be complete", []byte("\x89PNG\r\n"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := Detect(tt.data)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Detect() = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRejection(t *testing.T) {
	t.Parallel()
	seen := map[string]string{}
	for _, code := range Codes {
		t.Run(code, func(t *testing.T) {
			r := &Rejection{Code: code}
			nl, en := r.Message("nl"), r.Message("en")
			if nl == "" || en == "" || nl == en {
				t.Errorf("messages nl=%q en=%q: want two different, non-empty texts", nl, en)
			}
			if nl == i18n.T("nl", "upload.reject.unknown") {
				t.Errorf("code %q falls back to the generic message", code)
			}
			if other, dup := seen[nl]; dup {
				t.Errorf("code %q has the same Dutch message as %q", code, other)
			}
			seen[nl] = code
			if got, want := r.Message(""), nl; got != want {
				t.Errorf("Message(\"\") = %q, want Dutch %q", got, want)
			}
			if got, want := r.Message("en-GB"), en; got != want {
				t.Errorf("Message(\"en-GB\") = %q, want English %q", got, want)
			}
			want := 415
			if code == CodeTooLarge {
				want = 413
			}
			if got := r.HTTPStatus(); got != want {
				t.Errorf("HTTPStatus() = %d, want %d", got, want)
			}
			if got, want := r.Error(), "idcheck: upload refused: "+code; got != want {
				t.Errorf("Error() = %q, want %q", got, want)
			}
			var as *Rejection
			if !errors.As(fmt.Errorf("upload for case X: %w", r), &as) || as.Code != code {
				t.Errorf("errors.As through wrapping lost the rejection")
			}
		})
	}
	if got, want := (&Rejection{Code: CodeUnsupportedType}).Message("nl")[:38], "Dit bestand is geen JPEG, PNG of PDF. "; got != want {
		t.Errorf("unsupported_type message starts %q, want %q", got, want)
	}
	if got, want := (&Rejection{Code: "nonsense"}).Message("nl"), i18n.T("nl", "upload.reject.unknown"); got != want {
		t.Errorf("unknown code message = %q, want the generic %q", got, want)
	}
}
