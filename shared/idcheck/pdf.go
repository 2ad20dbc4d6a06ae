package idcheck

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/validate"
)

// activeNames are PDF names that make a viewer run code, open or submit
// something, or carry another file. None of them belongs in a scanned ID
// copy, so any occurrence, as a dictionary key or as a name value, refuses the
// file. These are specific enough to look for in the raw bytes too.
var activeNames = map[string]bool{
	"JavaScript": true,                     // scripts, as action type or name tree
	"Launch":     true,                     // start an application or open a file
	"SubmitForm": true, "ImportData": true, // send data out, read data in
	"GoToR": true, "GoToE": true, // jump into another or an embedded file
	"EmbeddedFile": true, "EmbeddedFiles": true, "FileAttachment": true,
	"RichMedia": true, "RichMediaExecute": true, "RichMediaContent": true, "RichMediaSettings": true,
	"Rendition": true,
	"XFA":       true, // XML forms, which carry their own scripts
}

// shortActiveNames are as dangerous but short enough that a producer may use
// them as resource names (/AA for a font, say), so they are only looked for
// in parsed objects, outside resource dictionaries.
var shortActiveNames = map[string]bool{
	"JS":     true,                                           // script source of a JavaScript action
	"AA":     true,                                           // additional actions: run on open, close, page view, field events
	"EF":     true,                                           // a file specification's embedded file streams
	"Screen": true, "Movie": true, "Sound": true, "3D": true, // multimedia that can run scripts
}

// resourceCategories are the resources sub-dictionaries whose keys are names
// chosen by the producer rather than PDF vocabulary.
var resourceCategories = []string{"Font", "XObject", "ExtGState", "ColorSpace", "Pattern", "Shading", "Properties"}

// safeOpenActions are the only /OpenAction forms accepted: jumping to a page.
// Anything else (a URI beacon, a named menu command, a script) runs unasked
// the moment staff open the file.
var safeOpenActions = map[string]bool{"GoTo": true}

// foreignMarkers betray another format living in the PDF's object syntax
// (outside stream data, where legitimate binary belongs): archives,
// executables and images that an unpacker or image viewer would find.
var foreignMarkers = [][]byte{
	[]byte("PK\x03\x04"), []byte("PK\x05\x06"), []byte("PK\x01\x02"),
	[]byte("Rar!\x1a\x07"), []byte("7z\xbc\xaf\x27\x1c"), []byte("\x7fELF"),
	sigJPEG, sigPNG, []byte("GIF87a"), []byte("GIF89a"),
}

// htmlMarkers are matched without regard to ASCII case, as browsers do.
var htmlMarkers = [][]byte{
	[]byte("<html"), []byte("<script"), []byte("<body"), []byte("<svg"),
	[]byte("<iframe"), []byte("<!doctype"), []byte("<object"), []byte("<embed"),
}

// zipTailWindow is how far from the end a ZIP reader looks for the end of
// central directory record (22 bytes plus a comment of up to 64 KiB).
const zipTailWindow = 22 + 0xFFFF

// maxWalkDepth matches pdfcpu's own default recursion limit.
const maxWalkDepth = 100

func inspectPDF(data []byte) (doc *Document, err error) {
	// pdfcpu converts its own panics into errors, but not all of them; a
	// parser panic on hostile input must end as a refusal, not a crash.
	defer func() {
		if recover() != nil {
			doc, err = nil, reject(CodePDFCorrupt)
		}
	}()

	if code := scanPDFBytes(data); code != "" {
		return nil, reject(code)
	}

	ctx, err := readPDF(data)
	if err != nil {
		if errors.Is(err, pdfcpu.ErrWrongPassword) || errors.Is(err, pdfcpu.ErrEncrypted) {
			return nil, reject(CodePDFEncrypted)
		}
		return nil, reject(CodePDFCorrupt)
	}
	// An empty user password lets pdfcpu decrypt silently; an encrypted
	// copy is still refused because staff tooling could not open it alike.
	if ctx.Encrypt != nil || ctx.E != nil {
		return nil, reject(CodePDFEncrypted)
	}
	if code := walkPDF(ctx.XRefTable); code != "" {
		return nil, reject(code)
	}
	if err := ctx.EnsurePageCount(); err != nil || ctx.PageCount < 1 {
		return nil, reject(CodePDFCorrupt)
	}
	if ctx.PageCount > MaxPDFPages {
		return nil, reject(CodePDFTooManyPages)
	}

	stripPDFMetadata(ctx.XRefTable)
	out, err := writePDF(ctx, len(data))
	if err != nil {
		return nil, reject(CodePDFCorrupt)
	}
	// What staff will open is the rewritten file, so that is what is
	// finally judged: written without object streams, every object's
	// syntax is in plain sight of the byte scan, and the parsed walk
	// sees every object the new cross-reference table lists.
	if code := checkRewrittenPDF(out); code != "" {
		return nil, reject(code)
	}
	return &Document{Kind: KindPDF, Data: out, Pages: ctx.PageCount}, nil
}

