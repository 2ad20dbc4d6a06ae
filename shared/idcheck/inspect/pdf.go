package inspect

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/validate"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// activeNames are PDF names that exist only to make a viewer run code, open
// or submit something, or carry another file: action types, annotation
// subtypes and name-tree keys. The byte scan refuses any of them written as
// a name token (outside strings and comments) anywhere in the file's object
// syntax, which also covers objects that no cross-reference section lists
// but a repairing viewer may find.
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

// The parsed walk judges each dictionary by what it is: these are the
// entries that make one active.

// activeKeys are keys that occur only in active content: a JavaScript
// action's script, the name trees of scripts and embedded files, XML
// forms, rich media.
var activeKeys = map[string]bool{
	"JS": true, "JavaScript": true, "EmbeddedFiles": true, "XFA": true,
	"RichMediaContent": true, "RichMediaSettings": true,
}

// activeActions are the action types (an action dictionary's /S) refused:
// scripts, launching, forms that send or load data, jumps into other or
// embedded files, multimedia.
var activeActions = map[string]bool{
	"JavaScript": true, "Launch": true, "SubmitForm": true, "ImportData": true,
	"GoToR": true, "GoToE": true, "RichMediaExecute": true, "Rendition": true,
	"Movie": true, "Sound": true,
}

// activeSubtypes are annotation subtypes (an annotation's /Subtype) that
// carry a file or play media, which can run scripts.
var activeSubtypes = map[string]bool{
	"FileAttachment": true, "Sound": true, "Movie": true, "Screen": true,
	"RichMedia": true, "3D": true,
}

// safeURISchemes are the schemes a link may open; a javascript:, file: or
// data: URI is active content.
var safeURISchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// producerKeyed are dictionaries whose keys are names chosen by the
// producer rather than PDF vocabulary: the resource categories, named
// destinations, structure role and class maps, and application data.
var producerKeyed = append(slices.Clone(resourceCategories), "Dests", "RoleMap", "ClassMap", "PieceInfo")

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
// In object syntax none can occur; inside a string, rich text (a comment's
// /RC) is XHTML by design, so there only scriptMarkers count.
var htmlMarkers = append([][]byte{[]byte("<html"), []byte("<body"), []byte("<!doctype")}, scriptMarkers...)

// scriptMarkers are HTML elements that run or embed something; rich text
// allows none of them.
var scriptMarkers = [][]byte{
	[]byte("<script"), []byte("<svg"), []byte("<iframe"), []byte("<object"), []byte("<embed"),
}

// zipTailWindow is how far from the end a ZIP reader looks for the end of
// central directory record (22 bytes plus a comment of up to 64 KiB).
const zipTailWindow = 22 + 0xFFFF

// maxWalkDepth matches pdfcpu's own default recursion limit.
const maxWalkDepth = 100

// inspectPDF judges a PDF whose streams scanPDFStreams has bounded. The
// rewritten copy may be at most maxOut bytes; pdfcpu stops when c ends. In
// mode m with removeActive, active content is removed (removeActive) before
// pdfcpu validates the document, and the walk is left to the final check.
func inspectPDF(c context.Context, data []byte, maxOut int, m mode) (doc *idcheck.Document, err error) {
	// pdfcpu converts its own panics into errors, but not all of them; a
	// parser panic on hostile input must end as a refusal, not a crash.
	defer func() {
		if recover() != nil {
			doc, err = nil, reject(idcheck.CodePDFCorrupt)
		}
	}()

	var removed []string
	var remove func(*model.XRefTable) string
	if m.removeActive {
		remove = func(xt *model.XRefTable) (code string) {
			removed, code = removeActive(xt)
			return code
		}
	}
	ctx, err := readPDFWith(c, data, remove)
	if err != nil {
		var rej *idcheck.Rejection
		switch {
		case errors.As(err, &rej):
			return nil, rej
		case errors.Is(err, pdfcpu.ErrWrongPassword) || errors.Is(err, pdfcpu.ErrEncrypted):
			return nil, reject(idcheck.CodePDFEncrypted)
		}
		return nil, reject(idcheck.CodePDFCorrupt)
	}
	// An empty user password lets pdfcpu decrypt silently; an encrypted
	// copy is still refused because staff tooling could not open it alike.
	if ctx.Encrypt != nil || ctx.E != nil {
		return nil, reject(idcheck.CodePDFEncrypted)
	}
	if !m.removeActive {
		if code := walkPDF(ctx.XRefTable); code != "" {
			return nil, reject(code)
		}
	}
	if err := ctx.EnsurePageCount(); err != nil || ctx.PageCount < 1 {
		return nil, reject(idcheck.CodePDFCorrupt)
	}
	if ctx.PageCount > m.maxPages {
		return nil, reject(idcheck.CodePDFTooManyPages)
	}

	out, err := writePDF(c, ctx, maxOut)
	if err != nil {
		return nil, reject(idcheck.CodePDFCorrupt)
	}
	// What staff will open is the rewritten file, so that is what is
	// finally judged: written without object streams, every object's
	// syntax is in plain sight of the byte scan, and the parsed walk
	// sees every object the new cross-reference table lists.
	if code := checkRewrittenPDF(c, out); code != "" {
		return nil, reject(code)
	}
	return &idcheck.Document{Kind: idcheck.KindPDF, Data: out, Pages: ctx.PageCount, Removed: removed}, nil
}

