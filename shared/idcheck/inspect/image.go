package inspect

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// jpegQuality keeps a re-encoded ID copy legible without bloating it.
const jpegQuality = 90

// maxOutput bounds a sanitised image. A legible ID copy is far smaller; a
// re-encode that grows beyond it is refused rather than buffered.
const maxOutput = 2 * idcheck.MaxSize

var errOutputTooLarge = errors.New("idcheck: sanitised image too large")

// imagePlan is what the header promises about an image and what inspecting
// it will cost, worked out before any pixel memory is allocated.
type imagePlan struct {
	kind          idcheck.Kind
	width, height int // as stored
	orientation   int // EXIF orientation, 1 for PNG
	outW, outH    int // after orientation and downscaling
	// convert says the decoded image must be copied to 8-bit RGBA before
	// encoding: CMYK JPEGs and 16-bit PNGs, which the encoders would
	// otherwise handle slowly or write at twice the size.
	convert bool
	cost    int64 // bytes of memory the inspection may hold at its peak
}

// transform says whether the decoded image is copied into a new RGBA image
// (rotated, mirrored and/or downscaled) before encoding.
func (p *imagePlan) transform() bool {
	return p.orientation > 1 || p.outW*p.outH != p.width*p.height
}

// planImage reads only the header and works out the cost of decoding:
// pixels times the bytes per pixel the standard decoders really hold
// (progressive JPEGs keep 4 bytes of coefficients per sample besides the
// image, CMYK is converted, 16-bit PNGs take 8 bytes per pixel, interlaced
// PNGs decode each pass separately), plus a rotated or downscaled copy and
// the encoded output. A copy that would not fit budgetSize is scaled down
// further; the caller refuses an image whose cost still exceeds it, before
// it can allocate anything.
func planImage(kind idcheck.Kind, data []byte, budgetSize int64) (plan *imagePlan, rej *idcheck.Rejection) {
	defer func() {
		if recover() != nil {
			plan, rej = nil, reject(idcheck.CodeImageCorrupt)
		}
	}()
	decodeConfig := jpeg.DecodeConfig
	if kind == idcheck.KindPNG {
		decodeConfig = png.DecodeConfig
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, reject(idcheck.CodeImageCorrupt)
	}
	w, h := cfg.Width, cfg.Height
	pixels := int64(w) * int64(h)
	if pixels > idcheck.MaxPixels {
		return nil, reject(idcheck.CodeImageTooLarge)
	}
	if min(w, h) < idcheck.MinShortSide {
		return nil, reject(idcheck.CodeImageTooSmall)
	}

	p := &imagePlan{kind: kind, width: w, height: h, orientation: 1}
	var decode int64
	if kind == idcheck.KindJPEG {
		f, ok := jpegFrame(data)
		if !ok || f.width != w || f.height != h {
			return nil, reject(idcheck.CodeImageCorrupt)
		}
		decode = f.decodeBytes()
		// Every scan makes the decoder visit the blocks again, and a
		// scan can cost a file 20 bytes: a few thousand of them keep a
		// core busy for minutes. Real files have one to a dozen.
		if scans := jpegScanCount(data); scans > maxJPEGScans || int64(scans)*f.blocks() > maxJPEGBlockVisits {
			return nil, reject(idcheck.CodeImageCorrupt)
		}
		p.convert = len(f.comps) == 4
		p.orientation = exifOrientation(data)
	} else {
		depth, colorType, interlaced := data[24], data[25], data[28] == 1
		decode = pixels * pngBytesPerPixel(depth, colorType, pngHasTransparency(data))
		if interlaced {
			decode *= 2 // each pass is decoded into its own image first
		}
		p.convert = depth == 16
	}

	p.outW, p.outH = w, h
	if pixels > TargetPixels && (p.orientation > 1 || p.convert) {
		// The image is copied anyway: a smaller copy is cheaper to
		// hold and to encode, and still sharp enough to read.
		f := math.Sqrt(float64(TargetPixels) / float64(pixels))
		p.outW, p.outH = max(1, int(float64(w)*f)), max(1, int(float64(h)*f))
	}
	if p.orientation >= 5 {
		p.outW, p.outH = p.outH, p.outW
	}
	fixed := decode
	if p.convert {
		fixed += 4 * pixels // the full-size RGBA copy
	}
	p.cost = p.costWith(fixed)
	if p.cost > budgetSize && p.transform() {
		// Scale the copy down further, to what the budget leaves.
		room := (budgetSize - fixed - maxOutput) / 4
		if out := int64(p.outW) * int64(p.outH); room >= minScaledPixels && room < out {
			f := math.Sqrt(float64(room) / float64(out))
			p.outW, p.outH = max(1, int(float64(p.outW)*f)), max(1, int(float64(p.outH)*f))
			p.cost = p.costWith(fixed)
		}
	}
	return p, nil
}

