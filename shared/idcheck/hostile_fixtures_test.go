package idcheck

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
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
	rowBytes := 1 + (w*channels*int(depth)+7)/8
	if rows == 0 || rows > h {
		rows = h
	}
	if interlace != 0 {
		rows = h // the passes together hold about as much as the image
	}
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		tb.Fatal(err)
	}
	zero := make([]byte, rowBytes)
	for range rows {
		if _, err := zw.Write(zero); err != nil {
			tb.Fatal(err)
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