// readPDF parses and validates a PDF with pdfcpu's core packages. (Its
// pkg/api would do the same but pulls in form filling and, with it, a
// Unicode width table whose initialisation costs every cold start 58 ms.)
func readPDF(c context.Context, data []byte) (*model.Context, error) {
	return readPDFWith(c, data, nil)
}

// readPDFWith is readPDF that, unless the file is encrypted, has remove
// change the objects before pdfcpu validates them (a rejection code from it
// refuses the file): what is removed is never decoded, and the name trees
// pdfcpu builds while validating, and writes back, no longer hold it.
func readPDFWith(c context.Context, data []byte, remove func(*model.XRefTable) string) (*model.Context, error) {
	ctx, err := pdfcpu.Read(c, bytes.NewReader(data), pdfConfig())
	if err != nil {
		return nil, fmt.Errorf("read pdf: %w", err)
	}
	// Images are judged while thumbnails are still in place (they may
	// leave out /Subtype) and before validating.
	if ctx.Encrypt == nil && ctx.E == nil {
		if code := checkPDFImages(ctx.XRefTable); code != "" {
			return nil, reject(code)
		}
	}
	// The metadata goes anyway; gone before validating, it is never
	// decoded (pdfcpu 0.15 decodes the catalog's with a limit of its own).
	stripPDFMetadata(ctx.XRefTable)
	if remove != nil && ctx.Encrypt == nil && ctx.E == nil {
		if code := remove(ctx.XRefTable); code != "" {
			return nil, reject(code)
		}
	}
	if err := validate.XRefTable(c, ctx); err != nil {
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

// writePDF serialises ctx into at most maxOut bytes. The output holds what
// was read, object streams unpacked, plus pdfcpu's own structure.
func writePDF(c context.Context, ctx *model.Context, maxOut int) ([]byte, error) {
	if err := checkObjectNumbers(ctx.XRefTable); err != nil {
		return nil, err
	}
	out := &cappedBuffer{max: maxOut}
	out.Grow(min(maxOut, 1<<20))
	bw := bufio.NewWriter(out)
	ctx.Write.Writer = bw
	if err := pdfcpu.WriteContext(c, ctx); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return out.Bytes(), nil
}

// checkRewrittenPDF judges the sanitised output as a file of its own.
func checkRewrittenPDF(c context.Context, out []byte) string {
	if code := scanPDFBytes(out); code != "" {
		return code
	}
	ctx, err := readPDF(c, out)
	var rej *idcheck.Rejection
	if errors.As(err, &rej) {
		return rej.Code
	}
	if err != nil {
		// pdfcpu can write what it then cannot validate (a dangling
		// reference it fills with its own Info dictionary, say), or
		// number a page it made up in the tens of millions.
		return idcheck.CodePDFCorrupt
	}
	for _, entry := range ctx.Table {
		if entry == nil || entry.Free {
			continue
		}
		if entry.Compressed {
			return idcheck.CodePDFActiveContent
		}
		switch entry.Object.(type) {
		case types.ObjectStreamDict, *types.ObjectStreamDict, types.XRefStreamDict, *types.XRefStreamDict:
			// The writer makes neither: one in the output was carried
			// over, with contents no check has seen.
			return idcheck.CodePDFActiveContent
		}
	}
	return walkPDF(ctx.XRefTable)
}

// pdfCost is the memory reserved for inspecting a PDF of n bytes declaring
// objs objects: pdfcpu holds the file, every stream's raw bytes, a KiB or
// so per object, the rewritten copy and then a second parse of it. What
// the objects' syntax parses into and what streams decode to come on top
// (streamScan.charge): scanPDFStreams measures both before pdfcpu reads
// anything. A file whose total exceeds the budget is refused unread.
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
				if string(name) == "ObjStm" {
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
	// pdfCostPerSyntaxByte is charged on top for each byte of object
	// syntax that is not white space (streamScan.syntax): pdfcpu 0.16
	// holds up to about 60 bytes of parsed objects for each, input and
	// rewritten copy together (measured for arrays of integers, empty
	// arrays and dictionaries, names, strings and references, each 1 MB;
	// a 7 KiB file with an object stream holding 7 MB of empty arrays
	// made it hold 460 MiB).
	pdfCostPerSyntaxByte = 64
	// pdfCostPerObject covers the parsed object and its table entry,
	// twice (input and output). With the fixed cost it covers the peak
	// live heap measured with pdfcpu 0.16: 29 MiB for 19 000 objects
	// in 925 KiB (reserved: 34 MiB), 1.55 KiB per object.
	pdfCostPerObject = 1 << 10
	// pdfFixedCost + pdfCostPerByte×MaxSize + pdfCostPerObject×2×maxPDFObjects
	// is within MemoryBudget; the syntax those objects are written in
	// may not be (pdfCostPerSyntaxByte): about 1.8 MiB of it fits, more
	// than the largest of a thousand test files of pdf.js and pdfcpu
	// (1.4 MB, including white space).
	// pdfDecodeLimit bounds what one filtered stream other than an image
	// may decode to (maxPDFStreamDecoded), for pdfcpu too.
	pdfDecodeLimit = 16 << 20
)

// pdfConfig is built by hand rather than with model.NewDefaultConfiguration,
// which writes a config directory under $HOME: unwanted (and often read-only)
// in a function instance. The limits are far tighter than pdfcpu's defaults
// because the input is at most MaxSize bytes.
func pdfConfig() *model.Configuration {
	limits := model.DefaultResourceLimits()
	limits.MaxStreamBytes = idcheck.MaxSize
	limits.MaxDecodeBytes = pdfDecodeLimit
	limits.MaxImageBytes = pdfDecodeLimit
	limits.MaxImagePixels = idcheck.MaxPixels
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

// walkPDF inspects every object pdfcpu loaded, including those it unpacked
// from compressed object streams, where the byte scan cannot see. Objects
// are judged by what they are: an action by its type (/S), an annotation by
// its /Subtype, a file specification by an embedded file (/EF), plus the
// keys that exist only in active content and the document's open action;
// a name that merely shares a spelling (a blend mode /Screen, the /EF
// rights of a usage-rights signature) is not active.
func walkPDF(xt *model.XRefTable) string {
	w := pdfWalker{xt: xt, producerKeys: map[int]bool{}}
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
			return idcheck.CodePDFActiveContent
		}
	}
	if root, err := xt.Catalog(); err == nil {
		if oa, ok := root.Find("OpenAction"); ok && !safeOpenAction(xt, oa) {
			return idcheck.CodePDFActiveContent
		}
	}
	return ""
}

type pdfWalker struct {
	xt *model.XRefTable
	// producerKeys holds the object numbers of producer-keyed
	// dictionaries stored as objects of their own.
	producerKeys map[int]bool
}

// collectResourceNames records which indirect objects are producer-keyed
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
		name := decodePDFName(k)
		if name == "Resources" {
			if r, isDict := v.(types.Dict); isDict {
				w.markCategories(r)
			}
		}
		if ref, isRef := v.(types.IndirectRef); isRef && slices.Contains(producerKeyed, name) && name != "PieceInfo" {
			// /Dests, /RoleMap, /ClassMap stored as objects.
			w.producerKeys[ref.ObjectNumber.Value()] = true
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
// own keys are names chosen by the producer.
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
			if !producerKeys && w.activeEntry(name, v) {
				return true
			}
			inline := slices.Contains(producerKeyed, name)
			if w.active(v, inline, depth-1) {
				return true
			}
		}
		return false
	}
	if a, ok := o.(types.Array); ok {
		for _, e := range a {
			if w.active(e, false, depth-1) {
				return true
			}
		}
	}
	return false
}

