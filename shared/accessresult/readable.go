package accessresult

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/i18n"
)

// The CSVs of a package are read by the requester, often on a phone, in a spreadsheet or a
// file viewer (docs/contract.md §3): headers and values in the reader's language, dates and
// times in Europe/Amsterdam, words instead of codes ("In behandeling", not in_progress), and
// nested data as rows of a small table rather than one row of many columns. The JSON files keep
// the data as it was, for programs.

// word is the catalogue's text for key in lang, or code when there is none.
func word(lang, key, code string) string {
	if code == "" {
		return ""
	}
	if s, ok := i18n.Lookup(lang, key); ok && s != "" {
		return s
	}
	return code
}

// readerLang is lang if the catalogue has it, else Dutch.
func readerLang(lang string) string {
	if i18n.Supported(lang) {
		return lang
	}
	return i18n.Default
}

// ownTable lays out Own for privacyloket.csv: one table, the first column naming the part
// (this request, the requests, the letters, what happened, the form's details).
func ownTable(o Own) ([]string, [][]string) {
	lang := readerLang(o.Lang)
	h := func(k string) string { return i18n.T(lang, "csv.own."+k) }
	cols := []string{h("table"), h("reference"), h("type"), h("status"), h("receivedOn"), h("dueDate"),
		h("at"), h("kind"), h("letterStatus"), h("actor"), h("action"), h("field"), h("value")}
	const (
		cPart = iota
		cRef
		cType
		cStatus
		cReceived
		cDue
		cAt
		cKind
		cLetterStatus
		cActor
		cAction
		cField
		cValue
	)
	typeName := func(t string) string { return word(lang, "mail.type."+t+".name", t) }
	status := func(s string) string { return word(lang, "st."+s, s) }
	var rows [][]string
	add := func(part string, kv map[int]string) {
		r := make([]string, len(cols))
		r[cPart] = i18n.T(lang, "csv.own.part."+part)
		for i, v := range kv {
			r[i] = v
		}
		rows = append(rows, r)
	}
	add("request", map[int]string{cRef: o.Reference, cType: typeName(o.RequestType), cStatus: status(o.Status),
		cReceived: dateText(o.ReceivedOn, lang), cDue: dateText(o.DueDate, lang)})
	for _, q := range o.Requests {
		add("requests", map[int]string{cRef: q.Reference, cType: typeName(q.Type), cStatus: status(q.Status), cReceived: dateText(q.ReceivedOn, lang)})
	}
	for _, l := range o.Letters {
		add("letters", map[int]string{cAt: timeText(l.At, lang), cKind: word(lang, "letter."+l.Kind, l.Kind), cLetterStatus: word(lang, "sent."+l.Status, l.Status)})
	}
	for _, e := range o.Events {
		add("events", map[int]string{cAt: timeText(e.At, lang), cActor: word(lang, "csv.actor."+e.Actor, e.Actor), cAction: word(lang, "event."+e.Action, e.Action)})
	}
	for _, k := range subjectOrder(o.Subject) {
		v := o.Subject[k]
		label := word(lang, "form."+k, k)
		switch k {
		case "identityCheck":
			label = i18n.T(lang, "csv.own.identityCheck")
			var ws []string
			for _, code := range strings.Fields(v) {
				w := code
				for _, prefix := range []string{"id.outcome.", "method.", "doc."} {
					if s, ok := i18n.Lookup(lang, prefix+code); ok {
						w = s
						break
					}
				}
				ws = append(ws, w)
			}
			v = strings.Join(ws, ", ")
		case "relation":
			v = word(lang, "relation."+v, v)
		case "birthDate":
			v = dateText(v, lang)
		}
		add("subject", map[int]string{cField: label, cValue: v})
	}
	return cols, rows
}