// readPDF parses and validates a PDF with pdfcpu's core packages. (Its
// pkg/api would do the same but pulls in form filling and, with it, a
// Unicode width table whose initialisation costs every cold start 58 ms.)
func readPDF(data []byte) (*model.Context, error) {
	ctx, err := pdfcpu.Read(bytes.NewReader(data), pdfConfig())
	if err != nil {
		return nil, fmt.Errorf("read pdf: %w", err)
	}
	if err := validate.XRefTable(ctx); err != nil {
		return nil, fmt.Errorf("validate pdf: %w", err)
	}
	if err := checkObjectNumbers(ctx.XRefTable); err != nil {
		return nil, err
	}
	return ctx, nil
}

var errObjectNumbers = errors.New("pdf object numbers out of range")

// checkObjectNumbers bounds the object numbers and the declared table size:
// pdfcpu's writer walks every number up to the size (formatting each
// missing one), so one object numbered 57 777 777 in a 300-byte file costs
// it 18 s and 6 GB.
func checkObjectNumbers(xt *model.XRefTable) error {
	if xt.Size != nil && *xt.Size > maxPDFObjectNumber+1 {
		return errObjectNumbers
	}
	for nr := range xt.Table {
		if nr < 0 || nr > maxPDFObjectNumber {
			return errObjectNumbers
		}
	}
	return nil
}

// writePDF serialises ctx. The output holds at most what was read plus
// pdfcpu's own structure, so it is capped at twice the input.
func writePDF(ctx *model.Context, inputSize int) ([]byte, error) {
	if err := checkObjectNumbers(ctx.XRefTable); err != nil {
		return nil, err
	}
	out := &cappedBuffer{max: 2*inputSize + 64<<10}
	out.Grow(inputSize)
	bw := bufio.NewWriter(out)
	ctx.Write.Writer = bw
	if err := pdfcpu.WriteContext(ctx); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return out.Bytes(), nil
}

// checkRewrittenPDF judges the sanitised output as a file of its own.
func checkRewrittenPDF(out []byte) string {
	if code := scanPDFBytes(out); code != "" {
		return code
	}
	ctx, err := readPDF(out)
	if err != nil {
		// pdfcpu can write what it then cannot validate (a dangling
		// reference it fills with its own Info dictionary, say), or
		// number a page it made up in the tens of millions.
		return CodePDFCorrupt
	}
	for _, entry := range ctx.Table {
		if entry == nil || entry.Free {
			continue
		}
		if entry.Compressed {
			return CodePDFActiveContent
		}
		switch entry.Object.(type) {
		case types.ObjectStreamDict, *types.ObjectStreamDict, types.XRefStreamDict, *types.XRefStreamDict:
			// The writer makes neither: one in the output was carried
			// over, with contents no check has seen.
			return CodePDFActiveContent
		}
	}
	return walkPDF(ctx.XRefTable)
}

// pdfCost is the memory reserved for inspecting a PDF of n bytes declaring
// objs objects: pdfcpu holds the file, every stream's raw bytes and the
// decoded object and cross-reference streams (each at most
// pdfDecodeLimit), a few KiB per object, the rewritten copy and then a
// second parse of it.
func pdfCost(n, objs int) int64 {
	return pdfFixedCost + pdfCostPerByte*int64(n) + pdfCostPerObject*int64(objs)
}

