package inspect

import (
	"testing"
)

// BenchmarkInspectJPEG2MP measures the full check and re-encode of a
// phone-sized ID photo (1632×1224, about 2 megapixels).
func BenchmarkInspectJPEG2MP(b *testing.B) {
	data := afterSOI(encodeJPEG(b, noisy(1632, 1224)), exifAPP1(1, "x"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectJPEG2MPRotated adds the orientation transform most
// portrait phone photos need.
func BenchmarkInspectJPEG2MPRotated(b *testing.B) {
	data := afterSOI(encodeJPEG(b, noisy(1632, 1224)), exifAPP1(6, "x"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInspectPDF(b *testing.B) {
	data := buildPDF(pdfSpec{pages: 2})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Inspect(data); err != nil {
			b.Fatal(err)
		}
	}
}