// minScaledPixels is the smallest copy an image is scaled down to so that
// it fits the budget; an image that would need to shrink further is refused.
const minScaledPixels = 4_000_000

// costWith adds to fixed (the decoder's and the conversion's memory) the
// rotated or scaled copy and the encoded output.
func (p *imagePlan) costWith(fixed int64) int64 {
	out := int64(p.outW) * int64(p.outH)
	cost := fixed + min(2*out, maxOutput) // encoded output, generously
	if p.transform() {
		cost += 4 * out // the rotated or scaled RGBA copy
	}
	return cost
}

// pngBytesPerPixel is what image/png allocates per pixel for each colour
// type and bit depth. A transparent colour (a tRNS chunk) turns grey and
// truecolour images into NRGBA or NRGBA64.
func pngBytesPerPixel(depth, colorType byte, transparent bool) int64 {
	const (
		gray, paletted = 0, 3
	)
	switch {
	case colorType == paletted:
		return 1
	case colorType == gray && !transparent && depth == 16:
		return 2
	case colorType == gray && !transparent:
		return 1
	case depth == 16:
		return 8
	}
	return 4
}

// pngHasTransparency reports a tRNS chunk before the image data, where
// image/png honours it.
func pngHasTransparency(data []byte) bool {
	for p := 8; p+8 <= len(data); {
		n := int64(binary.BigEndian.Uint32(data[p:]))
		switch string(data[p+4 : p+8]) {
		case "tRNS":
			return true
		case "IDAT", "IEND":
			return false
		}
		next := int64(p) + 12 + n
		if next > int64(len(data)) {
			return false
		}
		p = int(next)
	}
	return false
}

// jpegFrameHeader is a JPEG's start-of-frame segment.
type jpegFrameHeader struct {
	progressive   bool
	width, height int
	comps         []struct{ h, v int } // sampling factors
	// rgb says image/jpeg will convert three components to an RGBA
	// image: they are named R, G, B, or an Adobe segment says so.
	rgb bool
}

// decodeSamples is the number of samples of all components, padded to
// whole MCUs as image/jpeg allocates them.
func (f jpegFrameHeader) decodeSamples() int64 {
	hmax, vmax := 1, 1
	for _, c := range f.comps {
		hmax, vmax = max(hmax, c.h), max(vmax, c.v)
	}
	mcuX := int64((f.width + 8*hmax - 1) / (8 * hmax))
	mcuY := int64((f.height + 8*vmax - 1) / (8 * vmax))
	var samples int64
	for _, c := range f.comps {
		samples += mcuX * int64(c.h) * 8 * mcuY * int64(c.v) * 8
	}
	return samples
}

// decodeBytes is what image/jpeg holds for this frame: the image planes
// and for a progressive frame 64 int32 coefficients per 8×8 block of every
// component, kept until the last scan. Four components are decoded as
// YCbCr plus a black plane and then converted to CMYK.
func (f jpegFrameHeader) decodeBytes() int64 {
	samples := f.decodeSamples()
	total := samples
	if f.progressive {
		total += 4 * samples
	}
	if len(f.comps) == 4 || f.rgb {
		total += 4 * int64(f.width) * int64(f.height)
	}
	return total
}

// Limits on the work of decoding a JPEG's scans.
const (
	maxJPEGScans       = 100
	maxJPEGBlockVisits = 24_000_000 // about a second of decoding
)

// blocks is the number of 8×8 blocks of all components.
func (f jpegFrameHeader) blocks() int64 {
	return f.decodeSamples() / 64
}

