package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"cloud.google.com/go/civil"
)

// CSVHeader is the header row of WriteCSV: one column per fact, then the days per stage.
var CSVHeader = []string{"reference", "type", "channel", "status", "receivedOn", "dueDate", "extended",
	"decidedOn", "outcome", "ground", "daysToDecision", "onTime",
	"awaitingConfirmationDays", "awaitingIdentityDays", "awaitingThirdPartyDays", "inProgressDays",
	"idCopyViews"}

// WriteCSV writes one row per case, oldest receipt first: the facts of CaseFacts, never a name
// or an address (CaseFacts holds none). Empty cells mean "not applicable yet": no due date, not
// decided, a stage not finished. Every text cell is guarded against formula injection.
func WriteCSV(w io.Writer, cases []CaseFacts) error {
	sorted := slices.Clone(cases)
	slices.SortStableFunc(sorted, func(a, b CaseFacts) int {
		if c := a.Received.Compare(b.Received); c != 0 {
			return c
		}
		return cmp.Compare(a.Reference, b.Reference)
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	row := make([]string, len(CSVHeader))
	for _, c := range sorted {
		row = row[:0]
		days, onTime := "", ""
		if n, ok := c.DaysToDecision(); ok {
			on, _ := c.OnTime()
			days, onTime = strconv.Itoa(n), strconv.FormatBool(on)
		}
		row = append(row, Cell(c.Reference), Cell(string(c.Type)), Cell(string(c.Channel)), Cell(string(c.Status)),
			date(c.Received), date(c.DueDate), strconv.FormatBool(c.Extended), date(c.DecidedOn()),
			Cell(string(c.Outcome)), Cell(string(c.Ground)), days, onTime)
		stages := c.StageDays()
		for _, s := range StageStatuses {
			if d, ok := stages[s]; ok {
				row = append(row, strconv.FormatFloat(round(d, 10), 'f', 1, 64))
			} else {
				row = append(row, "")
			}
		}
		row = append(row, strconv.Itoa(c.IDCopyViews))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write report csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	return nil
}

// Cell makes a text safe as a CSV cell opened in a spreadsheet: a value that starts with a
// character a spreadsheet reads as a formula (= + - @, tab, carriage return, or their
// full-width forms) gets a leading apostrophe, so it shows as text and never runs (OWASP "CSV
// injection"). Invalid UTF-8 becomes U+FFFD.
func Cell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r, _ := utf8.DecodeRuneInString(s); strings.ContainsRune("=+-@\t\r\n＝＋－＠", r) && s != "" {
		return "'" + s
	}
	return s
}

func date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
