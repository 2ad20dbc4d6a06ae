package idcheck

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func openAll(s *Sealer, ref string, sealed []byte) ([]byte, error) {
	r, err := s.OpenReader(bytes.NewReader(sealed), ref)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestSealSegmentsRoundTrip(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 3)
	for _, n := range []int{0, 1, SegmentSize - 1, SegmentSize, SegmentSize + 1, 3 * SegmentSize, 3*SegmentSize + 5} {
		plain := pattern(n)
		sealed, err := s.SealSegments("PL-AAAA-BBBB#extract/k1", plain)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := int64(len(sealed)), SealedSize(int64(n)); got != want {
			t.Errorf("%d bytes: sealed %d bytes, SealedSize says %d", n, got, want)
		}
		if bytes.Contains(sealed, plain[:min(n, 64)]) && n >= 16 {
			t.Errorf("%d bytes: the plaintext shows in the sealed stream", n)
		}
		got, err := openAll(s, "PL-AAAA-BBBB#extract/k1", sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%d bytes: opened %d bytes, %v", n, len(got), err)
		}
		// Read a byte at a time, from a source that gives a byte at a time.
		r, err := s.OpenReader(iotest.OneByteReader(bytes.NewReader(sealed)), "PL-AAAA-BBBB#extract/k1")
		if err != nil {
			t.Fatal(err)
		}
		if err := iotest.TestReader(r, plain); err != nil {
			t.Errorf("%d bytes, read in pieces: %v", n, err)
		}
	}
}

// Written in pieces of every size, the stream is the same as written at once (but for its
// random header): the segments do not follow the writes.
func TestSealWriterPieces(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 4)
	plain := pattern(2*SegmentSize + 1000)
	var out bytes.Buffer
	w, err := s.SealWriter(&out, "ref")
	if err != nil {
		t.Fatal(err)
	}
	for rest, k := plain, 1; len(rest) > 0; k = k*3 + 1 {
		n := min(k, len(rest))
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("a write after Close was accepted")
	}
	if got, want := int64(out.Len()), SealedSize(int64(len(plain))); got != want {
		t.Errorf("sealed %d bytes, want %d", got, want)
	}
	if got, err := openAll(s, "ref", out.Bytes()); err != nil || !bytes.Equal(got, plain) {
		t.Errorf("opened %d bytes, %v", len(got), err)
	}
}

// Every way of tampering with a stream shows as ErrUnseal, and no plaintext of the segment
// that shows it is returned.
func TestSealSegmentsTamper(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 5)
	const ref = "PL-AAAA-BBBB#extract/k1"
	plain := pattern(3*SegmentSize + 100) // four segments, the last short
	sealed, _ := s.SealSegments(ref, plain)
	other, _ := s.SealSegments("PL-AAAA-BBBB#extract/k2", plain)
	sameRef, _ := s.SealSegments(ref, plain)
	full := pattern(2 * SegmentSize) // two full segments, the second the last
	fullSealed, _ := s.SealSegments(ref, full)
	seg := func(b []byte, i int) []byte {
		off := StreamHeaderSize + i*sealedSegment
		return b[off:min(off+sealedSegment, len(b))]
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	header := sealed[:StreamHeaderSize]
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 1
		return b
	}
	tests := []struct {
		name   string
		sealer *Sealer
		ref    string
		sealed []byte
	}{
		{"wrong key", testSealer(t, 6), ref, sealed},
		{"wrong reference", s, "PL-AAAA-CCCC#extract/k1", sealed},
		{"another extract's key", s, "PL-AAAA-BBBB#extract/k2", sealed},
		{"cut at a segment boundary", s, ref, sealed[:StreamHeaderSize+3*sealedSegment]},
		{"cut within a segment", s, ref, sealed[:len(sealed)-1]},
		{"cut to the header", s, ref, header},
		{"cut within the header", s, ref, sealed[:10]},
		{"empty", s, ref, nil},
		{"a full last segment dropped", s, ref, fullSealed[:StreamHeaderSize+sealedSegment]},
		{"extended by a segment", s, ref, cat(sealed, seg(sealed, 1))},
		{"extended by a byte", s, ref, cat(sealed, []byte{0})},
		{"two segments swapped", s, ref, cat(header, seg(sealed, 1), seg(sealed, 0), seg(sealed, 2), seg(sealed, 3))},
		{"a segment repeated", s, ref, cat(header, seg(sealed, 0), seg(sealed, 0), seg(sealed, 2), seg(sealed, 3))},
		{"a segment of another extract", s, ref, cat(header, seg(sealed, 0), seg(other, 1), seg(sealed, 2), seg(sealed, 3))},
		{"a segment of another stream of the same extract", s, ref, cat(header, seg(sealed, 0), seg(sameRef, 1), seg(sealed, 2), seg(sealed, 3))},
		{"another stream's header", s, ref, cat(sameRef[:StreamHeaderSize], sealed[StreamHeaderSize:])},
		{"magic changed", s, ref, flip(0)},
		{"salt changed", s, ref, flip(10)},
		{"nonce prefix changed", s, ref, flip(StreamHeaderSize - 1)},
		{"a ciphertext bit flipped", s, ref, flip(StreamHeaderSize + 2*sealedSegment + 5)},
		{"a tag bit flipped", s, ref, flip(len(sealed) - 1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := openAll(tc.sealer, tc.ref, tc.sealed)
			if !errors.Is(err, ErrUnseal) {
				t.Fatalf("opened %d bytes, err %v; want ErrUnseal", len(got), err)
			}
			if len(got)%SegmentSize != 0 || !bytes.Equal(got, plain[:len(got)]) {
				t.Errorf("returned %d bytes that are not whole authentic segments", len(got))
			}
		})
	}
}

func TestSealSegmentsPassesReadErrors(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 7)
	sealed, _ := s.SealSegments("ref", pattern(2*SegmentSize))
	boom := errors.New("store unavailable")
	r, err := s.OpenReader(io.MultiReader(bytes.NewReader(sealed[:StreamHeaderSize+100]), iotest.ErrReader(boom)), "ref")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); !errors.Is(err, boom) {
		t.Errorf("read error %v, want the source's", err)
	}
	if _, err := s.SealWriter(io.Discard, ""); !errors.Is(err, ErrNoReference) {
		t.Errorf("SealWriter without a reference: %v", err)
	}
	if _, err := s.OpenReader(bytes.NewReader(sealed), ""); !errors.Is(err, ErrNoReference) {
		t.Errorf("OpenReader without a reference: %v", err)
	}
}

// The whole-file seal and the segmented one do not open each other's output.
func TestSealFormatsApart(t *testing.T) {
	t.Parallel()
	s := testSealer(t, 8)
	whole, _ := s.Seal("ref", []byte("gegevens"))
	if _, err := openAll(s, "ref", whole); !errors.Is(err, ErrUnseal) {
		t.Errorf("a whole seal opened as segments: %v", err)
	}
	stream, _ := s.SealSegments("ref", []byte("gegevens"))
	if _, err := s.Open("ref", stream); !errors.Is(err, ErrUnseal) {
		t.Errorf("a segmented seal opened whole: %v", err)
	}
}

func BenchmarkOpenSegments(b *testing.B) {
	s := testSealer(b, 9)
	sealed, _ := s.SealSegments("ref", pattern(10<<20))
	b.SetBytes(10 << 20)
	b.ReportAllocs()
	for b.Loop() {
		r, _ := s.OpenReader(bytes.NewReader(sealed), "ref")
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
