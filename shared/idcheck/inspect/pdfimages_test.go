package inspect

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// jbig2Segment is one segment of embedded JBIG2 data (T.88 7.2), associated
// with page 1.
func jbig2Segment(number uint32, typ byte, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, number)
	b = append(b, typ, 0x00, 0x01) // no referred-to segments, page 1
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	return append(b, data...)
}

// jbig2Page is JBIG2 data declaring a w×h page and nothing on it.
func jbig2Page(w, h uint32) []byte {
	info := binary.BigEndian.AppendUint32(nil, w)
	info = binary.BigEndian.AppendUint32(info, h)
	info = append(info, make([]byte, 8+1+2)...) // resolution, flags, striping
	return append(jbig2Segment(0, 48, info), jbig2Segment(1, 49, nil)...)
}

// jbig2PatternDict is a JBIG2 pattern dictionary of n patterns of w×h.
func jbig2PatternDict(w, h byte, n uint32) []byte {
	data := []byte{0, w, h}
	data = binary.BigEndian.AppendUint32(data, n-1)
	return jbig2Segment(0, 16, data)
}

// jpxCodestream is a JPEG 2000 codestream header declaring w×h pixels of
// comps 8-bit components.
func jpxCodestream(w, h uint32, comps int) []byte {
	siz := []byte{0xFF, 0x4F, 0xFF, 0x51}
	siz = binary.BigEndian.AppendUint16(siz, uint16(38+3*comps))
	siz = append(siz, 0, 0)
	for _, v := range []uint32{w, h, 0, 0, w, h, 0, 0} {
		siz = binary.BigEndian.AppendUint32(siz, v)
	}
	siz = binary.BigEndian.AppendUint16(siz, uint16(comps))
	for range comps {
		siz = append(siz, 7, 1, 1)
	}
	return append(siz, 0xFF, 0xD9)
}

// imagePDF is a one-page PDF showing one image XObject with the given
// dictionary entries and data.
func imagePDF(dict string, data []byte, extra ...string) []byte {
	return buildPDF(pdfSpec{resources: "/XObject << /Im0 6 0 R >>", extra: append([]string{
		streamObject("/Type /XObject /Subtype /Image "+dict, data)}, extra...)})
}

