package accessresult

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// valueColumn names the column for array elements that are not objects.
const valueColumn = "value"

// table flattens elements into rows, with columns in order of first appearance; a row lacking
// a column gets an empty cell. It keeps each row's cells as they come, so that a table of more
// than max cells (objects that each have keys of their own) is found, ErrTooLarge, before
// it is made (fill).
type table struct {
	index map[string]int
	cols  []string
	rows  [][]string
	// at holds, for a row whose cells are not simply its first columns in order, the column of
	// each cell.
	at map[int][]int
	// mark[i] is the number of the row (from 1) that last set column i.
	mark []int
	// cells and cellsAt are the row being flattened.
	cells   []string
	cellsAt []int
	max     int
}

// newTable is a table for about n rows, of at most max cells.
func newTable(n, max int) *table {
	return &table{index: map[string]int{}, rows: make([][]string, 0, n), at: map[int][]int{}, max: max}
}

// add flattens one element into a row. An element without cells ({} or []) still becomes a
// row, so the CSV keeps one row per element of the JSON.
func (t *table) add(e any) {
	t.cells, t.cellsAt = nil, nil
	if _, ok := e.(*object); ok {
		t.flatten("", e)
	} else {
		t.flatten(valueColumn, e)
	}
	if t.cellsAt != nil {
		t.at[len(t.rows)] = t.cellsAt
	}
	t.rows = append(t.rows, t.cells)
	t.cells, t.cellsAt = nil, nil
}

// fill makes the table, if it has at most t.max cells.
func (t *table) fill() ([]string, [][]string, error) {
	cols := t.cols
	if len(cols) > 0 && len(t.rows) > t.max/len(cols) {
		return nil, nil, fmt.Errorf("%w: a table of %d rows and %d columns", ErrTooManyCells, len(t.rows), len(cols))
	}
	for i, cells := range t.rows {
		at, ok := t.at[i]
		if !ok && len(cells) == len(cols) {
			continue // the row already has every column, in order
		}
		row := make([]string, len(cols))
		for k, c := range cells {
			j := k
			if ok {
				j = at[k]
			}
			row[j] = c
		}
		t.rows[i] = row
	}
	rows := t.rows
	t.rows, t.at = nil, nil
	return cols, rows, nil
}

// elementCount is how many elements the root array of valid JSON holds, found without reading
// them, so the table's rows are allocated once; 1 for an object; at most max.
func elementCount(data []byte, max int) int {
	if len(data) == 0 || data[0] != '[' {
		return 1
	}
	n, depth, empty := 0, 0, true
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			for i++; data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		case ',':
			if depth == 1 {
				n++
			}
		}
		if depth == 1 && empty && data[i] != '[' && data[i] > ' ' {
			empty = false
		}
	}
	if empty {
		return 0
	}
	return min(n+1, max)
}

// set stores a cell. A name already used in this row (a key "a.b" beside an
// object "a" with key "b") gets a "#2" suffix so no value is lost.
func (t *table) set(name, value string) {
	if name == "" {
		name = valueColumn
	}
	n := len(t.rows) + 1 // this row's number
	base := name
	for k := 2; ; k++ {
		i, ok := t.index[name]
		if !ok {
			i = len(t.cols)
			t.index[name] = i
			t.cols = append(t.cols, name)
			t.mark = append(t.mark, 0)
		}
		if t.mark[i] != n {
			t.mark[i] = n
			if t.cellsAt == nil && i != len(t.cells) {
				t.cellsAt = make([]int, len(t.cells), len(t.cells)+1)
				for j := range t.cellsAt {
					t.cellsAt[j] = j
				}
			}
			if t.cellsAt != nil {
				t.cellsAt = append(t.cellsAt, i)
			}
			if t.cells == nil && len(t.rows) > 0 {
				t.cells = make([]string, 0, max(1, len(t.rows[len(t.rows)-1]))) // rows are mostly alike
			}
			t.cells = append(t.cells, value)
			return
		}
		name = base + "#" + strconv.Itoa(k)
	}
}

func (t *table) flatten(prefix string, v any) {
	switch v := v.(type) {
	case *object:
		if len(v.keys) == 0 && prefix != "" {
			t.set(prefix, "")
		}
		for i, k := range v.keys {
			t.flatten(join(prefix, k), v.vals[i])
		}
	case []any:
		if texts, ok := scalars(v); ok {
			t.set(prefix, strings.Join(texts, "; "))
			return
		}
		for i, e := range v {
			t.flatten(join(prefix, strconv.Itoa(i+1)), e)
		}
	default:
		t.set(prefix, scalarText(v))
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// scalars returns the texts of an array that holds no objects or arrays; an
// empty array counts, and becomes an empty cell.
func scalars(a []any) ([]string, bool) {
	texts := make([]string, len(a))
	for i, e := range a {
		switch e.(type) {
		case *object, []any:
			return nil, false
		}
		texts[i] = scalarText(e)
	}
	return texts, true
}

func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	default: // null
		return ""
	}
}
