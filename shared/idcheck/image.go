package idcheck

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
)

// jpegQuality keeps a re-encoded ID copy legible without bloating it.
const jpegQuality = 90

func inspectImage(kind Kind, data []byte) (doc *Document, err error) {
	// The standard decoders are well fuzzed, but a panic on hostile input
	// must still end as a refusal, never as a crashed instance.
	defer func() {
		if recover() != nil {
			doc, err = nil, reject(CodeImageCorrupt)
		}
	}()

	decodeConfig, decode := jpeg.DecodeConfig, jpeg.Decode
	if kind == KindPNG {
		decodeConfig, decode = png.DecodeConfig, png.Decode
	}

	// The header is read first so a decompression bomb is refused before
	// any pixel memory is allocated.
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, reject(CodeImageCorrupt)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, reject(CodeImageCorrupt)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, reject(CodeImageTooLarge)
	}
	if min(cfg.Width, cfg.Height) < MinShortSide {
		return nil, reject(CodeImageTooSmall)
	}

	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, reject(CodeImageCorrupt)
	}
	// A file whose frame differs from its header (a second SOF, say) is not
	// something we can reason about; the size checks above used the header.
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, reject(CodeImageCorrupt)
	}

	if kind == KindJPEG {
		img = orient(img, exifOrientation(data))
	}

	// Re-encoding writes only pixel data: EXIF (GPS included), XMP, IPTC,
	// comments, ICC profiles, text chunks and any appended payload are gone.
	var out bytes.Buffer
	out.Grow(len(data))
	if kind == KindJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: jpegQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&out, img)
	}
	if err != nil {
		return nil, reject(CodeImageCorrupt)
	}
	b := img.Bounds()
	return &Document{Kind: kind, Data: out.Bytes(), Pages: 1, Width: b.Dx(), Height: b.Dy()}, nil
}

// exifOrientation returns the EXIF Orientation (1..8) of a JPEG, or 1 when it
// has none or the EXIF block is malformed. Phones store portrait photos
// sideways with this tag; once the EXIF is stripped the tag must already be
// applied or staff would see the ID copy on its side.
func exifOrientation(data []byte) int {
	const none = 1
	p := 2 // after SOI
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return none
		}
		marker := data[p+1]
		switch {
		case marker == 0xFF: // fill byte
			p++
			continue
		case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			p += 2
			continue
		case marker == 0xDA || marker == 0xD9: // start of scan / end of image
			return none
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return none
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return none
}

func tiffOrientation(t []byte) int {
	const none = 1
	if len(t) < 8 {
		return none
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return none
	}
	if bo.Uint16(t[2:]) != 42 {
		return none
	}
	ifd := int64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > int64(len(t)) {
		return none
	}
	n := int64(bo.Uint16(t[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(t)) {
			return none
		}
		const tagOrientation, typeShort = 0x0112, 3
		if bo.Uint16(t[e:]) != tagOrientation {
			continue
		}
		if bo.Uint16(t[e+2:]) != typeShort || bo.Uint32(t[e+4:]) != 1 {
			return none
		}
		if o := int(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return none
	}
	return none
}

// orient applies an EXIF orientation so the result displays upright without
// the tag. Orientation 1 (the common case) returns img untouched, keeping the
// encoder's fast YCbCr path.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()

	// pixel returns the source pixel at (x, y), relative to b.Min, as
	// RGBA bytes. Camera JPEGs are YCbCr: converting while copying avoids
	// a second full-size RGBA buffer (160 MB at MaxPixels).
	var pixel func(x, y int) [4]byte
	if m, ok := img.(*image.YCbCr); ok {
		pixel = func(x, y int) [4]byte {
			x, y = x+b.Min.X, y+b.Min.Y
			ci := m.COffset(x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[ci], m.Cr[ci])
			return [4]byte{r, g, bl, 0xFF}
		}
	} else {
		src := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(src, src.Bounds(), img, b.Min, draw.Src)
		pixel = func(x, y int) [4]byte {
			i := y*src.Stride + 4*x
			return [4]byte(src.Pix[i : i+4])
		}
	}

	// Orientations 5..8 swap the axes.
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored horizontally
				dx, dy = w-1-x, y
			case 3: // rotated 180°
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // needs 90° clockwise
				dx, dy = h-1-y, x
			case 7: // transversed
				dx, dy = h-1-y, w-1-x
			case 8: // needs 90° counter-clockwise
				dx, dy = y, w-1-x
			}
			p := pixel(x, y)
			i := dy*dst.Stride + 4*dx
			copy(dst.Pix[i:i+4], p[:])
		}
	}
	return dst
}
