package inspect

import (
	"archive/zip"
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// Fixtures are built in code so each hostile case states exactly what makes
// it hostile, and no binary blobs need trusting.

var (
	red   = color.RGBA{R: 255, A: 255}
	green = color.RGBA{G: 255, A: 255}
	blue  = color.RGBA{B: 255, A: 255}
	white = color.RGBA{R: 255, G: 255, B: 255, A: 255}
)

// quadrants is a w×h image with red, green, blue and white quadrants (top
// left, top right, bottom left, bottom right), so any rotation or mirroring
// is visible.
func quadrants(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := red
			switch {
			case x >= w/2 && y < h/2:
				c = green
			case x < w/2 && y >= h/2:
				c = blue
			case x >= w/2 && y >= h/2:
				c = white
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// noisy is a w×h image of deterministic noise over a gradient, which
// compresses about as badly as a photo.
func noisy(w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		x, y := (i/4)%w, (i/4)/w
		img.Pix[i] = uint8(x*255/w) ^ uint8(r.IntN(32))
		img.Pix[i+1] = uint8(y*255/h) ^ uint8(r.IntN(32))
		img.Pix[i+2] = uint8(r.IntN(256))
		img.Pix[i+3] = 255
	}
	return img
}

func encodeJPEG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(tb testing.TB, img image.Image) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// jpegSegment builds a JPEG marker segment with its length.
func jpegSegment(marker byte, payload []byte) []byte {
	seg := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// afterSOI inserts segments right after a JPEG's start-of-image marker,
// where cameras put APP1 Exif.
func afterSOI(jpg []byte, segments ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

// exifAPP1 builds an APP1 Exif segment (big-endian TIFF) with an
// Orientation tag (when orientation > 0), an ImageDescription holding
// secret, and a GPS IFD with latitude and longitude.
func exifAPP1(orientation int, secret string) []byte {
	bo := binary.BigEndian
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // inline when ≤ 4 bytes, else stored after the IFD
	}
	rational := func(pairs ...uint32) []byte {
		b := make([]byte, 4*len(pairs))
		for i, p := range pairs {
			bo.PutUint32(b[4*i:], p)
		}
		return b
	}
	short := func(v uint16) []byte { b := make([]byte, 4); bo.PutUint16(b, v); return b }
	long := func(v uint32) []byte { b := make([]byte, 4); bo.PutUint32(b, v); return b }

	// writeIFD lays out an IFD at offset off and returns it with its
	// out-of-line data.
	writeIFD := func(off uint32, entries []entry) []byte {
		ifdLen := uint32(2 + 12*len(entries) + 4)
		var ifd, data []byte
		ifd = binary.BigEndian.AppendUint16(ifd, uint16(len(entries)))
		for _, e := range entries {
			ifd = bo.AppendUint16(ifd, e.tag)
			ifd = bo.AppendUint16(ifd, e.typ)
			ifd = bo.AppendUint32(ifd, e.count)
			if len(e.value) <= 4 {
				ifd = append(ifd, append(e.value, make([]byte, 4-len(e.value))...)...)
				continue
			}
			ifd = bo.AppendUint32(ifd, off+ifdLen+uint32(len(data)))
			data = append(data, e.value...)
		}
		ifd = bo.AppendUint32(ifd, 0) // no next IFD
		return append(ifd, data...)
	}

	desc := append([]byte(secret), 0)
	ifd0 := []entry{{tag: 0x010E, typ: 2, count: uint32(len(desc)), value: desc}}
	if orientation > 0 {
		ifd0 = append(ifd0, entry{tag: 0x0112, typ: 3, count: 1, value: short(uint16(orientation))})
	}
	// The GPS IFD offset is known only once IFD0's size is: lay out IFD0
	// once with a placeholder to measure it.
	ifd0 = append(ifd0, entry{tag: 0x8825, typ: 4, count: 1, value: long(0)})
	first := writeIFD(8, ifd0)
	gpsOff := uint32(8 + len(first))
	ifd0[len(ifd0)-1].value = long(gpsOff)
	first = writeIFD(8, ifd0)
	gps := writeIFD(gpsOff, []entry{
		{tag: 0x0001, typ: 2, count: 2, value: []byte("N\x00")},
		{tag: 0x0002, typ: 5, count: 3, value: rational(52, 1, 5, 1, 2700, 100)},
		{tag: 0x0003, typ: 2, count: 2, value: []byte("E\x00")},
		{tag: 0x0004, typ: 5, count: 3, value: rational(5, 1, 39, 1, 3600, 100)},
	})
	tiff := append([]byte("MM\x00\x2a\x00\x00\x00\x08"), first...)
	tiff = append(tiff, gps...)
	return jpegSegment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// jpegSegments lists the markers of a JPEG up to start-of-scan.
func jpegSegments(tb testing.TB, jpg []byte) []byte {
	tb.Helper()
	var markers []byte
	for p := 2; p+4 <= len(jpg); {
		if jpg[p] != 0xFF {
			tb.Fatalf("no marker at %d", p)
		}
		m := jpg[p+1]
		markers = append(markers, m)
		if m == 0xDA {
			break
		}
		p += 2 + int(binary.BigEndian.Uint16(jpg[p+2:]))
	}
	return markers
}

// pngChunk builds a PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

// afterIHDR inserts chunks after a PNG's header chunk.
func afterIHDR(p []byte, chunks ...[]byte) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	out := append([]byte{}, p[:ihdrEnd]...)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, p[ihdrEnd:]...)
}

// pngChunkTypes lists the chunk types of a PNG.
func pngChunkTypes(tb testing.TB, p []byte) []string {
	tb.Helper()
	var types []string
	for i := 8; i+8 <= len(p); {
		n := int(binary.BigEndian.Uint32(p[i:]))
		types = append(types, string(p[i+4:i+8]))
		i += 12 + n
	}
	return types
}

// pngHeaderOnly is a PNG signature and an IHDR claiming w×h, with no pixel
// data: what a decompression bomb looks like to DecodeConfig.
func pngHeaderOnly(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	return append(append([]byte{}, sigPNG...), pngChunk("IHDR", ihdr)...)
}

// jpegClaiming rewrites the frame header of a real JPEG to claim w×h.
func jpegClaiming(tb testing.TB, jpg []byte, w, h uint16) []byte {
	tb.Helper()
	out := append([]byte{}, jpg...)
	i := bytes.Index(out, []byte{0xFF, 0xC0})
	if i < 0 {
		tb.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(out[i+5:], h)
	binary.BigEndian.PutUint16(out[i+7:], w)
	return out
}

func zipArchive(tb testing.TB) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	f, err := zw.Create("payload.exe")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Write([]byte("MZ not really a program")); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// pdfSpec describes a small PDF built by buildPDF. Objects are numbered:
// 1 catalog, 2 page tree, 3 font, 4 page content, then one object per page,
// then extra (so with one page the first extra object is 6 0 R).
type pdfSpec struct {
	pages     int
	catalog   string   // extra catalog entries
	page      string   // extra entries for every page
	resources string   // extra resource categories / entries
	extra     []string // further objects, body only ("<< ... >>" or with stream)
	trailer   string   // extra trailer entries
	orphan    string   // an object written in the body but missing from the xref
	header    string   // default "%PDF-1.7"
	content   string   // the pages' content stream; default one line of text
}

func buildPDF(s pdfSpec) []byte {
	if s.pages == 0 {
		s.pages = 1
	}
	if s.header == "" {
		s.header = "%PDF-1.7"
	}
	content := cmp.Or(s.content, "BT /F1 24 Tf 72 720 Td (Kopie ID) Tj ET")
	kids := make([]string, s.pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 5+i)
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R " + s.catalog + " >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), s.pages),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	}
	for range s.pages {
		objs = append(objs, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "+
			"/Resources << /Font << /F1 3 0 R >> "+s.resources+" >> "+s.page+" >>")
	}
	objs = append(objs, s.extra...)

	var b bytes.Buffer
	b.WriteString(s.header + "\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	if s.orphan != "" {
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(objs)+1, s.orphan)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, s.trailer, xref)
	return b.Bytes()
}

