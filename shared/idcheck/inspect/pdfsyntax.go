package inspect

import (
	"bytes"
	"errors"
	"strconv"
)

// A small reader of PDF object syntax, independent of pdfcpu, for the checks
// that must run before pdfcpu reads anything (see pdfstreams.go) and for
// scanning raw bytes without mistaking text inside strings for syntax.

// pdfKind is the type of a parsed PDF value.
type pdfKind uint8

const (
	pdfNull pdfKind = iota
	pdfBool
	pdfNumber
	pdfName
	pdfString
	pdfArray
	pdfDict
	pdfRef
	pdfKeyword // any other bare word: a malformed value
)

// pdfValue is one parsed value. Dictionaries keep every entry in order,
// duplicates included, so that a checker can see what each parser might
// take.
type pdfValue struct {
	kind pdfKind
	name string  // names (decoded #xx escapes) and keywords
	num  float64 // numbers; the object number of a reference
	str  []byte  // strings, as written (escapes not decoded)
	arr  []pdfValue
	dict []pdfEntry
}

type pdfEntry struct {
	key string // decoded
	val pdfValue
}

// get returns the value of key and whether it occurs exactly once: a
// dictionary that says two things about one key is ambiguous.
func (v pdfValue) get(key string) (val pdfValue, found, unique bool) {
	n := 0
	for _, e := range v.dict {
		if e.key == key {
			if n == 0 {
				val = e.val
			}
			n++
		}
	}
	return val, n > 0, n <= 1
}

// nameOf returns the value's name, or "" when it is not a name.
func (v pdfValue) nameOf() string {
	if v.kind == pdfName {
		return v.name
	}
	return ""
}

// intOf returns the value as an integer when it is a whole number.
func (v pdfValue) intOf() (int64, bool) {
	if v.kind != pdfNumber || v.num != float64(int64(v.num)) {
		return 0, false
	}
	return int64(v.num), true
}

var errPDFSyntax = errors.New("pdf syntax")

// pdfParser reads values from b starting at pos. budget bounds the bytes
// all its parses may consume together, so that hostile input cannot make
// repeated parsing quadratic.
type pdfParser struct {
	b      []byte
	pos    int
	budget *int64
	// skip makes value only find the value's end: nothing is kept, so a
	// huge value costs no memory.
	skip bool
}

// skipSpace skips white space and comments.
func (p *pdfParser) skipSpace() {
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		switch {
		case isPDFSpace(c):
			p.pos++
		case c == '%':
			for p.pos < len(p.b) && p.b[p.pos] != '\r' && p.b[p.pos] != '\n' {
				p.pos++
			}
		default:
			return
		}
	}
}

// value parses one value. depth bounds nesting.
func (p *pdfParser) value(depth int) (pdfValue, error) {
	start := p.pos
	v, err := p.value1(depth)
	if p.budget != nil {
		*p.budget -= int64(p.pos - start)
		if *p.budget < 0 {
			return pdfValue{}, errPDFSyntax
		}
	}
	return v, err
}

func (p *pdfParser) value1(depth int) (pdfValue, error) {
	if depth <= 0 {
		return pdfValue{}, errPDFSyntax
	}
	p.skipSpace()
	if p.pos >= len(p.b) {
		return pdfValue{}, errPDFSyntax
	}
	switch c := p.b[p.pos]; {
	case c == '/':
		return pdfValue{kind: pdfName, name: p.name()}, nil
	case c == '(':
		s, err := p.literalString()
		return pdfValue{kind: pdfString, str: s}, err
	case c == '<' && p.pos+1 < len(p.b) && p.b[p.pos+1] == '<':
		return p.dictionary(depth)
	case c == '<':
		end := indexByteFrom(p.b, '>', p.pos+1)
		if end < 0 {
			return pdfValue{}, errPDFSyntax
		}
		s := p.b[p.pos : end+1]
		p.pos = end + 1
		return pdfValue{kind: pdfString, str: s}, nil
	case c == '[':
		p.pos++
		var arr []pdfValue
		for {
			p.skipSpace()
			if p.pos >= len(p.b) {
				return pdfValue{}, errPDFSyntax
			}
			if p.b[p.pos] == ']' {
				p.pos++
				return pdfValue{kind: pdfArray, arr: arr}, nil
			}
			v, err := p.value1(depth - 1)
			if err != nil {
				return pdfValue{}, err
			}
			if !p.skip {
				arr = append(arr, v)
			}
		}
	case c == '+' || c == '-' || c == '.' || ('0' <= c && c <= '9'):
		return p.numberOrRef()
	case isPDFDelimiter(c):
		return pdfValue{}, errPDFSyntax
	}
	w := p.word()
	switch w {
	case "null":
		return pdfValue{kind: pdfNull}, nil
	case "true", "false":
		return pdfValue{kind: pdfBool, name: w}, nil
	}
	return pdfValue{kind: pdfKeyword, name: w}, nil
}

