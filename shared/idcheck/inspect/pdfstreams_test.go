package inspect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/filter"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// encodeWith runs data through pdfcpu's own encoders for filters, the last
// one first, as a producer writing /Filter [filters...] would.
func encodeWith(tb testing.TB, data []byte, filters ...string) []byte {
	tb.Helper()
	for i := len(filters) - 1; i >= 0; i-- {
		name, parms := filters[i], map[string]int(nil)
		if n, ok := strings.CutSuffix(name, "0"); ok { // "LZWDecode0": EarlyChange 0
			name, parms = n, map[string]int{"EarlyChange": 0}
		}
		f, err := filter.NewFilter(name, parms)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := f.Encode(bytes.NewReader(data))
		if err != nil {
			tb.Fatal(err)
		}
		if data, err = io.ReadAll(r); err != nil {
			tb.Fatal(err)
		}
	}
	return data
}

// decodeWith runs data through pdfcpu's own decoders.
func decodeWith(data []byte, filters ...string) ([]byte, error) {
	for _, name := range filters {
		parms := map[string]int(nil)
		if n, ok := strings.CutSuffix(name, "0"); ok {
			name, parms = n, map[string]int{"EarlyChange": 0}
		}
		f, err := filter.NewFilter(name, parms)
		if err != nil {
			return nil, err
		}
		r, err := f.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(r); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// canonical maps the test's filter names to the scanner's.
func canonical(filters []string) []string {
	out := make([]string, len(filters))
	for i, f := range filters {
		out[i] = pdfFilterNames[strings.TrimSuffix(f, "0")]
	}
	return out
}

func testPayloads() map[string][]byte {
	rng := rand.New(rand.NewSource(1))
	random := make([]byte, 50_000)
	rng.Read(random)
	var text bytes.Buffer
	for text.Len() < 200_000 {
		fmt.Fprintf(&text, "BT /F1 %d Tf %d %d Td (Kopie ID) Tj ET\n", rng.Intn(30), rng.Intn(600), rng.Intn(800))
	}
	return map[string][]byte{
		"empty":  nil,
		"random": random,
		"text":   text.Bytes(),
		"zeros":  make([]byte, 300_000),
		"tilde":  bytes.Repeat([]byte("~>)"), 1000),
	}
}

// TestStreamScanDecodersMatchPDFCPU: for what pdfcpu's encoders write, the
// pre-scan's decoders produce exactly what pdfcpu's decoders do, filter by
// filter and in chains, so its counts are the sizes pdfcpu would hold.
func TestStreamScanDecodersMatchPDFCPU(t *testing.T) {
	t.Parallel()
	chains := [][]string{
		{"FlateDecode"}, {"LZWDecode"}, {"LZWDecode0"}, {"ASCIIHexDecode"}, {"ASCII85Decode"}, {"RunLengthDecode"},
		{"ASCIIHexDecode", "FlateDecode"}, {"ASCII85Decode", "FlateDecode"}, {"ASCII85Decode", "LZWDecode"},
		{"FlateDecode", "RunLengthDecode"}, {"RunLengthDecode", "ASCIIHexDecode", "FlateDecode"},
	}
	for name, payload := range testPayloads() {
		for _, chain := range chains {
			t.Run(name+"/"+strings.Join(chain, "+"), func(t *testing.T) {
				encoded := encodeWith(t, payload, chain...)
				want, err := decodeWith(encoded, chain...)
				if err != nil {
					t.Fatalf("pdfcpu cannot decode its own encoding: %v", err)
				}
				if !bytes.Equal(want, payload) {
					t.Fatalf("pdfcpu round trip differs")
				}
				// The scanner's last stage must produce exactly what
				// pdfcpu's does; earlier stages add their own output.
				s := streamScanner{}
				got, err := s.decodeLast(encoded, canonical(chain), lateLZW(chain))
				if err != nil {
					t.Fatal(err)
				}
				if got != int64(len(want)) {
					t.Errorf("scanner decoded %d bytes, pdfcpu %d", got, len(want))
				}
			})
		}
	}
}

// lateLZW says a chain uses LZW with EarlyChange 0.
func lateLZW(chain []string) bool {
	for _, f := range chain {
		if strings.HasSuffix(f, "0") {
			return true
		}
	}
	return false
}

// hiddenObjectPDF appends an update to pdf that replaces the catalog and
// lists the object whose header (such as "7 0 obj") stands inside an
// earlier object's stream data.
func hiddenObjectPDF(pdf []byte, header, catalog string) []byte {
	var nr int
	fmt.Sscanf(header, "%d", &nr)
	at := bytes.Index(pdf, []byte(header))
	prev := bytes.LastIndex(pdf, []byte("startxref\n"))
	var prevXref int
	fmt.Sscanf(string(pdf[prev+len("startxref\n"):]), "%d", &prevXref)
	var b bytes.Buffer
	b.Write(pdf)
	root := b.Len()
	fmt.Fprintf(&b, "1 0 obj\n%s\nendobj\n", catalog)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n1 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n", root, nr, at)
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", nr+1, prevXref, xref)
	return b.Bytes()
}

// decodeLast is decode returning only the last stage's output.
func (s *streamScanner) decodeLast(data []byte, filters []string, lateLZW bool) (int64, error) {
	all, err := s.decode(data, filters, lateLZW, maxPDFStreamDecoded, io.Discard)
	if err != nil || len(filters) == 1 {
		return all, err
	}
	before, err := (&streamScanner{}).decode(data, filters[:len(filters)-1], lateLZW, maxPDFStreamDecoded, io.Discard)
	return all - before, err
}

// TestStreamScanBoundsEveryPrefix: a reader hands a decoder some prefix of
// a stream's data (its /Length, or up to "endstream"). Whatever pdfcpu
// decodes from any prefix is at most what the scanner counts for the
// whole, because the filters are streaming codecs.
func TestStreamScanBoundsEveryPrefix(t *testing.T) {
	t.Parallel()
	payload := testPayloads()["text"]
	for _, chain := range [][]string{
		{"FlateDecode"}, {"LZWDecode"}, {"ASCIIHexDecode"}, {"ASCII85Decode"}, {"RunLengthDecode"},
		{"ASCII85Decode", "FlateDecode"},
	} {
		encoded := encodeWith(t, payload, chain...)
		s := streamScanner{}
		whole, err := s.decodeLast(encoded, canonical(chain), false)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 1, 2, 7, len(encoded) / 3, len(encoded) / 2, len(encoded) - 3, len(encoded) - 1} {
			prefix := encoded[:max(0, n)]
			got, err := decodeWith(prefix, chain...)
			if err == nil && int64(len(got)) > whole {
				t.Errorf("%v: pdfcpu decodes %d bytes from a prefix of %d, scanner counts %d for the whole", chain, len(got), n, whole)
			}
		}
	}
}

// streamPDF is a one-page PDF whose page content is a stream with the given
// dictionary entries and raw data.
func streamPDF(dict string, raw []byte) []byte {
	pdf := buildPDF(pdfSpec{page: "/Annots []", extra: []string{streamObject(dict, raw)}})
	return bytes.Replace(pdf, []byte("/Contents 4 0 R"), []byte("/Contents 6 0 R"), 1)
}

func filterArray(filters ...string) string {
	return "/Filter [/" + strings.Join(filters, " /") + "]"
}

// TestInspectPDFStreamBombs: a filtered stream that decodes to more than a
// stream may, or streams that do together, are refused before pdfcpu reads
// the file, whatever they are, through whatever chain of filters, wherever
// they stand; what fits is accepted and charged to the budget.
func TestInspectPDFStreamBombs(t *testing.T) {
	t.Parallel()
	const over = maxPDFStreamDecoded + 4<<20
	zeros := make([]byte, over)
	spaces := bytes.Repeat([]byte{' '}, over)
	flate := zeroFlate(t, over)

	// An object inside another stream's data, listed by an update's
	// cross-reference table: found where it stands, not where the
	// table says.
	inner := fmt.Sprintf("7 0 obj\n<< /Type /Metadata /Subtype /XML /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(flate), flate)
	hidden := hiddenObjectPDF(buildPDF(pdfSpec{extra: []string{streamObject("", []byte(inner))}}), "7 0 obj",
		"<< /Type /Catalog /Pages 2 0 R /Metadata 7 0 R >>")

	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"metadata inflating to 500 MiB", metadataBombPDF(t, 500<<20), idcheck.CodePDFCorrupt},
		{"metadata inflating to 12 MiB", metadataBombPDF(t, 12<<20), ""},
		{"40 object streams of 15 MiB", objStmBombPDF(t, 40, 15<<20), idcheck.CodePDFCorrupt},
		{"3 object streams of 15 MiB", objStmBombPDF(t, 3, 15<<20), idcheck.CodePDFCorrupt}, // costs pdfcpu 119 MiB
		{"3 object streams of 5 MiB", objStmBombPDF(t, 3, 5<<20), ""},
		{"content stream inflating to 256 MiB", contentBombPDF(t, 256<<20), idcheck.CodePDFCorrupt},
		{"content stream inflating to 12 MiB", contentBombPDF(t, 12<<20), ""},
		{"embedded file inflating to 1 GiB", embeddedFileBombPDF(t, 1<<30), idcheck.CodePDFActiveContent},
		{"image inflating to 1 GiB", imageBombPDF(t, 2000, 2000, 1<<30), idcheck.CodeImageTooLarge},
		{"image 6000x6600 RGB", imagesPDF(t, 1, 1), ""},
		{"10 pages with 40 images of 6000x6600", imagesPDF(t, 10, 40), idcheck.CodeImageTooLarge},

		{"ASCIIHex over Flate", streamPDF(filterArray("ASCIIHexDecode", "FlateDecode"), encodeWith(t, flate, "ASCIIHexDecode")), idcheck.CodePDFCorrupt},
		{"ASCII85 over Flate", streamPDF(filterArray("ASCII85Decode", "FlateDecode"), encodeWith(t, flate, "ASCII85Decode")), idcheck.CodePDFCorrupt},
		{"LZW", streamPDF(filterArray("LZWDecode"), encodeWith(t, zeros, "LZWDecode")), idcheck.CodePDFCorrupt},
		{"LZW, EarlyChange 0", streamPDF(filterArray("LZWDecode")+" /DecodeParms << /EarlyChange 0 >>", encodeWith(t, zeros, "LZWDecode0")), idcheck.CodePDFCorrupt},
		{"RunLength", streamPDF(filterArray("RunLengthDecode"), encodeWith(t, zeros, "RunLengthDecode")), idcheck.CodePDFCorrupt},
		// ASCIIHex skips white space: the last stage yields nothing, the
		// first inflates it all.
		{"Flate of white space under ASCIIHex", streamPDF(filterArray("FlateDecode", "ASCIIHexDecode"), encodeWith(t, spaces, "FlateDecode")), idcheck.CodePDFCorrupt},
		{"abbreviated filter name", streamPDF("/Filter /Fl", flate), idcheck.CodePDFCorrupt},
		{"filter name with escapes", streamPDF("/Filter /Fl#61teDecode", flate), idcheck.CodePDFCorrupt},
		{"indirect filter", buildPDF(pdfSpec{catalog: "/Foo 7 0 R", extra: []string{"/FlateDecode", streamObject("/Filter 6 0 R", flate)}}), idcheck.CodePDFCorrupt},
		{"filter that cannot be resolved", streamPDF("/Filter 99 0 R", []byte("x")), idcheck.CodePDFCorrupt},
		{"two filter entries", streamPDF("/Filter /ASCIIHexDecode /Filter /FlateDecode", flate), idcheck.CodePDFCorrupt},
		{"data after spaces and CR LF", bytes.Replace(contentBombPDF(t, 256<<20), []byte("stream\n\x78"), []byte("stream  \r\n\x78"), 1), idcheck.CodePDFCorrupt},
		{"object inside another stream's data", hidden, idcheck.CodePDFCorrupt},
		{"JBIG2 in page content (pdf.js bomb_giant.pdf)", readTestdata(t, "bomb_giant.pdf"), idcheck.CodePDFCorrupt},
		{"JPEG codec in page content", streamPDF("/Filter /DCTDecode", craftJPEG(300, 300, 1, false)), idcheck.CodePDFCorrupt},
		{"CCITT codec in a form", buildPDF(pdfSpec{resources: "/XObject << /X 6 0 R >>", extra: []string{
			streamObject("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Filter /CCITTFaxDecode", []byte("x"))}}), idcheck.CodePDFCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if len(tt.data) > idcheck.MaxSize {
				t.Fatalf("fixture is %d bytes", len(tt.data))
			}
			_, err := heavy.inspect(context.Background(), tt.data)
			if got := rejectionCode(t, err); got != tt.want {
				t.Errorf("Inspect() code = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestStreamScanWeighsSyntax: object syntax is weighed wherever a reader
// parses it (objects, trailers, object streams), white space not counted;
// the syntax of an object found only inside another stream's data counts
// when it has an object header.
func TestStreamScanWeighsSyntax(t *testing.T) {
	t.Parallel()
	arrays := "[" + strings.Repeat("[] ", 1_000_000) + "]" // 2 MB of syntax, 1 MB of spaces
	for name, pdf := range map[string][]byte{
		"object":                    buildPDF(pdfSpec{catalog: "/Foo 6 0 R", extra: []string{arrays}}),
		"trailer":                   buildPDF(pdfSpec{trailer: "/Foo " + arrays}),
		"object stream":             objStmPDFWith(t, "/Foo 6 0 R", "", arrays),
		"object inside stream data": buildPDF(pdfSpec{extra: []string{streamObject("", []byte("\n7 0 obj\n"+arrays+"\nendobj\n"))}}),
	} {
		scan, code := scanPDFStreams(pdf)
		if code != "" {
			t.Fatalf("%s: %s", name, code)
		}
		if scan.syntax < 2_000_000 || scan.syntax > 2_010_000 {
			t.Errorf("%s: syntax weighs %d bytes, want 2 000 002 and a little", name, scan.syntax)
		}
		if _, err := Inspect(pdf); rejectionCode(t, err) != idcheck.CodePDFCorrupt {
			t.Errorf("%s: Inspect() = %v, want %s", name, err, idcheck.CodePDFCorrupt)
		}
	}
	// Binary data that happens to hold "obj" is not syntax.
	noise := append([]byte("obj ("), bytes.Repeat([]byte{0x80}, 1<<20)...)
	scan, _ := scanPDFStreams(buildPDF(pdfSpec{extra: []string{streamObject("", noise)}}))
	if scan.syntax > 10_000 {
		t.Errorf("binary stream data weighs %d bytes of syntax", scan.syntax)
	}
}

// TestStreamScanManyTinyStreams: tens of thousands of tiny streams hidden
// in another stream's data cost setting up their decoders, which counts
// towards the work like decoding does: refused quickly.
func TestStreamScanManyTinyStreams(t *testing.T) {
	small := zeroFlate(t, 1000)
	for _, f := range []string{"/FlateDecode", "/LZWDecode", "[/ASCII85Decode /FlateDecode]"} {
		unit := append([]byte("1 0 obj<</Filter "+f+">>stream\n"), small...)
		pdf := buildPDF(pdfSpec{extra: []string{streamObject("", bytes.Repeat(unit, (9<<20)/len(unit)))}})
		start := time.Now()
		scan, code := scanPDFStreams(pdf)
		if code != idcheck.CodePDFCorrupt {
			t.Errorf("%s: code %q, want %q", f, code, idcheck.CodePDFCorrupt)
		}
		// 0.3 s each on a function instance, alone.
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s: took %v", f, d)
		}
		if scan.streams > maxPDFStreams+1 || scan.work > maxPDFDecodeWork+decoderSetupWork+64<<10 {
			t.Errorf("%s: went on after a limit: %+v", f, scan)
		}
	}
}

// TestStreamScanCharges: what object and cross-reference streams decode
// to, which pdfcpu unpacks and keeps while reading, is charged to the
// budget several times over; the largest other stream (but an image) once
// more, as pdfcpu may decode one at a time; images not at all (no PDF
// library here decodes them), though they count towards the work. Object
// syntax, white space not counted, is charged as what pdfcpu parses it
// into.
func TestStreamScanCharges(t *testing.T) {
	t.Parallel()
	scan, code := scanPDFStreams(objStmBombPDF(t, 3, 15<<20))
	if code != "" {
		t.Fatal(code)
	}
	// Three object streams, a content stream and a cross-reference stream.
	if scan.streams != 5 || scan.held < 45<<20 || scan.held > 46<<20 || scan.passing != 0 {
		t.Errorf("3 object streams of 15 MiB: %+v", scan)
	}
	if got, want := scan.charge(), pdfHeldFactor*scan.held+pdfCostPerSyntaxByte*scan.syntax; got != want {
		t.Errorf("charge() = %d, want %d", got, want)
	}
	scan, code = scanPDFStreams(contentBombPDF(t, 12<<20))
	if code != "" {
		t.Fatal(code)
	}
	if scan.held != 0 || scan.passing != 12<<20 || scan.decoded != 12<<20 {
		t.Errorf("a content stream of 12 MiB: %+v", scan)
	}
	scan, code = scanPDFStreams(imagesPDF(t, 1, 1))
	if code != "" {
		t.Fatal(code)
	}
	if scan.held != 0 || scan.passing != 0 || scan.decoded != 0 || scan.work < 6000*6600*3 {
		t.Errorf("one image: %+v", scan)
	}
}

// TestInspectPDFInlineImages: an inline image in page content declares its
// size like an image XObject, and is bounded alike, wherever the content's
// decoding splits it.
func TestInspectPDFInlineImages(t *testing.T) {
	t.Parallel()
	small := "q 100 0 0 100 0 0 cm BI /W 100 /H 100 /BPC 8 /CS /G /F /AHx ID 00 >\nEI Q\n"
	huge := "q 100 0 0 100 0 0 cm BI /W 60000 /H 60000 /BPC 8 /CS /RGB /F /Fl ID \x78\x9c\x03\x00\x00\x00\x00\x01\nEI Q\n"
	for _, pad := range []int{0, 1, 32<<10 - 30, 32<<10 - 2, 32<<10 - 1, 32 << 10, 100_000} {
		for _, tt := range []struct {
			content string
			want    string
		}{{small, ""}, {huge, idcheck.CodeImageTooLarge}} {
			content := []byte(strings.Repeat(" ", pad) + tt.content)
			for _, pdf := range [][]byte{
				streamPDF("", content),
				streamPDF("/Filter /FlateDecode", encodeWith(t, content, "FlateDecode")),
			} {
				_, code := scanPDFStreams(pdf)
				if code != tt.want {
					t.Errorf("padding %d, %q: code %q, want %q", pad, tt.content[:30], code, tt.want)
				}
			}
		}
	}
	if _, err := Inspect(streamPDF("", []byte(huge))); rejectionCode(t, err) != idcheck.CodeImageTooLarge {
		t.Errorf("Inspect() = %v, want %s", err, idcheck.CodeImageTooLarge)
	}
}