// subjectOrder is the form's order of the requester's details, then any others by name.
func subjectOrder(m map[string]string) []string {
	form := []string{"name", "email", "birthDate", "phone", "address", "relation", "identityCheck"}
	var out []string
	for _, k := range form {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(form, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

var (
	isoDate   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	isoMoment = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)
	decimal   = regexp.MustCompile(`^-?\d+\.\d+$`)
)

// dateText writes an ISO calendar date as the reader's spreadsheet reads it ("28-11-2026");
// other text stays as it is.
func dateText(s, lang string) string {
	if !isoDate.MatchString(s) {
		return s
	}
	d, err := civil.ParseDate(s)
	if err != nil {
		return s
	}
	return csvfile.Date(d, lang)
}

// timeText writes an RFC 3339 moment as its Europe/Amsterdam date and time ("28-11-2026
// 15:39"), never UTC; other text stays as it is.
func timeText(s, lang string) string {
	if !isoMoment.MatchString(s) {
		return s
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return csvfile.DateTime(t, lang)
}

// localValue writes one value of the organisation's data for the reader: dates and moments in
// local form; for JSON data, whose types are known, a decimal with the reader's decimal sign
// and true/false as words. Other text is left as the organisation wrote it.
func localValue(s string, fromJSON bool, lang string) string {
	switch {
	case isoDate.MatchString(s):
		return dateText(s, lang)
	case isoMoment.MatchString(s):
		return timeText(s, lang)
	case !fromJSON:
		return s
	case s == "true":
		return i18n.T(lang, "csv.data.yes")
	case s == "false":
		return i18n.T(lang, "csv.data.no")
	case decimal.MatchString(s) && lang != "en":
		return strings.Replace(s, ".", ",", 1)
	}
	return s
}

// readableTable lays the organisation's data out for reading. A real table (two or more rows
// of plain columns) stays a table. A single record, or data with nested parts, becomes a list
// of its values, one per row: the part it belongs to (with the number of the element in a
// list), the name of the value, and the value; empty values are left out. Parts and numbers
// appear only when the data has them.
func readableTable(r *Result, lang string) ([]string, [][]string) {
	t := newReadable(r, lang)
	var rows [][]string
	t.each(func(row []string) error {
		rows = append(rows, slices.Clone(row))
		return nil
	})
	return t.cols, rows
}

// readable is readableTable row by row, so that a large table is written without being copied.
type readable struct {
	r        *Result
	lang     string
	fromJSON bool
	cols     []string
	// list is set when the data is laid out as a list of values, with the columns' parts,
	// numbers and names and which of part and number the list shows.
	list               bool
	split              [][3]string
	hasPart, hasNumber bool
}

// column is column j of a list as its part, number and name (splitColumn).
func (t *readable) column(j int) (part, number, item string) {
	if t.split != nil {
		return t.split[j][0], t.split[j][1], t.split[j][2]
	}
	return splitColumn(t.r.Columns[j], t.fromJSON)
}

func newReadable(r *Result, lang string) *readable {
	t := &readable{r: r, lang: readerLang(lang), fromJSON: r.Format == FormatJSON}
	nested := false
	if t.fromJSON {
		for _, c := range r.Columns {
			if strings.Contains(c, ".") {
				nested = true
			}
		}
	}
	if len(r.Rows) >= 2 && !nested {
		t.cols = slices.Clone(r.Columns)
		return t
	}
	t.list = true
	if len(r.Rows) > 1 {
		// Each column is split once for its many rows; a single record's are split as they come.
		t.split = make([][3]string, len(r.Columns))
		for j, c := range r.Columns {
			t.split[j][0], t.split[j][1], t.split[j][2] = splitColumn(c, t.fromJSON)
		}
	}
	for _, row := range r.Rows {
		for j, v := range row {
			if v == "" || j >= len(r.Columns) {
				continue
			}
			part, number, _ := t.column(j)
			t.hasPart = t.hasPart || part != ""
			t.hasNumber = t.hasNumber || len(r.Rows) > 1 || number != ""
		}
	}
	cols := []string{i18n.T(t.lang, "csv.data.part"), i18n.T(t.lang, "csv.data.number"), i18n.T(t.lang, "csv.data.item"), i18n.T(t.lang, "csv.data.value")}
	t.cols = t.pick(cols, cols[:0])
	return t
}

// pick keeps of a list's row (part, number, item, value) the columns the list shows, in out.
func (t *readable) pick(in, out []string) []string {
	out = out[:0]
	for i, c := range in {
		if (i != 0 || t.hasPart) && (i != 1 || t.hasNumber) {
			out = append(out, c)
		}
	}
	return out
}

// each gives f the table's rows in turn, in one slice that f must not keep.
func (t *readable) each(f func(row []string) error) error {
	r := t.r
	if !t.list {
		var out []string
		for _, row := range r.Rows {
			out = out[:0]
			for _, v := range row {
				out = append(out, localValue(v, t.fromJSON, t.lang))
			}
			if err := f(out); err != nil {
				return err
			}
		}
		return nil
	}
	var full [4]string
	out := make([]string, 0, 4)
	for i, row := range r.Rows {
		for j, v := range row {
			if v == "" || j >= len(r.Columns) {
				continue
			}
			part, number, item := t.column(j)
			if len(r.Rows) > 1 {
				number = strings.TrimSuffix(strconv.Itoa(i+1)+"."+number, ".")
			}
			full = [4]string{part, number, item, localValue(v, t.fromJSON, t.lang)}
			if err := f(t.pick(full[:], out)); err != nil {
				return err
			}
		}
	}
	return nil
}

// splitColumn reads a flattened JSON column name ("contracten.2.huur") as the part it belongs
// to ("contracten"), the element's number ("2") and the value's name ("huur"). A CSV's column
// name is only a name.
func splitColumn(col string, fromJSON bool) (part, number, item string) {
	if !fromJSON {
		return "", "", col
	}
	segs := strings.Split(col, ".")
	for i, s := range segs {
		if i > 0 && isInt(s) {
			return strings.Join(segs[:i], " "), strings.Join(segs[i:i+1], ""), strings.Join(segs[i+1:], " ")
		}
	}
	if len(segs) == 1 {
		return "", "", col
	}
	return segs[0], "", strings.Join(segs[1:], " ")
}

// isInt is whether strconv.Atoi reads s, without the error it makes for every other name.
func isInt(s string) bool {
	if s == "" || !strings.ContainsRune("+-0123456789", rune(s[0])) {
		return false
	}
	_, err := strconv.Atoi(s)
	return err == nil
}
