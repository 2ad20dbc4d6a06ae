package inspect

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/binary"
	"errors"
	"io"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	tifflzw "golang.org/x/image/tiff/lzw"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// Images in a PDF are bounded like photos: no PDF library in this process
// decodes them, but the viewer staff open the copy in does. Each image
// XObject's declared size (Width × Height, and with its colour components
// and bits per component the bytes a viewer allocates) must stay within
// the photo path's limits, and where an image codec carries dimensions of
// its own (JPEG, JPEG 2000, JBIG2, CCITT) those must too: a viewer sizes its
// buffers from them.

// maxJBIG2Data bounds the JBIG2 data read to walk its segment headers;
// bilevel data of an ID copy is a few hundred KiB at most.
const maxJBIG2Data = idcheck.MaxSize

// codecPrefix is how much of a codec's data is read to find its header.
const codecPrefix = 1 << 20

// checkPDFImages judges every stream pdfcpu read: an image must be within
// the limits above, and no other stream may use an image codec (pdf.js's
// bomb_giant.pdf puts 3 × 10¹⁰ pixels of JBIG2 in content streams).
func checkPDFImages(xt *model.XRefTable) string {
	images := imageRefs(xt)
	for nr, entry := range xt.Table {
		if entry == nil || entry.Free || entry.Object == nil {
			continue
		}
		var sd *types.StreamDict
		switch v := entry.Object.(type) {
		case types.StreamDict:
			sd = &v
		case *types.StreamDict:
			sd = v
		default:
			continue
		}
		if sd == nil {
			continue
		}
		codec := ""
		for _, f := range sd.FilterPipeline {
			if name := pdfFilterNames[f.Name]; isImageFilter(name) {
				codec = name
			}
		}
		if derefName(xt, sd.Dict["Subtype"]) != "Image" && !(images[nr] && sd.Dict["Subtype"] == nil) {
			if codec != "" {
				return idcheck.CodePDFCorrupt
			}
			continue
		}
		if code := checkPDFImage(xt, sd, codec); code != "" {
			return code
		}
	}
	return ""
}

// imageRefs are the objects referenced where only an image can stand: an
// image's /SMask or /Mask, a page's thumbnail (/Thumb), an alternate image
// (/Image). The standard lets thumbnails leave out /Type and /Subtype, and
// producers do the same with masks.
func imageRefs(xt *model.XRefTable) map[int]bool {
	masks := map[int]bool{}
	for _, entry := range xt.Table {
		if entry == nil || entry.Free || entry.Object == nil {
			continue
		}
		if d, ok := asDict(entry.Object); ok {
			for _, k := range []string{"SMask", "Mask", "Thumb", "Image"} {
				if ref, ok := d[k].(types.IndirectRef); ok {
					masks[ref.ObjectNumber.Value()] = true
				}
			}
		}
	}
	return masks
}

