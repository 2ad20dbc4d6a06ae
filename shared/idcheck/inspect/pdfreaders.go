package inspect

// The readers the stream pre-scan decodes through, each counting or bounding what it lets pass,
// and the writers that watch what page content decodes to.

import (
	"bytes"
	"io"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

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
