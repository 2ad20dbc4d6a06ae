package accessresult

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// jsonWriter writes the data's JSON file as marshal writes Result.JSON (encoding/json, indented
// by two spaces, keys in byte order, no HTML escaping), but from the ordered tree of the file or
// from a CSV's rows, value by value: no map of the whole data is made, and nothing is encoded
// twice (compact, then indented) into buffers the size of the file.
type jsonWriter struct {
	w       io.Writer
	scratch []byte
	err     error
}

func newJSONWriter(w io.Writer) *jsonWriter { return &jsonWriter{w: w} }

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

// str writes s as encoding/json quotes it without HTML escaping.
func (j *jsonWriter) str(s string) {
	if j.err == nil {
		j.scratch = appendQuoted(j.scratch[:0], s)
		_, j.err = j.w.Write(j.scratch)
	}
}

// appendQuoted is encoding/json's appendString with escapeHTML false: control characters, '"'
// and '\\' escaped, invalid UTF-8 as U+FFFD, and U+2028 and U+2029 escaped for JSONP.
func appendQuoted(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// value writes v, an ordered tree (*object, []any, string, json.Number, bool, nil), its lines
// after the first indented by indent.
func (j *jsonWriter) value(v any, indent string) {
	switch v := v.(type) {
	case *object:
		order := byKey(v.keys)
		j.members(len(order), indent, func(i int) (string, any) { return v.keys[order[i]], v.vals[order[i]] })
	case []any:
		if len(v) == 0 {
			j.raw("[]")
			return
		}
		j.raw("[")
		for i, e := range v {
			if i > 0 {
				j.raw(",")
			}
			j.raw("\n" + indent + "  ")
			j.value(e, indent+"  ")
		}
		j.raw("\n" + indent + "]")
	case string:
		j.str(v)
	case json.Number:
		j.raw(v.String())
	case bool:
		if v {
			j.raw("true")
		} else {
			j.raw("false")
		}
	default: // null
		j.raw("null")
	}
}

// members writes an object of n members, given in key order by member.
func (j *jsonWriter) members(n int, indent string, member func(int) (string, any)) {
	if n == 0 {
		j.raw("{}")
		return
	}
	j.raw("{")
	for i := range n {
		if i > 0 {
			j.raw(",")
		}
		k, v := member(i)
		j.raw("\n" + indent + "  ")
		j.str(k)
		j.raw(": ")
		j.value(v, indent+"  ")
	}
	j.raw("\n" + indent + "}")
}

// writeDataJSON writes the JSON file of r, read from data: a JSON file's elements as read again
// from data, one at a time, a CSV's rows as objects keyed by column name.
func writeDataJSON(w io.Writer, r *Result, data []byte) error {
	j := newJSONWriter(w)
	if r.Format == FormatCSV {
		order := byKey(r.Columns)
		j.raw("[")
		for i, row := range r.Rows {
			if i > 0 {
				j.raw(",")
			}
			j.raw("\n  ")
			j.members(len(order), "  ", func(k int) (string, any) { return r.Columns[order[k]], row[order[k]] })
		}
		j.raw("\n]\n")
		return j.err
	}
	_, trimmed := bodyOf(data)
	if trimmed[0] != '[' {
		if _, err := elements(trimmed, MaxCells, func(e any) { j.value(e, "") }); err != nil {
			return err
		}
		j.raw("\n")
		return j.err
	}
	n := 0
	j.raw("[")
	if _, err := elements(trimmed, MaxCells, func(e any) {
		if n++; n > 1 {
			j.raw(",")
		}
		j.raw("\n  ")
		j.value(e, "  ")
	}); err != nil {
		return err
	}
	if n == 0 {
		j.raw("]\n")
	} else {
		j.raw("\n]\n")
	}
	return j.err
}

// byKey is the order of keys by their bytes, as encoding/json writes a map's keys.
func byKey(keys []string) []int {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	return order
}