// TestInspectPDFImageBombs: an image is bounded like a photo, by what its
// dictionary declares and by what its codec's own header declares, since a
// viewer allocates by either; an image codec outside an image is refused.
func TestInspectPDFImageBombs(t *testing.T) {
	t.Parallel()
	gray := func(w, h int, filter string) string {
		return fmt.Sprintf("/Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /%s", w, h, filter)
	}
	bilevel := func(w, h int, filter string) string {
		return fmt.Sprintf("/Width %d /Height %d /ImageMask true /Filter /%s", w, h, filter)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"JPEG 800x600", jpegPDF(encodeJPEG(t, noisy(800, 600)), 800, 600), ""},
		{"JPEG 30000x30000", jpegPDF(craftJPEG(30000, 30000, 1, false), 30000, 30000), idcheck.CodeImageTooLarge},
		{"JPEG 30000x30000 declared 1000x1000", jpegPDF(craftJPEG(30000, 30000, 1, false), 1000, 1000), idcheck.CodeImageTooLarge},
		{"JPEG data that is no JPEG", imagePDF(gray(100, 100, "DCTDecode"), []byte("not a jpeg")), idcheck.CodePDFCorrupt},
		{"Flate image declaring 10000x10000", imageBombPDF(t, 10000, 10000, 1000), idcheck.CodeImageTooLarge},
		{"image without dimensions", imagePDF("/ColorSpace /DeviceGray /BitsPerComponent 8", []byte{0}), idcheck.CodePDFCorrupt},
		{"16-bit DeviceN of 8 inks, 20 MP", imagePDF("/Width 5000 /Height 4000 /BitsPerComponent 16 "+
			"/ColorSpace [/DeviceN [/C /M /Y /K /O /G /V /W] /DeviceCMYK 7 0 R] /Filter /FlateDecode",
			zeroFlate(t, 1000), "<< /FunctionType 2 /Domain [0 1] /N 1 >>"), idcheck.CodeImageTooLarge},

		{"JBIG2 page 2000x3000", imagePDF(bilevel(2000, 3000, "JBIG2Decode"), jbig2Page(2000, 3000)), ""},
		{"JBIG2 page 100000x100000 declared 100x100", imagePDF(bilevel(100, 100, "JBIG2Decode"), jbig2Page(100000, 100000)), idcheck.CodeImageTooLarge},
		{"JBIG2 with a file header", imagePDF(bilevel(100, 100, "JBIG2Decode"),
			append(append(bytesOf(jbig2FileHeader), 0x01, 0, 0, 0, 1), jbig2Page(100000, 100000)...)), idcheck.CodeImageTooLarge},
		{"JBIG2 globals with a huge pattern dictionary", imagePDF(bilevel(100, 100, "JBIG2Decode")+" /DecodeParms << /JBIG2Globals 7 0 R >>",
			jbig2Page(100, 100), streamObject("", jbig2PatternDict(255, 255, 1<<20))), idcheck.CodeImageTooLarge},
		{"JBIG2 segments that run short", imagePDF(bilevel(100, 100, "JBIG2Decode"), []byte{0, 0, 0}), idcheck.CodePDFCorrupt},

		{"JPEG 2000 1000x800", imagePDF(gray(1000, 800, "JPXDecode"), jpxCodestream(1000, 800, 1)), ""},
		{"JPEG 2000 20000x20000 declared 100x100", imagePDF(gray(100, 100, "JPXDecode"), jpxCodestream(20000, 20000, 1)), idcheck.CodeImageTooLarge},
		{"JPEG 2000 of 9 components", imagePDF("/Width 6000 /Height 6000 /Filter /JPXDecode", jpxCodestream(6000, 6000, 9)), idcheck.CodeImageTooLarge},

		{"CCITT 2480x3508", imagePDF(bilevel(2480, 3508, "CCITTFaxDecode")+" /DecodeParms << /K -1 /Columns 2480 /Rows 3508 >>", []byte{0}), ""},
		{"CCITT of 100000 columns declared 100x100", imagePDF(bilevel(100, 100, "CCITTFaxDecode")+" /DecodeParms << /K -1 /Columns 100000 /Rows 100000 >>", []byte{0}), idcheck.CodeImageTooLarge},

		// The standard lets a thumbnail leave out /Type and /Subtype, and
		// producers do the same with soft masks (pdf.js issue19326.pdf).
		{"JBIG2 thumbnail without a subtype", buildPDF(pdfSpec{page: "/Thumb 6 0 R", extra: []string{
			streamObject(bilevel(100, 100, "JBIG2Decode"), jbig2Page(100, 100))}}), ""},
		{"JPEG 2000 soft mask without a subtype", imagePDF(gray(100, 100, "JPXDecode")+" /SMask 7 0 R", jpxCodestream(100, 100, 1),
			streamObject(gray(100, 100, "JPXDecode"), jpxCodestream(100, 100, 1))), ""},
		{"JPEG 2000 soft mask without a subtype, 20000x20000", imagePDF(gray(100, 100, "JPXDecode")+" /SMask 7 0 R", jpxCodestream(100, 100, 1),
			streamObject(gray(100, 100, "JPXDecode"), jpxCodestream(20000, 20000, 1))), idcheck.CodeImageTooLarge},
		{"JBIG2 without a subtype as page content", streamPDF("/Filter /JBIG2Decode", jbig2Page(100, 100)), idcheck.CodePDFCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := heavy.inspect(context.Background(), tt.data)
			if got := rejectionCode(t, err); got != tt.want {
				t.Errorf("Inspect() code = %q, want %q", got, tt.want)
			}
		})
	}
}

func bytesOf(b []byte) []byte { return append([]byte(nil), b...) }