// activeEntry judges one dictionary entry by the vocabulary above. Values
// are dereferenced: a viewer resolves /S 9 0 R as readily as /S /Launch.
func (w pdfWalker) activeEntry(key string, v types.Object) bool {
	if activeKeys[key] {
		return true
	}
	switch key {
	case "AA", "EF": // additional actions; a file specification's embedded files
		_, isDict := w.deref(v).(types.Dict)
		return isDict
	case "S":
		return activeActions[w.name(v)]
	case "Subtype":
		return activeSubtypes[w.name(v)]
	case "Type":
		return w.name(v) == "EmbeddedFile"
	case "URI":
		return !safeURI(w.deref(v))
	}
	return false
}

func (w pdfWalker) deref(o types.Object) types.Object {
	d, err := w.xt.Dereference(o)
	if err != nil {
		return nil
	}
	return d
}

func (w pdfWalker) name(o types.Object) string {
	if n, ok := w.deref(o).(types.Name); ok {
		return decodePDFName(string(n))
	}
	return ""
}

// safeURI accepts a URI action's target when its scheme is one a link may
// open. Anything that is not a string is left to the viewer to ignore.
func safeURI(o types.Object) bool {
	var s string
	switch v := o.(type) {
	case types.StringLiteral:
		u, err := types.StringLiteralToString(v)
		if err != nil {
			return false
		}
		s = u
	case types.HexLiteral:
		u, err := types.HexLiteralToString(v)
		if err != nil {
			return false
		}
		s = u
	default:
		return true
	}
	// Browsers drop leading spaces and control characters, and tabs and
	// line breaks anywhere, before reading the scheme.
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
	scheme, _, found := strings.Cut(s, ":")
	if !found || strings.ContainsAny(scheme, "/?#") {
		return true // relative: no scheme of its own
	}
	return safeURISchemes[strings.ToLower(scheme)]
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