// pdfObjectCount is about how many objects the file declares outside
// object streams: each starts with "N G obj" outside stream data and ends
// with "endobj". packed reports an object stream, whose objects cannot be
// counted without unpacking it.
func pdfObjectCount(data []byte) (n int, packed bool) {
	segments, ok := objectSyntax(data)
	if !ok {
		return 0, false
	}
	for _, seg := range segments {
		n += bytes.Count(seg, []byte("obj"))
		if !packed {
			for name := range pdfNames(seg) {
				if name == "ObjStm" {
					packed = true
					break
				}
			}
		}
	}
	return n / 2, packed // "obj" and "endobj"
}

const (
	// maxPDFObjects is far more objects than a scan or a printed ID
	// copy holds (tens to a few thousand); each costs pdfcpu several KiB
	// while reading.
	maxPDFObjects = 20_000
	// maxPDFObjectNumber leaves room for the gaps that editing and
	// incremental updates leave in the numbering.
	maxPDFObjectNumber = 5 * maxPDFObjects

	pdfFixedCost   = 8 << 20
	pdfCostPerByte = 8
	// pdfCostPerObject covers the parsed object and its table entry,
	// twice (input and output): about twice what was measured.
	pdfCostPerObject = 1 << 10
	// pdfFixedCost + pdfCostPerByte×MaxSize + pdfCostPerObject×2×maxPDFObjects
	// is within MemoryBudget: any PDF that passes the object limit fits.
	// pdfDecodeLimit bounds what one filtered stream may expand to while
	// pdfcpu reads the file; only structural streams are decoded.
	pdfDecodeLimit = 16 << 20
)

// pdfConfig is built by hand rather than with model.NewDefaultConfiguration,
// which writes a config directory under $HOME: unwanted (and often read-only)
// in a function instance. The limits are far tighter than pdfcpu's defaults
// because the input is at most MaxSize bytes.
func pdfConfig() *model.Configuration {
	limits := model.DefaultResourceLimits()
	limits.MaxStreamBytes = MaxSize
	limits.MaxDecodeBytes = pdfDecodeLimit
	limits.MaxImageBytes = pdfDecodeLimit
	limits.MaxImagePixels = MaxPixels
	limits.MaxObjectCount = maxPDFObjects
	limits.MaxObjectStreamCount = maxPDFObjects
	limits.MaxXRefEntries = maxPDFObjects
	limits.MaxObjectStreamFirst = 1 << 20
	return &model.Configuration{
		Version:                   model.VersionStr,
		Cmd:                       model.VALIDATE,
		Reader15:                  true,
		ValidationMode:            model.ValidationRelaxed,
		UnsupportedResourcePolicy: model.UnsupportedResourceSkip,
		Eol:                       types.EolLF,
		WriteObjectStream:         false,
		WriteXRefStream:           false,
		Offline:                   true,
		Limits:                    limits,
	}
}

// scanPDFBytes looks at the raw file, outside stream data, for what must not
// be there. It complements the parsed walk: it also sees objects that no
// cross-reference section lists, which a lenient viewer may still repair
// its way into, and bytes after the last %%EOF.
func scanPDFBytes(data []byte) string {
	// A ZIP reader finds its directory near the end of the file, wherever
	// the PDF syntax puts it, even inside a stream.
	if bytes.Contains(data[max(0, len(data)-zipTailWindow):], []byte("PK\x05\x06")) {
		return CodePDFActiveContent
	}

	eof := bytes.LastIndex(data, []byte("%%EOF"))
	if eof < 0 {
		return CodePDFCorrupt
	}
	if tail := data[eof+len("%%EOF"):]; len(bytes.Trim(tail, "\x00\t\n\f\r ")) != 0 {
		// Something appended after the document: a payload if it
		// looks like one, otherwise a damaged file.
		if hasForeignMarker(tail) {
			return CodePDFActiveContent
		}
		return CodePDFCorrupt
	}

	segments, ok := objectSyntax(data)
	if !ok {
		return CodePDFCorrupt
	}
	code := ""
	for _, seg := range segments {
		if hasForeignMarker(seg) {
			return CodePDFActiveContent
		}
		for name := range pdfNames(seg) {
			switch {
			case activeNames[name]:
				return CodePDFActiveContent
			case name == "Encrypt":
				// Keep looking: active content is the more useful
				// message when both are present.
				code = CodePDFEncrypted
			}
		}
	}
	return code
}

