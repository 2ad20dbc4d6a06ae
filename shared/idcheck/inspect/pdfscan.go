package inspect

// The byte scan of a PDF: what must not be in the raw file, outside stream data.

import (
	"bytes"
	"strings"

	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/privacyloket/privacyloket/shared/idcheck"
)

// scanPDFBytes looks at the raw file, outside stream data, for what must not
// be there. It complements the parsed walk: it also sees objects that no
// cross-reference section lists, which a lenient viewer may still repair
// its way into, and bytes after the last %%EOF.
func scanPDFBytes(data []byte) string { return scanPDFSyntax(data, false) }

// scanPDFSyntax is scanPDFBytes, or with removable set the scan of an extract
// whose active content is removed from the parsed document: then the active
// names and the scripts quoted in strings are left to removal, and a ZIP
// directory near the end may be an attachment's, in stream data. What no
// export carries stays refused: an appended payload, another format or HTML
// in the object syntax, encryption. The rewritten copy of an extract is
// scanned again by scanPDFBytes, so the file kept is judged as strictly as
// an ID copy.
func scanPDFSyntax(data []byte, removable bool) (code string) {
	defer func() {
		if recover() != nil {
			code = idcheck.CodePDFCorrupt
		}
	}()
	// A ZIP reader finds its directory near the end of the file, wherever
	// the PDF syntax puts it, even inside a stream.
	if !removable && bytes.Contains(data[max(0, len(data)-zipTailWindow):], []byte("PK\x05\x06")) {
		return idcheck.CodePDFActiveContent
	}

	eof := bytes.LastIndex(data, []byte("%%EOF"))
	if eof < 0 {
		return idcheck.CodePDFCorrupt
	}
	if tail := data[eof+len("%%EOF"):]; len(bytes.Trim(tail, "\x00\t\n\f\r ")) != 0 {
		// Something appended after the document: a payload if it
		// looks like one, otherwise a damaged file.
		if hasForeignMarker(tail) {
			return idcheck.CodePDFActiveContent
		}
		return idcheck.CodePDFCorrupt
	}

	segments, ok := objectSyntax(data)
	if !ok {
		return idcheck.CodePDFCorrupt
	}
	for _, seg := range segments {
		if hasBinaryMarker(seg) {
			return idcheck.CodePDFActiveContent
		}
		syntax, scripted := splitPDFStrings(seg)
		if scripted && !removable || hasHTMLMarker(syntax, htmlMarkers) {
			return idcheck.CodePDFActiveContent
		}
		for name := range pdfNames(syntax) {
			switch {
			case activeNames[string(name)] && !removable:
				return idcheck.CodePDFActiveContent
			case string(name) == "Encrypt":
				// Keep looking: active content is the more useful
				// message when both are present.
				code = idcheck.CodePDFEncrypted
			}
		}
	}
	return code
}

func hasForeignMarker(b []byte) bool {
	return hasBinaryMarker(b) || hasHTMLMarker(b, htmlMarkers)
}

func hasBinaryMarker(b []byte) bool {
	for _, m := range foreignMarkers {
		if bytes.Contains(b, m) {
			return true
		}
	}
	return false
}

// hasHTMLMarker looks for markers (lower case) in b, folding only ASCII
// letters: bytes.ToLower would turn invalid UTF-8 into U+FFFD.
func hasHTMLMarker(b []byte, markers [][]byte) bool {
	for i := bytes.IndexByte(b, '<'); i >= 0; {
		for _, m := range markers {
			if i+len(m) <= len(b) && asciiEqualFold(b[i:i+len(m)], m) {
				return true
			}
		}
		j := bytes.IndexByte(b[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func asciiEqualFold(b, lower []byte) bool {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// splitPDFStrings separates object syntax from the text it quotes: syntax is
// a copy of seg with literal strings and comments blanked out; scripted
// reports a scriptMarker in what they contain. Names are only names in
// syntax: "/Launch" in a URI's path or a document title is text.
func splitPDFStrings(seg []byte) (syntax []byte, scripted bool) {
	syntax = bytes.Clone(seg)
	blank := func(from, to int) {
		scripted = scripted || hasHTMLMarker(seg[from:to], scriptMarkers)
		for k := from; k < to; k++ {
			syntax[k] = ' '
		}
	}
	for i := 0; i < len(seg); i++ {
		switch seg[i] {
		case '(':
			end, _ := literalStringEnd(seg, i)
			blank(i, end)
			i = end - 1
		case '%':
			end := i
			for end < len(seg) && seg[end] != '\r' && seg[end] != '\n' {
				end++
			}
			blank(i, end)
			i = end - 1
		case '<':
			// A hex string holds digits only; skip it whole so its
			// content is not taken for a comment or a string.
			if i+1 < len(seg) && seg[i+1] != '<' {
				if end := indexByteFrom(seg, '>', i+1); end > 0 {
					i = end
				}
			} else {
				i++
			}
		}
	}
	return syntax, scripted
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
// /J#61vaScript is seen as /JavaScript. A name without escapes is yielded
// in place, without a copy.
func pdfNames(b []byte) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for i := 0; i < len(b); i++ {
			if b[i] != '/' {
				continue
			}
			j := i + 1
			for j < len(b) && !isPDFSpace(b[j]) && !isPDFDelimiter(b[j]) {
				j++
			}
			name := b[i+1 : j]
			if bytes.IndexByte(name, '#') >= 0 {
				name = []byte(decodePDFName(string(name)))
			}
			if !yield(name) {
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
