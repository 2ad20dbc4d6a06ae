package inspect

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"io"

	tifflzw "golang.org/x/image/tiff/lzw"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// The stream pre-scan: before pdfcpu (or any PDF library) reads a file, every
// filtered stream in it is decoded here through counting readers that stop
// at a limit and keep nothing, so what a library may inflate later is known
// and bounded first. pdfcpu decodes object and cross-reference streams
// while reading and (depending on its version) metadata and colour space
// streams while validating, each under a limit of its own but none under a
// limit of the whole: forty object streams of 15 MiB (a 615 KiB file) cost
// it 1.5 GiB, and one metadata stream of 500 MiB (pdfcpu 0.15's own
// default limit) 1.8 GiB.
//
// Streams are found by content, not through the cross-reference table, so
// a table that points pdfcpu into the middle of another stream's data finds
// nothing unchecked: every "obj" keyword followed by a dictionary and the
// "stream" keyword is taken as a stream, wherever it stands. Each stream is
// decoded from where its data starts to where its filters stop, which
// bounds whatever prefix /Length (or a search for "endstream") hands a
// library: the filters are streaming codecs, so a longer input never
// decodes to less.

const (
	// maxPDFStreamDecoded is the most any stream other than an image may
	// decode to (each filter of its chain, as pdfcpu holds every stage).
	// It is also pdfcpu's own per-stream limit (pdfDecodeLimit).
	maxPDFStreamDecoded = pdfDecodeLimit
	// maxPDFDecodedTotal is the most all streams other than images may
	// decode to together.
	maxPDFDecodedTotal = 64 << 20
	// pdfHeldFactor is what pdfcpu 0.16 holds at its peak per byte of the
	// object and cross-reference streams it unpacks and keeps while
	// reading (the decoded buffer grown by doubling, a compacted copy,
	// the parsed objects): 2.3 measured, for three 15 MiB object streams.
	pdfHeldFactor = 3
	// pdfPassingFactor is what it holds per byte of any other stream it
	// decodes on the way (an indexed colour space's lookup while
	// validating): one at a time, dropped after.
	pdfPassingFactor = 2
	// maxPDFImageDecoded bounds what one image stream's filters may
	// produce before an image codec (if any) takes over: the largest image
	// the photo path would take, 4 bytes for each of MaxPixels.
	maxPDFImageDecoded = 4 * idcheck.MaxPixels
	// maxPDFDecodeWork bounds the bytes all filters of all streams may
	// produce together, images included: half a second of inflating on
	// a function instance (a second of LZW, the slowest), so that any
	// upload is answered in time.
	maxPDFDecodeWork = 256 << 20
	// decoderSetupWork is what setting up one filter stage counts towards
	// maxPDFDecodeWork: about what inflating that much costs, so that
	// thousands of tiny streams hidden in one another's data cannot take
	// longer than a few large ones.
	decoderSetupWork = 8 << 10
	// maxPDFStreams bounds the streams looked at, as maxPDFObjects does
	// the objects.
	maxPDFStreams = maxPDFObjects
	// maxStreamDict bounds a stream's dictionary; an image's with an
	// indexed colour space's palette spelled out is a few KiB.
	maxStreamDict = 256 << 10
)

// Filter names as they appear in files, the abbreviations pdfcpu accepts in
// relaxed mode included.
var pdfFilterNames = map[string]string{
	"FlateDecode": "Flate", "Fl": "Flate",
	"LZWDecode": "LZW", "LZW": "LZW",
	"ASCIIHexDecode": "AHx", "AHx": "AHx",
	"ASCII85Decode": "A85", "A85": "A85",
	"RunLengthDecode": "RL", "RL": "RL",
	"Crypt": "Crypt",
	// Image codecs: never decoded here. An image's size is bounded by
	// its declared dimensions (see pdfimages.go); any other stream must
	// not use them.
	"DCTDecode": "DCT", "DCT": "DCT",
	"JPXDecode":      "JPX",
	"JBIG2Decode":    "JBIG2",
	"CCITTFaxDecode": "CCITT", "CCF": "CCITT",
}