// jpegScanCount counts the start-of-scan segments.
func jpegScanCount(data []byte) int {
	scans := 0
	for marker := range jpegMarkers(data) {
		if marker == 0xDA {
			scans++
		}
	}
	return scans
}

// jpegAdobeRGB reports an Adobe segment with transform 0, which makes
// image/jpeg treat three components as RGB (and convert them to RGBA).
func jpegAdobeRGB(data []byte) bool {
	for marker, seg := range jpegMarkers(data) {
		if marker == 0xEE && len(seg) >= 12 && bytes.HasPrefix(seg, []byte("Adobe")) && seg[11] == 0 {
			return true
		}
	}
	return false
}

// jpegMarkers yields every marker segment of a JPEG up to the end of the
// image, skipping the entropy-coded data after each scan. Like image/jpeg
// it skips stray bytes between segments, so none can hide a segment from
// it; it stops at a segment that runs past the data.
func jpegMarkers(data []byte) func(yield func(marker byte, seg []byte) bool) {
	return func(yield func(byte, []byte) bool) {
		p := 2 // after SOI
		for p+4 <= len(data) {
			if data[p] != 0xFF {
				p++
				continue
			}
			marker := data[p+1]
			switch {
			case marker == 0xFF: // fill byte
				p++
				continue
			case marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
				p += 2
				continue
			case marker == 0xD9: // end of image
				return
			}
			n := int(binary.BigEndian.Uint16(data[p+2:]))
			if n < 2 || p+2+n > len(data) {
				return
			}
			if !yield(marker, data[p+4:p+2+n]) {
				return
			}
			p += 2 + n
			if marker != 0xDA {
				continue
			}
			// Entropy-coded data ends at the first 0xFF that is
			// neither a stuffed zero nor a restart marker.
			for p+1 < len(data) {
				if data[p] == 0xFF {
					if next := data[p+1]; next != 0x00 && (next < 0xD0 || next > 0xD7) {
						break
					}
				}
				p++
			}
		}
	}
}

// jpegFrame finds the first start-of-frame segment, the one image/jpeg
// decodes, and reports whether the frame is progressive.
func jpegFrame(data []byte) (jpegFrameHeader, bool) {
	for marker, seg := range jpegMarkers(data) {
		switch marker {
		case 0xDA: // a scan before any frame
			return jpegFrameHeader{}, false
		case 0xC0, 0xC1, 0xC2: // baseline, extended sequential, progressive
			return parseJPEGFrame(data, marker, seg)
		}
	}
	return jpegFrameHeader{}, false
}

func parseJPEGFrame(data []byte, marker byte, seg []byte) (jpegFrameHeader, bool) {
	var f jpegFrameHeader
	if len(seg) < 6 {
		return f, false
	}
	f.progressive = marker == 0xC2
	f.height = int(binary.BigEndian.Uint16(seg[1:]))
	f.width = int(binary.BigEndian.Uint16(seg[3:]))
	nc := int(seg[5])
	if nc < 1 || nc > 4 || len(seg) < 6+3*nc {
		return f, false
	}
	ids := make([]byte, 0, nc)
	for i := range nc {
		ids = append(ids, seg[6+3*i])
		hv := seg[6+3*i+1]
		h, v := int(hv>>4), int(hv&0x0F)
		if h < 1 || h > 4 || v < 1 || v > 4 {
			return f, false
		}
		f.comps = append(f.comps, struct{ h, v int }{h, v})
	}
	f.rgb = nc == 3 && (string(ids) == "RGB" || jpegAdobeRGB(data))
	return f, true
}