func hasForeignMarker(b []byte) bool {
	for _, m := range foreignMarkers {
		if bytes.Contains(b, m) {
			return true
		}
	}
	// bytes.ToLower would turn invalid UTF-8 into U+FFFD; only ASCII
	// letters are folded here.
	lower := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	for _, m := range htmlMarkers {
		if bytes.Contains(lower, m) {
			return true
		}
	}
	return false
}

// objectSyntax splits a PDF into the parts outside stream data, so binary
// image and font data cannot trigger false alarms. A stream that never ends
// makes the file unreadable (ok false).
func objectSyntax(data []byte) (segments [][]byte, ok bool) {
	start, pos := 0, 0
	for {
		i := bytes.Index(data[pos:], []byte("stream"))
		if i < 0 {
			return append(segments, data[start:]), true
		}
		i += pos
		end := i + len("stream")
		// Only the keyword itself opens stream data: preceded by the
		// dictionary's ">>" or white space, not part of "endstream",
		// and followed by an end of line (ISO 32000-1 §7.3.8.1).
		isKeyword := i > 0 && (data[i-1] == '>' || isPDFSpace(data[i-1])) &&
			end < len(data) && (data[end] == '\r' || data[end] == '\n')
		if !isKeyword {
			pos = end
			continue
		}
		segments = append(segments, data[start:end])
		j := bytes.Index(data[end:], []byte("endstream"))
		if j < 0 {
			return nil, false
		}
		start = end + j
		pos = start + len("endstream")
	}
}

// pdfNames yields every name token in b, with #xx escapes decoded, so that
// /J#61vaScript is seen as /JavaScript.
func pdfNames(b []byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for i := 0; i < len(b); i++ {
			if b[i] != '/' {
				continue
			}
			j := i + 1
			for j < len(b) && !isPDFSpace(b[j]) && !isPDFDelimiter(b[j]) {
				j++
			}
			if !yield(decodePDFName(string(b[i+1 : j]))) {
				return
			}
			i = j - 1
		}
	}
}

func decodePDFName(s string) string {
	if !strings.Contains(s, "#") {
		return s
	}
	if d, err := types.DecodeName(s); err == nil {
		return d
	}
	return s
}

func isPDFSpace(c byte) bool {
	switch c {
	case 0, '\t', '\n', '\f', '\r', ' ':
		return true
	}
	return false
}

func isPDFDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// walkPDF inspects every object pdfcpu loaded, including those it unpacked
// from compressed object streams, where the byte scan cannot see.
func walkPDF(xt *model.XRefTable) string {
	w := pdfWalker{producerKeys: map[int]bool{}}
	for _, entry := range xt.Table {
		if entry != nil && !entry.Free && entry.Object != nil {
			w.collectResourceNames(entry.Object, maxWalkDepth)
		}
	}
	for nr, entry := range xt.Table {
		if entry == nil || entry.Free || entry.Object == nil {
			continue
		}
		if w.active(entry.Object, w.producerKeys[nr], maxWalkDepth) {
			return CodePDFActiveContent
		}
	}
	if root, err := xt.Catalog(); err == nil {
		if oa, ok := root.Find("OpenAction"); ok && !safeOpenAction(xt, oa) {
			return CodePDFActiveContent
		}
	}
	return ""
}

type pdfWalker struct {
	// producerKeys holds the object numbers of resource category
	// dictionaries stored as objects of their own.
	producerKeys map[int]bool
}