func isImageFilter(f string) bool {
	switch f {
	case "DCT", "JPX", "JBIG2", "CCITT":
		return true
	}
	return false
}

// streamScan is what the pre-scan found.
type streamScan struct {
	streams int   // stream objects found
	decoded int64 // decoded bytes of streams other than images
	// held is the decoded bytes of object and cross-reference streams,
	// which pdfcpu unpacks and keeps while reading.
	held int64
	// passing is the largest any other stream (but an image) decodes to.
	passing int64
	work    int64 // decoded bytes of all streams
	// syntax is the object syntax a reader parses, white space not
	// counted (syntaxWeight): of every object's value, stream
	// dictionaries, trailers, and the objects in object streams.
	syntax int64
}

// charge is the memory pdfcpu may hold for what the streams decode to and
// for the objects it parses, on top of pdfCost.
func (s streamScan) charge() int64 {
	return pdfHeldFactor*s.held + pdfPassingFactor*s.passing + pdfCostPerSyntaxByte*s.syntax
}

var (
	errStreamTooLarge = errors.New("pdf stream decodes to too much")
	errDecodeWork     = errors.New("pdf streams decode to too much together")
)

// scanPDFStreams decodes every stream of data within the limits above. It
// returns a rejection code when a limit is exceeded or a stream cannot be
// judged.
func scanPDFStreams(data []byte) (scan streamScan, code string) {
	defer func() {
		if recover() != nil {
			code = idcheck.CodePDFCorrupt
		}
	}()
	s := streamScanner{data: data, budget: 4*int64(len(data)) + 1<<20}
	s.indexObjects()
	for pos := 0; ; {
		i := bytes.Index(data[pos:], []byte("obj"))
		if i < 0 {
			break
		}
		i += pos
		pos = i + len("obj")
		_, header := objectHeader(data, i)
		if code := s.object(pos, header); code != "" {
			return s.scan, code
		}
	}
	return s.scan, s.trailers()
}

type streamScanner struct {
	data   []byte
	budget int64 // bytes of parsing left, against quadratic rescans
	scan   streamScan
	stop   error // the limit that ended decoding, if any
	// objects maps an object number to where each "N G obj" defining it
	// starts its value, for resolving an indirect /Filter.
	objects  map[int][]int
	resolved map[int]resolvedValue
}

// indexObjects records every "N G obj" in the file.
func (s *streamScanner) indexObjects() {
	s.objects = map[int][]int{}
	for pos := 0; ; {
		i := bytes.Index(s.data[pos:], []byte("obj"))
		if i < 0 {
			return
		}
		i += pos
		pos = i + 3
		if nr, ok := objectHeader(s.data, i); ok {
			s.objects[nr] = append(s.objects[nr], pos)
		}
	}
}

// objectHeader reports whether the "obj" keyword at b[i] ends an object
// header, "N G obj", and returns N.
func objectHeader(b []byte, i int) (nr int, ok bool) {
	if i+3 < len(b) && !isPDFSpace(b[i+3]) && !isPDFDelimiter(b[i+3]) {
		return 0, false
	}
	j := i
	for j > 0 && isPDFSpace(b[j-1]) {
		j--
	}
	k := j
	for k > 0 && '0' <= b[k-1] && b[k-1] <= '9' {
		k--
	}
	if k == j || k == 0 || !isPDFSpace(b[k-1]) {
		return 0, false
	}
	for k > 0 && isPDFSpace(b[k-1]) {
		k--
	}
	end := k
	for k > 0 && '0' <= b[k-1] && b[k-1] <= '9' {
		k--
	}
	if k == end || end-k > 9 {
		return 0, false
	}
	for _, c := range b[k:end] {
		nr = nr*10 + int(c-'0')
	}
	return nr, true
}