// checkPDFImage bounds one image XObject.
func checkPDFImage(xt *model.XRefTable, sd *types.StreamDict, codec string) string {
	d := sd.Dict
	w, okW := derefInt(xt, d["Width"])
	h, okH := derefInt(xt, d["Height"])
	if !okW || !okH || w <= 0 || h <= 0 {
		return idcheck.CodePDFCorrupt
	}
	if w*h > idcheck.MaxPixels {
		return idcheck.CodeImageTooLarge
	}
	mask := derefBool(xt, d["ImageMask"])
	bpc, hasBPC := derefInt(xt, d["BitsPerComponent"])
	comps, hasCS := colorComponents(xt, d["ColorSpace"])
	switch {
	case mask:
		bpc, comps = 1, 1
	case !hasBPC && codec == "JPX":
		bpc = 16 // taken from the codestream; checked there
	case !hasBPC:
		bpc = 8
	}
	if !hasCS && !mask {
		comps = 4 // JPEG 2000 may leave it to the codestream, checked there
	}
	if bpc < 1 || bpc > 16 || comps < 1 || comps > 32 {
		return idcheck.CodePDFCorrupt
	}
	if w*h*comps*bpc/8 > maxPDFImageDecoded {
		return idcheck.CodeImageTooLarge
	}
	if codec == "" {
		return "" // what the filters produce is bounded by the pre-scan
	}
	whole := codec == "JBIG2" // every segment header is read
	data, err := codecData(sd, map[bool]int64{true: maxJBIG2Data, false: codecPrefix}[whole], whole)
	if err != nil {
		return idcheck.CodePDFCorrupt
	}
	switch codec {
	case "DCT":
		return checkDCT(data)
	case "JPX":
		return checkJPX(data)
	case "JBIG2":
		var globals []byte
		if parms := codecParms(sd); parms != nil {
			if gs, ok := derefStream(xt, parms["JBIG2Globals"]); ok {
				if globals, err = codecData(gs, maxJBIG2Data, true); err != nil {
					return idcheck.CodePDFCorrupt
				}
			}
		}
		for _, b := range [][]byte{globals, data} {
			if code := checkJBIG2(b); code != "" {
				return code
			}
		}
	case "CCITT":
		cols, rows := int64(1728), int64(0)
		if parms := codecParms(sd); parms != nil {
			if n, ok := derefInt(xt, parms["Columns"]); ok {
				cols = n
			}
			if n, ok := derefInt(xt, parms["Rows"]); ok {
				rows = n
			}
		}
		if cols < 0 || rows < 0 || cols*max(rows, h) > idcheck.MaxPixels {
			return idcheck.CodeImageTooLarge
		}
	}
	return ""
}

// codecParms is the DecodeParms of a stream's image codec.
func codecParms(sd *types.StreamDict) types.Dict {
	for _, f := range sd.FilterPipeline {
		if isImageFilter(pdfFilterNames[f.Name]) {
			return f.DecodeParms
		}
	}
	return nil
}

// codecData is what a stream's filters before its image codec (or all of
// them) produce: at most n bytes, or, when whole is set, an error if there
// are more.
func codecData(sd *types.StreamDict, n int64, whole bool) ([]byte, error) {
	var r io.Reader = bytes.NewReader(sd.Raw)
	plain := true
	for _, f := range sd.FilterPipeline {
		name := pdfFilterNames[f.Name]
		if isImageFilter(name) {
			break
		}
		plain = false
		switch name {
		case "Flate":
			zr, err := zlib.NewReader(r)
			if err != nil {
				return nil, err
			}
			r = zr
		case "LZW":
			if ec, ok := f.DecodeParms["EarlyChange"].(types.Integer); ok && ec == 0 {
				r = lzw.NewReader(r, lzw.MSB, 8)
			} else {
				r = tifflzw.NewReader(r, tifflzw.MSB, 8)
			}
		case "AHx":
			r = &asciiHexReader{r: r}
		case "A85":
			r = ascii85.NewDecoder(&untilReader{r: r, eod: "~>"})
		case "RL":
			r = &runLengthReader{r: r}
		case "Crypt":
		default:
			return nil, errCodecData
		}
	}
	if plain {
		if whole && int64(len(sd.Raw)) > n {
			return nil, errCodecData
		}
		return sd.Raw[:min(int64(len(sd.Raw)), n)], nil
	}
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if int64(len(b)) > n {
		if whole {
			return nil, errCodecData
		}
		b = b[:n]
	}
	if err != nil && len(b) == 0 {
		return nil, err
	}
	return b, nil
}

var errCodecData = errors.New("image codec data cannot be read")

// checkDCT bounds the frame a JPEG decoder would allocate.
func checkDCT(data []byte) string {
	i := bytes.Index(data[:min(len(data), 1024)], sigJPEG)
	if i < 0 {
		return idcheck.CodePDFCorrupt
	}
	f, ok := jpegFrame(data[i:])
	if !ok {
		return idcheck.CodePDFCorrupt
	}
	if int64(f.width)*int64(f.height) > idcheck.MaxPixels || f.decodeBytes() > maxPDFImageDecoded {
		return idcheck.CodeImageTooLarge
	}
	return ""
}

