package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"

	"cloud.google.com/go/civil"
	"github.com/privacyloket/privacyloket/shared/csvfile"
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
		row = append(row, csvfile.Cell(c.Reference), csvfile.Cell(string(c.Type)), csvfile.Cell(string(c.Channel)), csvfile.Cell(string(c.Status)),
			date(c.Received), date(c.DueDate), strconv.FormatBool(c.Extended), date(c.DecidedOn()),
			csvfile.Cell(string(c.Outcome)), csvfile.Cell(string(c.Ground)), days, onTime)
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

func date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