// object looks at what follows an "obj" keyword ending at pos: a stream's
// dictionary and data are measured, and the syntax of an object (header
// says the keyword ends "N G obj", as a reader requires) is weighed. Any
// "obj" is taken to open a stream, even in the midst of binary data.
func (s *streamScanner) object(pos int, header bool) string {
	p := pdfParser{b: s.data, pos: pos, budget: &s.budget, skip: true}
	p.skipSpace()
	start := p.pos
	_, err := p.value(maxWalkDepth)
	if s.budget < 0 {
		return idcheck.CodePDFCorrupt
	}
	if err != nil {
		// Something this parser cannot read but another reader might.
		// Opening a stream, it cannot be bounded; otherwise it is
		// weighed up to the end of its object.
		if streamKeywordBeforeEndobj(s.data, pos) {
			return idcheck.CodePDFCorrupt
		}
		if header {
			end := bytes.Index(s.data[pos:], []byte("endobj"))
			if end < 0 {
				end = len(s.data) - pos
			}
			s.scan.syntax += syntaxWeight(s.data[pos : pos+end])
		}
		return ""
	}
	end := p.pos
	if header {
		s.scan.syntax += syntaxWeight(s.data[start:end])
	}
	p.skipSpace()
	if !keywordAt(s.data, p.pos, "stream") || s.data[start] != '<' {
		return ""
	}
	s.scan.streams++
	if s.scan.streams > maxPDFStreams || end-start > maxStreamDict {
		return idcheck.CodePDFCorrupt
	}
	q := pdfParser{b: s.data, pos: start}
	dict, err := q.value(maxWalkDepth)
	if err != nil || dict.kind != pdfDict {
		return idcheck.CodePDFCorrupt
	}
	return s.stream(dict, p.pos+len("stream"))
}

// trailers weighs the syntax of every trailer dictionary, which a reader
// parses as it does objects.
func (s *streamScanner) trailers() string {
	for pos := 0; ; {
		i := bytes.Index(s.data[pos:], []byte("trailer"))
		if i < 0 {
			return ""
		}
		pos += i + len("trailer")
		p := pdfParser{b: s.data, pos: pos, budget: &s.budget, skip: true}
		p.skipSpace()
		start := p.pos
		_, err := p.value(maxWalkDepth)
		if s.budget < 0 {
			return idcheck.CodePDFCorrupt
		}
		if err != nil {
			end := bytes.Index(s.data[pos:], []byte("startxref"))
			if end < 0 {
				end = len(s.data) - pos
			}
			s.scan.syntax += syntaxWeight(s.data[pos : pos+end])
			continue
		}
		s.scan.syntax += syntaxWeight(s.data[start:p.pos])
	}
}

// streamKeywordBeforeEndobj reports a "stream" keyword after pos and
// before the next "endobj".
func streamKeywordBeforeEndobj(b []byte, pos int) bool {
	end := bytes.Index(b[pos:], []byte("endobj"))
	if end < 0 {
		end = len(b) - pos
	}
	seg := b[pos : pos+end]
	for i := 0; ; {
		j := bytes.Index(seg[i:], []byte("stream"))
		if j < 0 {
			return false
		}
		j += i
		if (j == 0 || isPDFSpace(seg[j-1]) || seg[j-1] == '>') && keywordAt(seg, j, "stream") {
			return true
		}
		i = j + len("stream")
	}
}