func inspectImage(plan *imagePlan, data []byte) (doc *idcheck.Document, err error) {
	// The standard decoders are well fuzzed, but a panic on hostile input
	// must still end as a refusal, never as a crashed instance.
	defer func() {
		if recover() != nil {
			doc, err = nil, reject(idcheck.CodeImageCorrupt)
		}
	}()

	decode := jpeg.Decode
	if plan.kind == idcheck.KindPNG {
		decode = png.Decode
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, reject(idcheck.CodeImageCorrupt)
	}
	// A file whose frame differs from its header (a second SOF, say) is not
	// something we can reason about; the plan used the header.
	if b := img.Bounds(); b.Dx() != plan.width || b.Dy() != plan.height {
		return nil, reject(idcheck.CodeImageCorrupt)
	}

	if plan.convert {
		rgba := image.NewRGBA(image.Rect(0, 0, plan.width, plan.height))
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
		img = rgba
	}
	if plan.transform() {
		img = orientAndScale(img, plan.orientation, plan.outW, plan.outH)
	}

	// Re-encoding writes only pixel data: EXIF (GPS included), XMP, IPTC,
	// comments, ICC profiles, text chunks and any appended payload are gone.
	out := &cappedBuffer{max: maxOutput}
	out.Grow(min(len(data), maxOutput))
	if plan.kind == idcheck.KindJPEG {
		err = jpeg.Encode(out, img, &jpeg.Options{Quality: jpegQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: pngLevel(plan.outW * plan.outH)}).Encode(out, img)
	}
	if errors.Is(err, errOutputTooLarge) {
		return nil, reject(idcheck.CodeImageTooLarge)
	}
	if err != nil {
		return nil, reject(idcheck.CodeImageCorrupt)
	}
	b := img.Bounds()
	return &idcheck.Document{Kind: plan.kind, Data: out.Bytes(), Pages: 1, Width: b.Dx(), Height: b.Dy()}, nil
}

// fastPNGPixels is the size above which PNGs are compressed for speed
// rather than size, so that a large scan is still answered in time. The
// default level costs up to 0.3 s per megapixel on a function instance
// (a 3.6 MP scan from Pillow's tests: 1.1 s; at BestSpeed 0.21 s, and a
// third larger).
const fastPNGPixels = 1_000_000

// pngLevel is the compression level for a re-encoded PNG of the given size.
func pngLevel(pixels int) png.CompressionLevel {
	if pixels > fastPNGPixels {
		return png.BestSpeed
	}
	return png.DefaultCompression
}

// cappedBuffer is a bytes.Buffer that refuses to grow beyond max.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.max {
		return 0, errOutputTooLarge
	}
	return b.Buffer.Write(p)
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

// orientAndScale applies an EXIF orientation so the result displays upright
// without the tag, and scales to outW×outH (already in the displayed
// orientation), in one pass into a new RGBA image. Pure rotations and
// mirrors use nearest-neighbour sampling, which maps pixel centres exactly.
func orientAndScale(img image.Image, o, outW, outH int) image.Image {
	b := img.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	if o < 1 || o > 8 {
		o = 1
	}
	// Source axes in destination units: for orientations 5..8 the source
	// x axis becomes the destination's y axis.
	kx, ky := float64(outW)/w, float64(outH)/h
	if o >= 5 {
		kx, ky = float64(outH)/w, float64(outW)/h
	}
	// s2d maps source (x, y), relative to b.Min, to destination (dx, dy):
	// dx = a*x + b*y + c, dy = d*x + e*y + f.
	var m f64.Aff3
	switch o {
	case 1:
		m = f64.Aff3{kx, 0, 0, 0, ky, 0}
	case 2: // mirrored horizontally
		m = f64.Aff3{-kx, 0, kx * w, 0, ky, 0}
	case 3: // rotated 180°
		m = f64.Aff3{-kx, 0, kx * w, 0, -ky, ky * h}
	case 4: // mirrored vertically
		m = f64.Aff3{kx, 0, 0, 0, -ky, ky * h}
	case 5: // transposed
		m = f64.Aff3{0, ky, 0, kx, 0, 0}
	case 6: // needs 90° clockwise
		m = f64.Aff3{0, -ky, ky * h, kx, 0, 0}
	case 7: // transversed
		m = f64.Aff3{0, -ky, ky * h, -kx, 0, kx * w}
	case 8: // needs 90° counter-clockwise
		m = f64.Aff3{0, ky, 0, -kx, 0, kx * w}
	}
	minX, minY := float64(b.Min.X), float64(b.Min.Y)
	m[2] -= m[0]*minX + m[1]*minY
	m[5] -= m[3]*minX + m[4]*minY

	var interp xdraw.Transformer = xdraw.NearestNeighbor
	if outW*outH != b.Dx()*b.Dy() {
		interp = xdraw.ApproxBiLinear
	}
	dst := image.NewRGBA(image.Rect(0, 0, outW, outH))
	interp.Transform(dst, m, img, b, xdraw.Src, nil)
	return dst
}
