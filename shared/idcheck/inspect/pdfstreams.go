package inspect

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"github.com/privacyloket/privacyloket/shared/idcheck"
	"io"

	tifflzw "golang.org/x/image/tiff/lzw"
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

// countingReader counts what a filter stage produces, against its limit and
// the scan's total. The first limit reached is kept in *stop as well as
// returned, since the next stage may report an error of its own instead.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
	work  *int64
	stop  *error
}

func (c *countingReader) Read(p []byte) (int, error) {
	if *c.stop != nil {
		return 0, *c.stop
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	*c.work += int64(n)
	switch {
	case c.n > c.limit:
		*c.stop = errStreamTooLarge
	case *c.work > maxPDFDecodeWork:
		*c.stop = errDecodeWork
	default:
		return n, err
	}
	return n, *c.stop
}

// asciiHexReader decodes ASCIIHexDecode: white space is skipped, '>' ends
// the data, an odd last digit counts as followed by 0. Other characters
// are taken as digits (counted, not checked): no reader gets more out.
type asciiHexReader struct {
	r    io.Reader
	buf  [4096]byte
	half int // a pending high nibble + 1
	done bool
}

func (h *asciiHexReader) Read(p []byte) (int, error) {
	if h.done {
		return 0, io.EOF
	}
	want := min(len(p)*2, len(h.buf))
	n, err := h.r.Read(h.buf[:want])
	out := 0
	for _, c := range h.buf[:n] {
		if c == '>' {
			h.done = true
			break
		}
		if isPDFSpace(c) {
			continue
		}
		v := hexNibble(c)
		if h.half == 0 {
			h.half = int(v) + 1
			continue
		}
		p[out] = byte(h.half-1)<<4 | v
		out++
		h.half = 0
	}
	if (h.done || err != nil) && h.half != 0 && out < len(p) {
		p[out] = byte(h.half-1) << 4
		out++
		h.half = 0
	}
	if h.done {
		return out, io.EOF
	}
	if err != nil && out == 0 {
		return 0, err
	}
	return out, nil
}

func hexNibble(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// untilReader passes bytes through until eod (or the end of input). It
// never hands out the start of eod before knowing that eod does not follow,
// so the decoder reading it sees exactly what precedes eod.
type untilReader struct {
	r    io.Reader
	eod  string
	buf  []byte // read but not yet handed out
	eof  bool
	done bool
}

func (u *untilReader) Read(p []byte) (int, error) {
	for {
		if u.done {
			return 0, io.EOF
		}
		if i := bytes.Index(u.buf, []byte(u.eod)); i >= 0 {
			u.buf = u.buf[:i]
			u.eof = true
		}
		// Keep back a tail that could be the start of eod.
		keep := 0
		if !u.eof {
			for k := min(len(u.eod)-1, len(u.buf)); k > 0; k-- {
				if bytes.HasSuffix(u.buf, []byte(u.eod[:k])) {
					keep = k
					break
				}
			}
		}
		if n := len(u.buf) - keep; n > 0 {
			n = copy(p, u.buf[:n])
			u.buf = u.buf[n:]
			return n, nil
		}
		if u.eof {
			u.done = true
			continue
		}
		var chunk [4096]byte
		n, err := u.r.Read(chunk[:])
		u.buf = append(u.buf, chunk[:n]...)
		if err != nil {
			u.eof = true
		}
	}
}

// runLengthReader decodes RunLengthDecode: a length byte n < 128 copies n+1
// bytes, n > 128 repeats the next byte 257-n times, 128 ends the data.
type runLengthReader struct {
	r    io.Reader
	one  [1]byte
	lit  int  // literal bytes left to copy
	rep  int  // repetitions left
	val  byte // the byte repeated
	done bool
}

func (rl *runLengthReader) next() (byte, error) {
	_, err := io.ReadFull(rl.r, rl.one[:])
	return rl.one[0], err
}

func (rl *runLengthReader) Read(p []byte) (int, error) {
	out := 0
	for out < len(p) {
		switch {
		case rl.rep > 0:
			k := min(rl.rep, len(p)-out)
			for i := range k {
				p[out+i] = rl.val
			}
			out += k
			rl.rep -= k
		case rl.lit > 0:
			n, err := rl.r.Read(p[out : out+min(rl.lit, len(p)-out)])
			out += n
			rl.lit -= n
			if err != nil {
				rl.done = true
				return out, err
			}
		case rl.done:
			return out, io.EOF
		default:
			n, err := rl.next()
			if err != nil || n == 128 {
				rl.done = true
				continue
			}
			if n < 128 {
				rl.lit = int(n) + 1
				continue
			}
			v, err := rl.next()
			if err != nil {
				rl.done = true
				continue
			}
			rl.val, rl.rep = v, 257-int(n)
		}
	}
	return out, nil
}

// inlineImages watches decoded page content for inline images (BI, a
// dictionary, ID, data, EI) and bounds the size each declares like an
// image XObject's: a viewer allocates by it. What does not parse as an
// inline image dictionary (bytes of a font, say) is passed over.
type inlineImages struct {
	tail    []byte // an unfinished "BI" dictionary, or the last bytes seen
	started bool   // something was written before tail
	code    string
}

// maxInlineDict is the longest inline image dictionary looked at.
const maxInlineDict = 4096

func (w *inlineImages) Write(p []byte) (int, error) {
	if w.code != "" {
		return len(p), nil
	}
	buf := append(w.tail, p...)
	w.tail = nil
	i := 0
	for {
		j := operatorIndex(buf, i, "BI", !w.started)
		if j < 0 {
			break
		}
		start := j + 2
		end := operatorIndex(buf, start, "ID", false)
		if end < 0 || end-start > maxInlineDict {
			if len(buf)-start <= maxInlineDict {
				// The dictionary may go on in the next write: keep
				// it, and the byte before "BI".
				from := max(0, j-1)
				w.tail = bytes.Clone(buf[from:])
				w.started = w.started || from > 0
				return len(p), nil
			}
			i = start
			continue
		}
		if code := inlineImageCode(buf[start:end]); code != "" {
			w.code = code
			return len(p), nil
		}
		i = end + 2
	}
	// Keep what may be the start of "BI" and the byte before it.
	keep := min(len(buf), 3)
	w.tail = bytes.Clone(buf[len(buf)-keep:])
	w.started = w.started || len(buf) > keep
	return len(p), nil
}

// operatorIndex finds the operator op in b from i on, standing alone: white
// space or a delimiter other than '/' before it (or the start of the
// content, when atStart), white space or a delimiter after it.
func operatorIndex(b []byte, i int, op string, atStart bool) int {
	for {
		j := bytes.Index(b[i:], []byte(op))
		if j < 0 {
			return -1
		}
		j += i
		before := j == 0 && atStart
		if j > 0 {
			c := b[j-1]
			before = isPDFSpace(c) || (isPDFDelimiter(c) && c != '/')
		}
		k := j + len(op)
		after := k < len(b) && (isPDFSpace(b[k]) || isPDFDelimiter(b[k]))
		if before && after {
			return j
		}
		i = j + 1
	}
}

// inlineImageCode judges an inline image dictionary (its entries, between
// BI and ID).
func inlineImageCode(entries []byte) string {
	text := make([]byte, 0, len(entries)+4)
	text = append(append(append(text, "<<"...), entries...), ">>"...)
	p := pdfParser{b: text}
	d, err := p.value(maxWalkDepth)
	if err != nil || d.kind != pdfDict {
		return ""
	}
	num := func(keys ...string) (int64, bool) {
		for _, k := range keys {
			if v, found, _ := d.get(k); found {
				return v.intOf()
			}
		}
		return 0, false
	}
	w, okW := num("W", "Width")
	h, okH := num("H", "Height")
	if !okW || !okH {
		return ""
	}
	if w < 0 || h < 0 || w*h > idcheck.MaxPixels {
		return idcheck.CodeImageTooLarge
	}
	bpc, ok := num("BPC", "BitsPerComponent")
	if !ok || bpc < 1 || bpc > 16 {
		bpc = 16
	}
	comps := int64(4)
	for _, k := range []string{"CS", "ColorSpace"} {
		if v, found, _ := d.get(k); found {
			switch v.nameOf() {
			case "G", "DeviceGray", "I", "Indexed", "CalGray":
				comps = 1
			case "RGB", "DeviceRGB", "CalRGB":
				comps = 3
			}
		}
	}
	if w*h*comps*bpc/8 > maxPDFImageDecoded {
		return idcheck.CodeImageTooLarge
	}
	return ""
}

// syntaxWeigher weighs the syntax written to it (syntaxWeight).
type syntaxWeigher struct{ n int64 }

func (w *syntaxWeigher) Write(p []byte) (int, error) {
	w.n += syntaxWeight(p)
	return len(p), nil
}