// stream measures one stream whose "stream" keyword ends at pos.
func (s *streamScanner) stream(dict pdfValue, pos int) string {
	filters, ok := s.filters(dict)
	if !ok {
		return idcheck.CodePDFCorrupt
	}
	subtype, _, uniqueSubtype := dict.get("Subtype")
	typ, hasType, uniqueType := dict.get("Type")
	image := subtype.nameOf() == "Image" && uniqueSubtype && uniqueType &&
		(!hasType || typ.nameOf() == "XObject")
	if len(filters) == 0 {
		// Stored as it is: no decoding, no cost beyond its bytes. Page
		// content may still hold inline images.
		if image {
			return ""
		}
		data := s.data[pos:]
		if end := bytes.Index(data, []byte("endstream")); end >= 0 {
			data = data[:end]
		}
		switch t := typ.nameOf(); {
		case t == "ObjStm": // objects a reader parses
			s.scan.held += int64(len(data))
			s.scan.syntax += syntaxWeight(data)
			return ""
		case t == "XRef":
			s.scan.held += int64(len(data))
			return ""
		}
		var inline inlineImages
		_, _ = inline.Write(data)
		return inline.code
	}

	// An image codec belongs to images. A stream that says it is
	// something else (a form, metadata, an object stream) must not use
	// one: its size has no declaration to check, and pdfcpu may decode
	// it. One that says nothing may be a soft mask whose producer left
	// out its /Subtype: the parsed walk judges it by its use
	// (checkPDFImages), since pdf.js's bomb_giant.pdf shows such streams
	// as page content: 3 × 10¹⁰ pixels of JBIG2.
	_, hasSubtype, _ := dict.get("Subtype")
	mayBeImage := image || (!hasType && !hasSubtype)
	lzwStages := 0
	for _, f := range filters {
		if isImageFilter(f) && !mayBeImage {
			return idcheck.CodePDFCorrupt
		}
		if f == "LZW" {
			lzwStages++
		}
	}
	if lzwStages > 1 {
		return idcheck.CodePDFCorrupt
	}
	limit := int64(maxPDFStreamDecoded)
	if image {
		limit = maxPDFImageDecoded
	}

	// Where the data starts: pdfcpu skips spaces and one end of line
	// after the keyword; other readers skip the end of line only, or
	// (a CR followed by LF) half of it. Each possible start is measured.
	starts := []int{pos}
	t := pos
	for t < len(s.data) && s.data[t] == ' ' {
		t++
	}
	for _, n := range []int{t, t + 1, t + 2} {
		if n > len(s.data) || n > t && !(s.data[n-1] == '\r' || s.data[n-1] == '\n') {
			break
		}
		if n != starts[len(starts)-1] {
			starts = append(starts, n)
		}
	}
	if f := filters[0]; f == "AHx" || f == "A85" {
		starts = starts[:1] // both skip white space: one start decodes alike
	}

	var most, packedSyntax int64
	for _, start := range starts {
		for variant := range min(lzwStages+1, 2) {
			var sink io.Writer = io.Discard
			var inline inlineImages
			var weigh syntaxWeigher
			switch {
			case typ.nameOf() == "ObjStm":
				sink = &weigh // objects a reader parses
			case !image:
				sink = &inline
			}
			n, err := s.decode(s.data[start:], filters, variant == 1, limit, sink)
			if inline.code != "" {
				return inline.code
			}
			packedSyntax = max(packedSyntax, weigh.n)
			switch {
			case errors.Is(err, errStreamTooLarge) && image:
				return idcheck.CodeImageTooLarge
			case errors.Is(err, errDecodeWork) && image:
				return idcheck.CodeImageTooLarge
			case err != nil:
				return idcheck.CodePDFCorrupt
			}
			most = max(most, n)
		}
	}
	s.scan.syntax += packedSyntax
	if !image {
		s.scan.decoded += most
		if s.scan.decoded > maxPDFDecodedTotal {
			return idcheck.CodePDFCorrupt
		}
		if t := typ.nameOf(); t == "ObjStm" || t == "XRef" || !uniqueType {
			s.scan.held += most
		} else {
			s.scan.passing = max(s.scan.passing, most)
		}
	}
	return ""
}

// filters resolves a stream's /Filter into canonical names. ok is false
// when it cannot be told what they are.
func (s *streamScanner) filters(dict pdfValue) (names []string, ok bool) {
	v, found, unique := dict.get("Filter")
	if !found {
		return nil, true
	}
	if !unique {
		return nil, false
	}
	v, ok = s.resolve(v)
	if !ok {
		return nil, false
	}
	var list []pdfValue
	switch v.kind {
	case pdfNull:
		return nil, true
	case pdfName:
		list = []pdfValue{v}
	case pdfArray:
		list = v.arr
	default:
		return nil, false
	}
	for _, e := range list {
		if e, ok = s.resolve(e); !ok {
			return nil, false
		}
		name, known := pdfFilterNames[e.nameOf()]
		if !known {
			// No reader decodes an unknown filter: what it guards
			// stays as it is. Nothing after it can be decoded either.
			break
		}
		names = append(names, name)
	}
	return names, true
}