// checkJPX bounds the image a JPEG 2000 codestream declares in its SIZ
// marker segment (ISO 15444-1 A.5.1), found in a JP2 file or bare.
func checkJPX(data []byte) string {
	i := bytes.Index(data[:min(len(data), codecPrefix)], []byte{0xFF, 0x4F, 0xFF, 0x51})
	if i < 0 || i+4+38+3 > len(data) {
		return idcheck.CodePDFCorrupt
	}
	siz := data[i+4:]
	be := binary.BigEndian
	xsiz, ysiz := int64(be.Uint32(siz[4:])), int64(be.Uint32(siz[8:]))
	xo, yo := int64(be.Uint32(siz[12:])), int64(be.Uint32(siz[16:]))
	comps := int64(be.Uint16(siz[36:]))
	w, h := xsiz-xo, ysiz-yo
	if w <= 0 || h <= 0 || comps < 1 || 38+3*comps > int64(len(siz)) {
		return idcheck.CodePDFCorrupt
	}
	if w*h > idcheck.MaxPixels {
		return idcheck.CodeImageTooLarge
	}
	var bytesPerPixel int64
	for c := range comps {
		depth := int64(siz[38+3*c]&0x7F) + 1
		bytesPerPixel += (depth + 7) / 8
	}
	if w*h*bytesPerPixel > maxPDFImageDecoded {
		return idcheck.CodeImageTooLarge
	}
	return ""
}

// jbig2FileHeader opens a JBIG2 file (ITU-T T.88 D.4); PDF embeds the
// segments without it, but readers strip one if present.
var jbig2FileHeader = []byte{0x97, 0x4A, 0x42, 0x32, 0x0D, 0x0A, 0x1A, 0x0A}

// checkJBIG2 walks the segment headers of JBIG2 data (T.88 7.2) and bounds
// the bitmaps they declare: pages, regions, pattern dictionaries and
// halftone grids.
func checkJBIG2(b []byte) string {
	if bytes.HasPrefix(b, jbig2FileHeader) && len(b) > 8 {
		flags := b[8]
		if flags&1 == 0 {
			// Random-access organisation: all headers, then all
			// data. Not used in PDF; not walked here.
			return idcheck.CodePDFCorrupt
		}
		if flags&2 == 0 {
			b = b[min(len(b), 13):] // number of pages follows
		} else {
			b = b[9:]
		}
	}
	be := binary.BigEndian
	area := func(w, h uint32) bool { return uint64(w)*uint64(h) <= idcheck.MaxPixels }
	for len(b) > 0 {
		if len(b) < 6 {
			return idcheck.CodePDFCorrupt
		}
		number := be.Uint32(b)
		flags := b[4]
		typ := flags & 0x3F
		p := 5
		count := int(b[p] >> 5)
		switch {
		case count <= 4:
			p++
		case count == 7:
			if len(b) < p+4 {
				return idcheck.CodePDFCorrupt
			}
			long := be.Uint32(b[p:]) & 0x1FFFFFFF
			if long > uint32(len(b)) {
				return idcheck.CodePDFCorrupt
			}
			count = int(long)
			p += 4 + (count+8)/8
		default:
			return idcheck.CodePDFCorrupt
		}
		refSize := 4
		switch {
		case number <= 256:
			refSize = 1
		case number <= 65536:
			refSize = 2
		}
		p += count * refSize
		if flags&0x40 != 0 {
			p += 4
		} else {
			p++
		}
		if len(b) < p+4 {
			return idcheck.CodePDFCorrupt
		}
		length := be.Uint32(b[p:])
		p += 4
		data := b[p:]
		switch typ {
		case 48: // page information
			if len(data) < 8 {
				return idcheck.CodePDFCorrupt
			}
			w, h := be.Uint32(data), be.Uint32(data[4:])
			if h == 0xFFFFFFFF { // striped, height unknown: as wide as tall
				h = w
			}
			if !area(w, h) {
				return idcheck.CodeImageTooLarge
			}
		case 4, 6, 7, 20, 22, 23, 36, 38, 39, 40, 42, 43: // regions
			if len(data) < 17 {
				return idcheck.CodePDFCorrupt
			}
			if !area(be.Uint32(data), be.Uint32(data[4:])) {
				return idcheck.CodeImageTooLarge
			}
			if (typ == 22 || typ == 23) && len(data) >= 17+1+8 { // halftone grid
				if !area(be.Uint32(data[18:]), be.Uint32(data[22:])) {
					return idcheck.CodeImageTooLarge
				}
			}
		case 16: // pattern dictionary: GRAYMAX+1 patterns of HDPW × HDPH
			if len(data) < 7 {
				return idcheck.CodePDFCorrupt
			}
			patterns := uint64(be.Uint32(data[3:])) + 1
			if patterns*uint64(data[1])*uint64(data[2]) > idcheck.MaxPixels {
				return idcheck.CodeImageTooLarge
			}
		}
		if length == 0xFFFFFFFF {
			// Only an immediate generic region may leave its length
			// open; its data ends with an end sequence and a row count.
			if typ != 38 || len(data) < 18 {
				return idcheck.CodePDFCorrupt
			}
			end := []byte{0xFF, 0xAC}
			if data[17]&1 != 0 { // MMR
				end = []byte{0x00, 0x00}
			}
			k := bytes.Index(data[18:], end)
			if k < 0 {
				return idcheck.CodePDFCorrupt
			}
			length = uint32(18 + k + 2 + 4)
		}
		if uint64(length) > uint64(len(data)) {
			return "" // truncated: a decoder stops here too
		}
		b = data[length:]
		if typ == 51 { // end of file
			return ""
		}
	}
	return ""
}