// streamObject is the body of a stream object holding data.
func streamObject(dict string, data []byte) string {
	return fmt.Sprintf("<< /Length %d %s >>\nstream\n%s\nendstream", len(data), dict, data)
}

// objStmPDF is a PDF 1.5 whose catalog opens object 6, which lives only
// inside a Flate-compressed object stream (object 7) listed by a
// cross-reference stream (object 8): the way to hide a script from anything
// that reads the file as text.
func objStmPDF(tb testing.TB, hidden string) []byte {
	tb.Helper()
	return objStmPDFWith(tb, "/OpenAction 6 0 R", "", hidden)
}

// objStmPDFWith is objStmPDF with the references to object 6 chosen by the
// caller: extra catalog entries and extra page entries.
func objStmPDFWith(tb testing.TB, catalog, page, hidden string) []byte {
	tb.Helper()
	return objStmPDFListed(tb, catalog, page, hidden, listedInXRefStream)
}

// How a fixture's cross-reference data lists object 6, which lives in
// object stream 7.
type hiddenListing int

const (
	listedInXRefStream hiddenListing = iota // a cross-reference stream lists it
	notListed                               // nothing lists it: only the stream holds it
	hybridXRefStm                           // a classic table marks it free, the trailer's /XRefStm lists it
)

func objStmPDFListed(tb testing.TB, catalog, page, hidden string, listing hiddenListing) []byte {
	tb.Helper()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write([]byte("6 0 " + hidden)); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	content := "BT /F1 24 Tf 72 720 Td (Kopie ID) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R " + catalog + " >>",
		"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> " + page + " >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := map[int]int{}
	for i, o := range objs {
		offsets[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	offsets[7] = b.Len()
	fmt.Fprintf(&b, "7 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n", z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	offsets[8] = b.Len()

	var xref []byte
	row := func(typ byte, f2 uint32, f3 uint16) {
		xref = append(xref, typ)
		xref = binary.BigEndian.AppendUint32(xref, f2)
		xref = binary.BigEndian.AppendUint16(xref, f3)
	}
	if listing == hybridXRefStm {
		// The stream lists object 6 only; the classic table lists the rest.
		row(2, 7, 0)
		fmt.Fprintf(&b, "8 0 obj\n<< /Type /XRef /Size 9 /Index [6 1] /W [1 4 2] /Length %d >>\nstream\n", len(xref))
		b.Write(xref)
		b.WriteString("\nendstream\nendobj\n")
		start := b.Len()
		b.WriteString("xref\n0 9\n0000000000 65535 f \n")
		for nr := 1; nr <= 8; nr++ {
			if nr == 6 {
				b.WriteString("0000000000 00001 f \n")
				continue
			}
			fmt.Fprintf(&b, "%010d 00000 n \n", offsets[nr])
		}
		fmt.Fprintf(&b, "trailer\n<< /Size 9 /Root 1 0 R /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n", offsets[8], start)
		return b.Bytes()
	}
	row(0, 0, 0xFFFF)
	for nr := 1; nr <= 8; nr++ {
		switch {
		case nr == 6 && listing == notListed:
			row(0, 0, 0)
		case nr == 6:
			row(2, 7, 0) // in object stream 7, at index 0
		default:
			row(1, uint32(offsets[nr]), 0)
		}
	}
	fmt.Fprintf(&b, "8 0 obj\n<< /Type /XRef /Size 9 /Root 1 0 R /W [1 4 2] /Length %d >>\nstream\n", len(xref))
	b.Write(xref)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offsets[8])
	return b.Bytes()
}

// inflatedStreams is every zlib stream in a PDF, decompressed, so a test
// can look inside content, image and object streams alike.
func inflatedStreams(pdf []byte) [][]byte {
	var out [][]byte
	for i := 0; i+2 < len(pdf); i++ {
		if pdf[i] != 0x78 {
			continue
		}
		r, err := zlib.NewReader(bytes.NewReader(pdf[i:]))
		if err != nil {
			continue
		}
		if d, _ := io.ReadAll(r); len(d) > 0 {
			out = append(out, d)
		}
	}
	return out
}