// resolve follows a reference to an object stored in the file's body. Every
// definition of it must agree; one inside an object stream cannot be
// resolved here, so it is not ok.
func (s *streamScanner) resolve(v pdfValue) (pdfValue, bool) {
	if v.kind != pdfRef {
		return v, true
	}
	if r, done := s.resolved[int(v.num)]; done {
		return r.v, r.ok
	}
	r, ok := s.resolve1(int(v.num))
	if s.resolved == nil {
		s.resolved = map[int]resolvedValue{}
	}
	s.resolved[int(v.num)] = resolvedValue{r, ok}
	return r, ok
}

type resolvedValue struct {
	v  pdfValue
	ok bool
}

func (s *streamScanner) resolve1(nr int) (pdfValue, bool) {
	defs := s.objects[nr]
	if len(defs) == 0 {
		return pdfValue{}, false
	}
	var first pdfValue
	for i, pos := range defs {
		p := pdfParser{b: s.data, pos: pos, budget: &s.budget}
		d, err := p.value(maxWalkDepth)
		if err != nil || d.kind == pdfRef || (i > 0 && !samePDFValue(d, first)) {
			return pdfValue{}, false
		}
		if i == 0 {
			first = d
		}
	}
	return first, true
}

func samePDFValue(a, b pdfValue) bool {
	if a.kind != b.kind || a.name != b.name || a.num != b.num || !bytes.Equal(a.str, b.str) ||
		len(a.arr) != len(b.arr) || len(a.dict) != len(b.dict) {
		return false
	}
	for i := range a.arr {
		if !samePDFValue(a.arr[i], b.arr[i]) {
			return false
		}
	}
	for i := range a.dict {
		if a.dict[i].key != b.dict[i].key || !samePDFValue(a.dict[i].val, b.dict[i].val) {
			return false
		}
	}
	return true
}

// decode runs data through the filters until an image codec or an unknown
// filter, discarding the output, and returns the bytes all stages produced.
// lateLZW picks the LZW variant (EarlyChange 0 instead of the default 1).
// A stage that produces more than limit, or the scan's work exceeding
// maxPDFDecodeWork, ends it with an error; a stage that fails on its input
// ends it without one, since no reader gets more out of it.
func (s *streamScanner) decode(data []byte, filters []string, lateLZW bool, limit int64, sink io.Writer) (int64, error) {
	var r io.Reader = bytes.NewReader(data)
	var stages []*countingReader
	for _, f := range filters {
		switch f {
		case "Flate":
			zr, err := zlib.NewReader(r)
			if err != nil {
				return sumStages(stages), nil
			}
			r = zr
		case "LZW":
			if lateLZW {
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
			continue // the identity filter: encryption is refused later
		default: // an image codec: bounded by the image's declaration
			return s.drain(stages, sink)
		}
		if s.scan.work += decoderSetupWork; s.scan.work > maxPDFDecodeWork {
			return 0, errDecodeWork
		}
		c := &countingReader{r: r, limit: limit, work: &s.scan.work, stop: &s.stop}
		stages = append(stages, c)
		r = c
	}
	return s.drain(stages, sink)
}

// drain pulls the last stage through to the end, into sink.
func (s *streamScanner) drain(stages []*countingReader, sink io.Writer) (int64, error) {
	if len(stages) == 0 {
		return 0, nil
	}
	_, _ = io.Copy(sink, stages[len(stages)-1])
	if s.stop != nil {
		return 0, s.stop
	}
	return sumStages(stages), nil
}

func sumStages(stages []*countingReader) int64 {
	var n int64
	for _, c := range stages {
		n += c.n
	}
	return n
}