// collectResourceNames records which indirect objects are resource category
// dictionaries, so their keys are not mistaken for PDF vocabulary.
func (w pdfWalker) collectResourceNames(o types.Object, depth int) {
	d, ok := asDict(o)
	if depth <= 0 {
		return
	}
	if !ok {
		if a, isArray := o.(types.Array); isArray {
			for _, e := range a {
				w.collectResourceNames(e, depth-1)
			}
		}
		return
	}
	for k, v := range d {
		if decodePDFName(k) == "Resources" {
			if r, isDict := v.(types.Dict); isDict {
				w.markCategories(r)
			}
		}
		w.collectResourceNames(v, depth-1)
	}
	// A resources dictionary stored as its own object is recognised by
	// its shape.
	w.markCategories(d)
}

func (w pdfWalker) markCategories(r types.Dict) {
	for _, c := range resourceCategories {
		if ref, ok := r[c].(types.IndirectRef); ok {
			w.producerKeys[ref.ObjectNumber.Value()] = true
		}
	}
}

// active reports whether o holds active content. producerKeys says that o's
// own keys are resource names.
func (w pdfWalker) active(o types.Object, producerKeys bool, depth int) bool {
	if depth <= 0 {
		// Deeper than pdfcpu itself allows: treat as hostile.
		return true
	}
	if d, ok := asDict(o); ok {
		// A real resource category never has a type; without this an
		// annotation could hide its /AA by posing as a font dictionary.
		producerKeys = producerKeys && !hasKey(d, "Type") && !hasKey(d, "Subtype")
		for k, v := range d {
			name := decodePDFName(k)
			if !producerKeys && (activeNames[name] || shortActiveNames[name]) {
				return true
			}
			inline := slices.Contains(resourceCategories, name)
			if w.active(v, inline, depth-1) {
				return true
			}
		}
		return false
	}
	switch v := o.(type) {
	case types.Array:
		for _, e := range v {
			if w.active(e, false, depth-1) {
				return true
			}
		}
	case types.Name:
		name := decodePDFName(string(v))
		return activeNames[name] || shortActiveNames[name]
	}
	return false
}

// hasKey is d.Find without its early exit on a malformed escape.
func hasKey(d types.Dict, name string) bool {
	for k := range d {
		if decodePDFName(k) == name {
			return true
		}
	}
	return false
}

// asDict returns the dictionary of a dictionary or stream object.
func asDict(o types.Object) (types.Dict, bool) {
	switch v := o.(type) {
	case types.Dict:
		return v, true
	case types.StreamDict:
		return v.Dict, true
	case *types.StreamDict:
		if v != nil {
			return v.Dict, true
		}
	case types.ObjectStreamDict:
		return v.Dict, true
	case *types.ObjectStreamDict:
		if v != nil {
			return v.Dict, true
		}
	case types.XRefStreamDict:
		return v.Dict, true
	case *types.XRefStreamDict:
		if v != nil {
			return v.Dict, true
		}
	}
	return nil, false
}

// safeOpenAction accepts an explicit destination (an array) or a GoTo
// action dictionary.
func safeOpenAction(xt *model.XRefTable, o types.Object) bool {
	o, err := xt.Dereference(o)
	if err != nil {
		return false
	}
	switch v := o.(type) {
	case types.Array:
		return true
	case types.Dict:
		s, ok := v.Find("S")
		if !ok {
			return false
		}
		n, ok := s.(types.Name)
		return ok && safeOpenActions[decodePDFName(string(n))] && v["Next"] == nil
	}
	return false
}

// stripPDFMetadata removes what identifies the author or the editing
// history: the Info dictionary, XMP streams, application private data
// (/PieceInfo can hold the unmasked original of an edited page) and page
// thumbnails (rendered before masking, possibly). Writing the context then
// drops every object no longer reachable, and with them earlier revisions
// and anything appended.
func stripPDFMetadata(xt *model.XRefTable) {
	xt.Info = nil
	for _, entry := range xt.Table {
		if entry == nil || entry.Free || entry.Object == nil {
			continue
		}
		d, _ := asDict(entry.Object)
		for _, k := range []string{"Metadata", "PieceInfo", "Thumb"} {
			delete(d, k)
		}
	}
}