// colorComponents is the number of colour components of an image colour
// space; ok is false when there is none.
func colorComponents(xt *model.XRefTable, o types.Object) (int64, bool) {
	o, _ = xt.Dereference(o)
	if o == nil {
		return 0, false
	}
	family := ""
	var arr types.Array
	switch v := o.(type) {
	case types.Name:
		family = decodePDFName(string(v))
	case types.Array:
		if len(v) == 0 {
			return 4, true
		}
		arr = v
		family = derefName(xt, v[0])
	default:
		return 4, true
	}
	switch family {
	case "DeviceGray", "G", "CalGray", "Indexed", "I", "Separation", "Pattern":
		return 1, true
	case "DeviceRGB", "RGB", "CalRGB", "Lab":
		return 3, true
	case "DeviceCMYK", "CMYK":
		return 4, true
	case "ICCBased":
		if len(arr) > 1 {
			if icc, ok := derefStream(xt, arr[1]); ok {
				if n, ok := derefInt(xt, icc.Dict["N"]); ok && n >= 1 && n <= 32 {
					return n, true
				}
			}
		}
	case "DeviceN":
		if len(arr) > 1 {
			if names, _ := xt.Dereference(arr[1]); names != nil {
				if a, ok := names.(types.Array); ok && len(a) >= 1 {
					return int64(len(a)), true
				}
			}
		}
	}
	return 4, true
}

func derefInt(xt *model.XRefTable, o types.Object) (int64, bool) {
	o, _ = xt.Dereference(o)
	switch v := o.(type) {
	case types.Integer:
		return int64(v), true
	case types.Float:
		if f := float64(v); f == float64(int64(f)) {
			return int64(f), true
		}
	}
	return 0, false
}

func derefBool(xt *model.XRefTable, o types.Object) bool {
	o, _ = xt.Dereference(o)
	b, ok := o.(types.Boolean)
	return ok && bool(b)
}

func derefName(xt *model.XRefTable, o types.Object) string {
	o, _ = xt.Dereference(o)
	if n, ok := o.(types.Name); ok {
		return decodePDFName(string(n))
	}
	return ""
}

func derefStream(xt *model.XRefTable, o types.Object) (*types.StreamDict, bool) {
	o, _ = xt.Dereference(o)
	switch v := o.(type) {
	case types.StreamDict:
		return &v, true
	case *types.StreamDict:
		return v, v != nil
	}
	return nil, false
}
