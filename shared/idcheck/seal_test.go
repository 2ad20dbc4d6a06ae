package idcheck

import (
	"bytes"
	"errors"
	"testing"
)

func testSealer(t testing.TB, fill byte) *Sealer {
	t.Helper()
	s, err := NewSealer(bytes.Repeat([]byte{fill}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSealerKeyLength(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := NewSealer(make([]byte, n)); err == nil {
			t.Errorf("NewSealer(%d-byte key) succeeded, want an error", n)
		}
	}
	if _, err := NewSealer(make([]byte, 32)); err != nil {
		t.Errorf("NewSealer(32-byte key) = %v", err)
	}
}

func TestSealRoundTrip(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 1)
	tests := []struct {
		name      string
		plaintext []byte
	}{
		{"empty", []byte{}},
		// Sealing looks at no content: bytes shaped like each kind will do.
		{"jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x5A}, 40_000)...)},
		{"pdf", []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sealed, err := s.Seal("PL-2026-000123", tt.plaintext)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(sealed), 12+len(tt.plaintext)+16; got != want {
				t.Errorf("len(sealed) = %d, want nonce+plaintext+tag = %d", got, want)
			}
			if got, want := s.Overhead(), 28; got != want {
				t.Errorf("Overhead() = %d, want %d", got, want)
			}
			opened, err := s.Open("PL-2026-000123", sealed)
			if err != nil {
				t.Fatalf("Open() = %v", err)
			}
			if !bytes.Equal(opened, tt.plaintext) {
				t.Errorf("Open() returned different bytes")
			}
		})
	}
}

func TestOpenRefuses(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 1)
	const ref = "PL-2026-000123"
	plain := []byte("gemaskeerde kopie paspoort, BSN onzichtbaar gemaakt")
	sealed, err := s.Seal(ref, plain)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 0x01
		return b
	}
	tests := []struct {
		name   string
		sealer *Sealer
		ref    string
		sealed []byte
		want   error
	}{
		{"another case", s, "PL-2026-000124", sealed, ErrUnseal},
		{"reference prefix", s, ref[:len(ref)-1], sealed, ErrUnseal},
		{"empty reference", s, "", sealed, ErrNoReference},
		{"another key", testSealer(t, 2), ref, sealed, ErrUnseal},
		{"nonce changed", s, ref, flip(0), ErrUnseal},
		{"ciphertext changed", s, ref, flip(12 + 5), ErrUnseal},
		{"tag changed", s, ref, flip(len(sealed) - 1), ErrUnseal},
		{"truncated", s, ref, sealed[:len(sealed)-1], ErrUnseal},
		{"extended", s, ref, append(bytes.Clone(sealed), 0), ErrUnseal},
		{"shorter than the overhead", s, ref, sealed[:27], ErrUnseal},
		{"nil", s, ref, nil, ErrUnseal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.sealer.Open(tt.ref, tt.sealed)
			if !errors.Is(err, tt.want) {
				t.Errorf("Open() error = %v, want %v", err, tt.want)
			}
			if got != nil {
				t.Errorf("Open() returned plaintext alongside an error")
			}
		})
	}
}

func TestSealIsRandomisedAndHidesPlaintext(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 1)
	plain := bytes.Repeat([]byte("Jan Jansen 123456782 "), 50)
	a, err := s.Seal("PL-1", plain)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Seal("PL-1", plain)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Errorf("two seals of the same plaintext are identical")
	}
	if bytes.Equal(a[:12], b[:12]) {
		t.Errorf("two seals share a nonce")
	}
	for _, sealed := range [][]byte{a, b} {
		if bytes.Contains(sealed, []byte("Jan Jansen")) || bytes.Contains(sealed, []byte("123456782")) {
			t.Errorf("sealed bytes contain the plaintext")
		}
	}
}

func TestSealRequiresReference(t *testing.T) {
	t.Parallel()
	if _, err := testSealer(t, 1).Seal("", []byte("x")); !errors.Is(err, ErrNoReference) {
		t.Errorf("Seal(\"\") error = %v, want %v", err, ErrNoReference)
	}
}

// BenchmarkSeal seals a 2 MiB file, the size of a typical ID photo.
func BenchmarkSeal(b *testing.B) {
	s := testSealer(b, 1)
	plain := make([]byte, 2<<20)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Seal("PL-2026-000123", plain); err != nil {
			b.Fatal(err)
		}
	}
}
