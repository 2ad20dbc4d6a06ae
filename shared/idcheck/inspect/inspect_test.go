package inspect

import (
	"bytes"
	"errors"
	"image/gif"
	"testing"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

func rejectionCode(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var r *idcheck.Rejection
	if !errors.As(err, &r) {
		t.Fatalf("error %v (%T) is not a *Rejection", err, err)
	}
	return r.Code
}

// TestInspectRefuses is the catalogue of hostile and unusable uploads.
func TestInspectRefuses(t *testing.T) {
	t.Parallel()
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, quadrants(300, 300), nil); err != nil {
		t.Fatal(err)
	}
	goodJPEG := encodeJPEG(t, quadrants(400, 300))
	goodPNG := encodePNG(t, quadrants(400, 300))
	goodPDF := buildPDF(pdfSpec{})
	oversized := make([]byte, idcheck.MaxSize+1)
	copy(oversized, goodJPEG)

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"nil", nil, idcheck.CodeEmpty},
		{"empty", []byte{}, idcheck.CodeEmpty},
		{"one byte over the limit", oversized, idcheck.CodeTooLarge},

		{"windows executable", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), idcheck.CodeUnsupportedType},
		{"elf executable", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...), idcheck.CodeUnsupportedType},
		{"html", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), idcheck.CodeUnsupportedType},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), idcheck.CodeUnsupportedType},
		{"zip", zipArchive(t), idcheck.CodeUnsupportedType},
		{"gif", gifData.Bytes(), idcheck.CodeUnsupportedType},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), idcheck.CodeUnsupportedType},
		{"bmp", []byte("BM\x3a\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), idcheck.CodeUnsupportedType},
		{"tiff", []byte("II\x2a\x00\x08\x00\x00\x00"), idcheck.CodeUnsupportedType},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), idcheck.CodeUnsupportedType},
		{"plain text", []byte("Mijn BSN is 123456782"), idcheck.CodeUnsupportedType},
		{"utf-8 bom before pdf", append([]byte("\xEF\xBB\xBF"), goodPDF...), idcheck.CodeUnsupportedType},
		{"html before pdf", append([]byte("<html><script>x()</script>"), goodPDF...), idcheck.CodeUnsupportedType},

		{"png header claiming 100000x100000", pngHeaderOnly(100000, 100000), idcheck.CodeImageTooLarge},
		{"png header claiming 2^24 squared", pngHeaderOnly(1<<24, 1<<24), idcheck.CodeImageTooLarge},
		{"jpeg claiming 65000x65000", jpegClaiming(t, goodJPEG, 65000, 65000), idcheck.CodeImageTooLarge},
		{"png just over the pixel limit", pngHeaderOnly(8000, idcheck.MaxPixels/8000+1), idcheck.CodeImageTooLarge},
		{"tiny jpeg", encodeJPEG(t, quadrants(100, 100)), idcheck.CodeImageTooSmall},
		{"narrow png", encodePNG(t, quadrants(199, 2000)), idcheck.CodeImageTooSmall},
		{"truncated jpeg", goodJPEG[:len(goodJPEG)/2], idcheck.CodeImageCorrupt},
		{"jpeg cut inside the header", goodJPEG[:20], idcheck.CodeImageCorrupt},
		{"truncated png", goodPNG[:len(goodPNG)*2/3], idcheck.CodeImageCorrupt},
		{"jpeg signature then noise", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{0x42}, 500)...), idcheck.CodeImageCorrupt},
		{"png header claiming 0x500", pngHeaderOnly(0, 500), idcheck.CodeImageCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Inspect(tt.data)
			if got, want := rejectionCode(t, err), tt.want; got != want {
				t.Errorf("Inspect() code = %q, want %q", got, want)
			}
			if doc != nil {
				t.Errorf("Inspect() returned a document alongside a refusal")
			}
		})
	}
}

func TestInspectDoesNotAliasInput(t *testing.T) {
	t.Parallel()
	for _, in := range [][]byte{encodeJPEG(t, quadrants(400, 300)), encodePNG(t, quadrants(400, 300)), buildPDF(pdfSpec{})} {
		doc, err := Inspect(in)
		if err != nil {
			t.Fatal(err)
		}
		before := bytes.Clone(doc.Data)
		for i := range in {
			in[i] = 0
		}
		if !bytes.Equal(doc.Data, before) {
			t.Errorf("%s: Document.Data changed when the input buffer was overwritten", doc.Kind)
		}
	}
}

// FuzzInspect checks that no input panics, that every error is a Rejection
// and that whatever is accepted is accepted again as the same kind: the
// sanitised output must itself be a clean file.
func FuzzInspect(f *testing.F) {
	f.Add(encodeJPEG(f, quadrants(200, 200)))
	f.Add(encodePNG(f, quadrants(200, 200)))
	f.Add(buildPDF(pdfSpec{}))
	f.Add(pngHeaderOnly(300, 300))
	// The PDF pre-scan's ways in: filters, object streams, images,
	// inline images, rich text.
	f.Add(objStmPDF(f, "<< /S /GoTo /D [5 0 R /Fit] >>"))
	f.Add(streamPDF(filterArray("ASCII85Decode", "FlateDecode"), encodeWith(f, []byte("BT (Kopie) Tj ET BI /W 2 /H 2 /CS /G /BPC 8 ID 0000 EI"), "ASCII85Decode", "FlateDecode")))
	f.Add(imagePDF("/Width 100 /Height 100 /ImageMask true /Filter /JBIG2Decode", jbig2Page(100, 100)))
	f.Add(imagePDF("/Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /JPXDecode", jpxCodestream(100, 100, 1)))
	f.Add(buildPDF(pdfSpec{page: "/Annots [6 0 R]", extra: []string{freeTextAnnot}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Inspect(data)
		if err != nil {
			var r *idcheck.Rejection
			if !errors.As(err, &r) {
				t.Fatalf("error %v is not a *Rejection", err)
			}
			return
		}
		again, err := Inspect(doc.Data)
		if err != nil {
			t.Fatalf("sanitised %s refused: %v", doc.Kind, err)
		}
		if again.Kind != doc.Kind {
			t.Fatalf("kind changed from %s to %s", doc.Kind, again.Kind)
		}
	})
}

// The signatures kept here for the hidden-image checks are the ones idcheck.Detect knows.
func TestSignaturesAreDetects(t *testing.T) {
	t.Parallel()
	for want, sig := range map[idcheck.Kind][]byte{idcheck.KindJPEG: sigJPEG, idcheck.KindPNG: sigPNG} {
		if got, ok := idcheck.Detect(sig); !ok || got != want {
			t.Errorf("Detect(%x) = %q, %v; want %q", sig, got, ok, want)
		}
	}
}
