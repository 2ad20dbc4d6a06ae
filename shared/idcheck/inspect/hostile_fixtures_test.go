package inspect

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"hash/crc32"
	"strings"
	"testing"
)

// craftJPEG builds a JPEG that claims w×h pixels but costs almost nothing to
// store: every 8×8 block of every component is the same flat grey, coded in
// one or two bits. nComp is 1 (grey), 3 (YCbCr) or 4 (CMYK); every component
// is sampled 1×1 (4:4:4), the most expensive layout. progressive writes a
// single DC scan (SOF2), the way a decompression bomb makes a decoder keep
// four bytes of coefficients per sample; otherwise a baseline scan (SOF0).
// segments go right after SOI (an EXIF orientation, say).
func craftJPEG(w, h, nComp int, progressive bool, segments ...[]byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xD8})
	for _, s := range segments {
		b.Write(s)
	}
	if nComp == 4 {
		// Adobe APP14, transform 0: the components are CMYK as stored.
		b.Write(jpegSegment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x00")))
	}
	dqt := append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)
	b.Write(jpegSegment(0xDB, dqt))

	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(nComp)}
	for i := range nComp {
		sof = append(sof, byte(i+1), 0x11, 0)
	}
	marker := byte(0xC0)
	if progressive {
		marker = 0xC2
	}
	b.Write(jpegSegment(marker, sof))

	// One code of length 1 per table: DC category 0, and AC end of block.
	oneCode := func(class byte, symbol byte) []byte {
		t := []byte{class << 4, 1}
		t = append(t, make([]byte, 15)...)
		return append(t, symbol)
	}
	b.Write(jpegSegment(0xC4, oneCode(0, 0)))
	bitsPerBlock := 1
	if !progressive {
		b.Write(jpegSegment(0xC4, oneCode(1, 0x00)))
		bitsPerBlock = 2
	}

	sos := []byte{byte(nComp)}
	for i := range nComp {
		sos = append(sos, byte(i+1), 0x00)
	}
	se := byte(63)
	if progressive {
		se = 0
	}
	sos = append(sos, 0, se, 0)
	b.Write(jpegSegment(0xDA, sos))

	blocks := ((w + 7) / 8) * ((h + 7) / 8) * nComp
	bits := blocks * bitsPerBlock
	b.Write(make([]byte, bits/8))
	if r := bits % 8; r != 0 {
		b.WriteByte(0xFF >> r) // the rest of the last byte is padding ones
		b.WriteByte(0x00)      // a coded 0xFF is followed by a stuffed zero
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// manyScansJPEG is a progressive grey JPEG of w×h pixels with a DC scan
// and then scans AC scans that each code nothing but end-of-block runs:
// about 20 bytes per scan, each making a decoder walk every block again.
func manyScansJPEG(w, h, scans int) []byte {
	jpg := craftJPEG(w, h, 1, true)
	jpg = jpg[:len(jpg)-2] // drop EOI
	var b bytes.Buffer
	b.Write(jpg)
	// AC table 0: one code, "0", for EOBRUN with 14 extra bits (0xE0).
	t := []byte{1 << 4, 1}
	t = append(t, make([]byte, 15)...)
	t = append(t, 0xE0)
	b.Write(jpegSegment(0xC4, t))
	blocks := ((w + 7) / 8) * ((h + 7) / 8)
	for range scans {
		b.Write(jpegSegment(0xDA, []byte{1, 1, 0x00, 1, 63, 0}))
		var bits []byte // one bit per element, MSB first
		for left := blocks; left > 0; {
			run := min(left, 32767)
			bits = append(bits, 0) // the code
			extra := run - 1<<14   // EOBRUN = 2^14 + extra
			if run < 1<<14 {
				// Runs shorter than 2^14 need another symbol; pad
				// with full runs instead: decoders stop at the last block.
				extra = 0
			}
			for i := 13; i >= 0; i-- {
				bits = append(bits, byte(extra>>i)&1)
			}
			left -= max(run, 1<<14)
		}
		for len(bits)%8 != 0 {
			bits = append(bits, 1)
		}
		for i := 0; i < len(bits); i += 8 {
			var c byte
			for _, bit := range bits[i : i+8] {
				c = c<<1 | bit
			}
			b.WriteByte(c)
			if c == 0xFF {
				b.WriteByte(0)
			}
		}
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

// craftPNG builds a PNG that claims w×h pixels of the given bit depth and
// colour type whose image data is all zero, which deflate shrinks about a
// thousandfold. rows limits how many rows of data it really holds (0: all),
// so a test can claim a huge image without compressing it.
func craftPNG(tb testing.TB, w, h int, depth, colorType byte, interlace byte, rows int) []byte {
	tb.Helper()
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	channels := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colorType]
	rowBytes := func(w int) int { return 1 + (w*channels*int(depth)+7)/8 }
	if rows == 0 || rows > h {
		rows = h
	}
	// Each Adam7 pass is a small image of its own: x and y offset and step.
	passes := [][4]int{{0, 0, 1, 1}}
	if interlace != 0 {
		passes = [][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	}
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		tb.Fatal(err)
	}
	for _, p := range passes {
		pw, ph := (w-p[0]+p[2]-1)/p[2], (rows-p[1]+p[3]-1)/p[3]
		if pw <= 0 || ph <= 0 {
			continue
		}
		zero := make([]byte, rowBytes(pw))
		for range ph {
			if _, err := zw.Write(zero); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, depth, colorType, 0, 0, interlace)
	out := append([]byte{}, sigPNG...)
	out = append(out, chunk("IHDR", ihdr)...)
	if colorType == 3 {
		out = append(out, chunk("PLTE", []byte{0, 0, 0})...)
	}
	out = append(out, chunk("IDAT", z.Bytes())...)
	return append(out, chunk("IEND", nil)...)
}

// zeroFlate is n zero bytes, zlib-compressed: about a thousandth of n.
func zeroFlate(tb testing.TB, n int) []byte {
	tb.Helper()
	return fillFlate(tb, nil, 0, n)
}

// fillFlate is prefix followed by n copies of fill, zlib-compressed. A
// deflate block that codes a run of one byte refers only to that byte
// before it, so one such block, compressed once, is repeated as often as
// needed: a gigabyte costs milliseconds to make.
func fillFlate(tb testing.TB, prefix []byte, fill byte, n int) []byte {
	tb.Helper()
	const chunk = 1 << 20
	run := bytes.Repeat([]byte{fill}, chunk)
	var z bytes.Buffer
	fw, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		tb.Fatal(err)
	}
	write := func(p []byte) []byte {
		z.Reset()
		if _, err := fw.Write(p); err != nil {
			tb.Fatal(err)
		}
		if err := fw.Flush(); err != nil {
			tb.Fatal(err)
		}
		return bytes.Clone(z.Bytes())
	}
	out := []byte{0x78, 0xDA} // zlib header: deflate, 32 KiB window, best compression
	out = append(out, write(prefix)...)
	first := min(n, chunk)
	out = append(out, write(run[:first])...)
	left := n - first
	if left >= chunk {
		block := write(run) // a run after a run: repeatable
		for ; left >= chunk; left -= chunk {
			out = append(out, block...)
		}
	}
	out = append(out, write(run[:left])...)
	z.Reset()
	if err := fw.Close(); err != nil { // the final, empty block
		tb.Fatal(err)
	}
	out = append(out, z.Bytes()...)
	// Adler-32, the run in closed form: s1 grows by fill per byte, s2 by s1.
	const mod = 65521
	a := adler32.Checksum(prefix)
	s1, s2 := uint64(a&0xFFFF), uint64(a>>16)
	m, c := uint64(n), uint64(fill)
	var tri uint64 // n(n+1)/2
	if m%2 == 0 {
		tri = (m / 2 % mod) * ((m + 1) % mod) % mod
	} else {
		tri = (m % mod) * ((m + 1) / 2 % mod) % mod
	}
	s2 = (s2 + m%mod*s1 + c*tri) % mod
	s1 = (s1 + m%mod*c) % mod
	return binary.BigEndian.AppendUint32(out, uint32(s2<<16|s1))
}

// imagesPDF is a PDF of pages pages whose every page shows images distinct
// image objects, each a Flate-compressed black 6000×6600 RGB picture: about
// 115 KiB on disk, 113 MiB when decoded.
func imagesPDF(tb testing.TB, pages, images int) []byte {
	tb.Helper()
	img := zeroFlate(tb, 6000*6600*3)
	var names []string
	var extra []string
	for i := range images {
		names = append(names, fmt.Sprintf("/Im%d %d 0 R", i, 5+pages+i))
		extra = append(extra, streamObject("/Type /XObject /Subtype /Image /Width 6000 /Height 6600 "+
			"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", img))
	}
	return buildPDF(pdfSpec{pages: pages, resources: "/XObject << " + strings.Join(names, " ") + " >>", extra: extra})
}

// contentBombPDF is a one-page PDF whose content stream inflates to n bytes.
func contentBombPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	pdf := buildPDF(pdfSpec{page: "/Annots []", extra: []string{
		streamObject("/Filter /FlateDecode", zeroFlate(tb, n)),
	}})
	// Point the page at the bomb instead of the small content stream.
	return bytes.Replace(pdf, []byte("/Contents 4 0 R"), []byte("/Contents 6 0 R"), 1)
}

// manyObjectsPDF is a one-page PDF padded with n tiny objects, each an
// array referring to the next, all listed in a classic cross-reference
// table: the most objects a file of its size can declare.
func manyObjectsPDF(n int) []byte {
	extra := make([]string, n)
	for i := range extra {
		extra[i] = fmt.Sprintf("[%d 0 R]", 7+i)
	}
	extra[n-1] = "[]"
	return buildPDF(pdfSpec{catalog: "/Foo 6 0 R", extra: extra})
}

// packedObjectsPDF is a one-page PDF with n tiny objects packed into one
// compressed object stream, all listed in a cross-reference stream.
func packedObjectsPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	const first = 6 // object numbers 6 .. 6+n-1 are packed; n+6 is the stream
	var head, body bytes.Buffer
	for i := range n {
		fmt.Fprintf(&head, "%d %d ", first+i, body.Len())
		if i == n-1 {
			body.WriteString("[] ")
		} else {
			fmt.Fprintf(&body, "[%d 0 R] ", first+i+1)
		}
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(head.Bytes())
	zw.Write(body.Bytes())
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	content := "BT /F1 24 Tf 72 720 Td (Kopie ID) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Foo 6 0 R >>",
		"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := map[int]int{}
	for i, o := range objs {
		offsets[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	stm, xrefNr := first+n, first+n+1
	offsets[stm] = b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n", stm, n, head.Len(), z.Len())
	b.Write(z.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	offsets[xrefNr] = b.Len()
	var xref []byte
	row := func(typ byte, f2 uint32, f3 uint16) {
		xref = append(xref, typ)
		xref = binary.BigEndian.AppendUint32(xref, f2)
		xref = binary.BigEndian.AppendUint16(xref, f3)
	}
	row(0, 0, 0xFFFF)
	for nr := 1; nr <= xrefNr; nr++ {
		if nr >= first && nr < stm {
			row(2, uint32(stm), uint16(nr-first))
			continue
		}
		row(1, uint32(offsets[nr]), 0)
	}
	var zx bytes.Buffer
	zxw := zlib.NewWriter(&zx)
	zxw.Write(xref)
	zxw.Close()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /Root 1 0 R /W [1 4 2] /Filter /FlateDecode /Length %d >>\nstream\n", xrefNr, xrefNr+1, zx.Len())
	b.Write(zx.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offsets[xrefNr])
	return b.Bytes()
}

// metadataBombPDF is a one-page PDF whose catalog's XMP metadata stream
// inflates to n zero bytes: the finding of the review (500 MiB in 498 KiB).
func metadataBombPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	return buildPDF(pdfSpec{catalog: "/Metadata 6 0 R", extra: []string{
		streamObject("/Type /Metadata /Subtype /XML /Filter /FlateDecode", zeroFlate(tb, n)),
	}})
}

// embeddedFileBombPDF is a one-page PDF with an attached file, named in the
// catalog's embedded files tree, that inflates to n zero bytes.
func embeddedFileBombPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	return buildPDF(pdfSpec{catalog: "/Names << /EmbeddedFiles << /Names [(scan.pdf) 6 0 R] >> >>", extra: []string{
		"<< /Type /Filespec /F (scan.pdf) /UF (scan.pdf) /EF << /F 7 0 R >> >>",
		streamObject("/Type /EmbeddedFile /Filter /FlateDecode", zeroFlate(tb, n)),
	}})
}

// imageBombPDF is a one-page PDF showing a w×h RGB image whose Flate
// stream inflates to n zero bytes, whatever its dimensions promise.
func imageBombPDF(tb testing.TB, w, h, n int) []byte {
	tb.Helper()
	return buildPDF(pdfSpec{resources: "/XObject << /Im0 6 0 R >>", extra: []string{
		streamObject(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode", w, h),
			zeroFlate(tb, n)),
	}})
}

// jpegPDF is a one-page PDF showing jpg as an image XObject that declares
// w×h pixels (its JPEG header may say otherwise).
func jpegPDF(jpg []byte, w, h int) []byte {
	return buildPDF(pdfSpec{resources: "/XObject << /Im0 6 0 R >>", extra: []string{
		streamObject(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode", w, h), jpg),
	}})
}

// objStmBombPDF is a one-page PDF 1.5 with streams object streams, each
// holding one small annotation of the page followed by padding, so that
// each inflates to size bytes: pdfcpu unpacks every object stream whose
// objects it reads, each under its own per-stream limit.
func objStmBombPDF(tb testing.TB, streams, size int) []byte {
	tb.Helper()
	const packed = 6 // objects 6 .. 6+streams-1 are packed, one per stream
	refs := make([]string, streams)
	for i := range refs {
		refs[i] = fmt.Sprintf("%d 0 R", packed+i)
	}
	content := "BT /F1 24 Tf 72 720 Td (Kopie ID) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 3 0 R >> >> /Annots [" + strings.Join(refs, " ") + "] >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := map[int]int{}
	for i, o := range objs {
		offsets[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	stm := packed + streams // the first object stream's number
	for i := range streams {
		head := fmt.Sprintf("%d 0 ", packed+i)
		body := "<< /Type /Annot /Subtype /Square /Rect [0 0 9 9] >> "
		z := fillFlate(tb, []byte(head+body), ' ', max(0, size-len(head)-len(body)))
		offsets[stm+i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n", stm+i, len(head), len(z))
		b.Write(z)
		b.WriteString("\nendstream\nendobj\n")
	}
	xrefNr := stm + streams
	offsets[xrefNr] = b.Len()
	var xref []byte
	row := func(typ byte, f2 uint32, f3 uint16) {
		xref = append(xref, typ)
		xref = binary.BigEndian.AppendUint32(xref, f2)
		xref = binary.BigEndian.AppendUint16(xref, f3)
	}
	row(0, 0, 0xFFFF)
	for nr := 1; nr <= xrefNr; nr++ {
		if nr >= packed && nr < stm {
			row(2, uint32(stm+nr-packed), 0)
			continue
		}
		row(1, uint32(offsets[nr]), 0)
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /Root 1 0 R /W [1 4 2] /Length %d >>\nstream\n", xrefNr, xrefNr+1, len(xref))
	b.Write(xref)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offsets[xrefNr])
	return b.Bytes()
}

// bigDictsPDF is a 9 MiB one-page PDF padded with 18 000 chained
// dictionaries of 23 entries each: slow for pdfcpu to read, validate and
// write (3.6 s with pdfcpu 0.16).
func bigDictsPDF() []byte {
	entries := make([]string, 22)
	for k := range entries {
		entries[k] = fmt.Sprintf("/K%d [1 2 3 (abc) /N]", k)
	}
	extra := make([]string, 18_000)
	for i := range extra {
		extra[i] = fmt.Sprintf("<< %s /Next %d 0 R >>", strings.Join(entries, " "), 7+i)
	}
	extra[len(extra)-1] = "<< >>"
	return buildPDF(pdfSpec{catalog: "/Foo 6 0 R", extra: extra})
}

// lzwImagesPDF is a one-page PDF showing n grey images of w×h pixels, each
// stored with LZW (of zeros): as slow to decode as filters come.
func lzwImagesPDF(tb testing.TB, n, w, h int) []byte {
	tb.Helper()
	stream := streamObject(fmt.Sprintf("/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /LZWDecode", w, h),
		encodeWith(tb, make([]byte, w*h), "LZWDecode"))
	var names, extra []string
	for i := range n {
		names = append(names, fmt.Sprintf("/Im%d %d 0 R", i, 6+i))
		extra = append(extra, stream)
	}
	return buildPDF(pdfSpec{resources: "/XObject << " + strings.Join(names, " ") + " >>", extra: extra})
}

// tinyStreamsPDF hides as many tiny Flate streams as fit in 9 MiB inside
// the data of one stream.
func tinyStreamsPDF(tb testing.TB) []byte {
	tb.Helper()
	unit := append([]byte("1 0 obj<</Filter /FlateDecode>>stream\n"), zeroFlate(tb, 1000)...)
	return buildPDF(pdfSpec{extra: []string{streamObject("", bytes.Repeat(unit, (9<<20)/len(unit)))}})
}