func (p *pdfParser) dictionary(depth int) (pdfValue, error) {
	p.pos += 2
	v := pdfValue{kind: pdfDict}
	for {
		p.skipSpace()
		if p.pos+1 < len(p.b) && p.b[p.pos] == '>' && p.b[p.pos+1] == '>' {
			p.pos += 2
			return v, nil
		}
		if p.pos >= len(p.b) || p.b[p.pos] != '/' {
			return pdfValue{}, errPDFSyntax
		}
		key := p.name()
		val, err := p.value1(depth - 1)
		if err != nil {
			return pdfValue{}, err
		}
		if !p.skip {
			v.dict = append(v.dict, pdfEntry{key: key, val: val})
		}
	}
}

// name reads a name token at p.pos ('/'), decoding #xx escapes.
func (p *pdfParser) name() string {
	p.pos++
	start := p.pos
	for p.pos < len(p.b) && !isPDFSpace(p.b[p.pos]) && !isPDFDelimiter(p.b[p.pos]) {
		p.pos++
	}
	if p.skip {
		return ""
	}
	return decodePDFName(string(p.b[start:p.pos]))
}

// word reads a bare token.
func (p *pdfParser) word() string {
	start := p.pos
	for p.pos < len(p.b) && !isPDFSpace(p.b[p.pos]) && !isPDFDelimiter(p.b[p.pos]) {
		p.pos++
	}
	if p.pos == start {
		p.pos++ // never stand still
	}
	if p.skip {
		return ""
	}
	return string(p.b[start:p.pos])
}

// literalString reads a (string) with balanced parentheses and escapes.
func (p *pdfParser) literalString() ([]byte, error) {
	end, ok := literalStringEnd(p.b, p.pos)
	if !ok {
		return nil, errPDFSyntax
	}
	s := p.b[p.pos:end]
	p.pos = end
	return s, nil
}

// literalStringEnd returns the index just after the literal string that
// opens at b[i] == '('.
func literalStringEnd(b []byte, i int) (int, bool) {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return len(b), false
}

func (p *pdfParser) numberOrRef() (pdfValue, error) {
	n, ok := p.number()
	if !ok {
		return pdfValue{}, errPDFSyntax
	}
	v := pdfValue{kind: pdfNumber, num: n}
	if n < 0 || n != float64(int64(n)) {
		return v, nil
	}
	// "N G R" is a reference: look ahead without committing.
	save := p.pos
	p.skipSpace()
	if g, ok := p.number(); ok && g >= 0 && g == float64(int64(g)) {
		p.skipSpace()
		if p.pos < len(p.b) && p.b[p.pos] == 'R' && (p.pos+1 == len(p.b) || isPDFSpace(p.b[p.pos+1]) || isPDFDelimiter(p.b[p.pos+1])) {
			p.pos++
			return pdfValue{kind: pdfRef, num: n}, nil
		}
	}
	p.pos = save
	return v, nil
}

func (p *pdfParser) number() (float64, bool) {
	start := p.pos
	for p.pos < len(p.b) {
		c := p.b[p.pos]
		if c == '+' || c == '-' || c == '.' || ('0' <= c && c <= '9') {
			p.pos++
			continue
		}
		break
	}
	if p.skip {
		// Only whether it is a whole number matters (for "N G R").
		if p.pos == start || bytes.IndexByte(p.b[start:p.pos], '.') >= 0 {
			return 0.5, p.pos > start
		}
		return 0, true
	}
	f, err := strconv.ParseFloat(string(p.b[start:p.pos]), 64)
	if err != nil {
		// PDF allows forms Go does not ("4." is fine, "--4" is not);
		// a malformed number is taken as zero, as most readers do.
		if p.pos == start {
			return 0, false
		}
		return 0, true
	}
	return f, true
}

// syntaxWeight is the bytes of b that are not white space: what a parser
// turns into objects. PDF parsers hold some tens of bytes per byte of
// syntax; white space costs them nothing.
func syntaxWeight(b []byte) int64 {
	n := int64(len(b))
	for _, c := range b {
		if isPDFSpace(c) {
			n--
		}
	}
	return n
}

// keywordAt reports whether the keyword kw stands at b[i], delimited on the
// right.
func keywordAt(b []byte, i int, kw string) bool {
	if i+len(kw) > len(b) || string(b[i:i+len(kw)]) != kw {
		return false
	}
	j := i + len(kw)
	return j == len(b) || isPDFSpace(b[j]) || isPDFDelimiter(b[j])
}

func indexByteFrom(b []byte, c byte, from int) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}
