package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/i18n"
)

// CSVColumns are the columns of WriteCSV, as catalogue keys "csv.report.<column>": one column
// per fact, then the days per stage.
var CSVColumns = []string{"reference", "type", "channel", "status", "receivedOn", "dueDate", "extended",
	"decidedOn", "outcome", "ground", "daysToDecision", "onTime",
	"awaitingConfirmationDays", "awaitingIdentityDays", "awaitingThirdPartyDays", "inProgressDays",
	"idCopyViews"}

// CSVHeader is the header row of WriteCSV in lang.
func CSVHeader(lang string) []string { return header(lang, "csv.report.", CSVColumns) }

func header(lang, prefix string, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = i18n.T(lang, prefix+c)
	}
	return out
}

// WriteCSV writes one row per case, oldest receipt first, for a reader of lang in the form of
// csvfile (docs/contract.md §3): the facts of CaseFacts in words ("Inzage", "Telefoon", "ja"),
// days as "28-11-2026" and decimals as "1,5" for a Dutch reader, never a name or an address
// (CaseFacts holds none). Empty cells mean "not applicable yet": no due date, not decided, a
// stage not finished.
func WriteCSV(w io.Writer, cases []CaseFacts, lang string) error {
	sorted := slices.Clone(cases)
	slices.SortStableFunc(sorted, func(a, b CaseFacts) int {
		if c := a.Received.Compare(b.Received); c != 0 {
			return c
		}
		return cmp.Compare(a.Reference, b.Reference)
	})
	cw := csvfile.NewWriter(w)
	if err := cw.Write(CSVHeader(lang)); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	yesNo := func(b bool) string { return i18n.T(lang, map[bool]string{true: "yes", false: "no"}[b]) }
	word := func(prefix, code string) string { return Word(lang, prefix, code) }
	row := make([]string, 0, len(CSVColumns))
	for _, c := range sorted {
		row = row[:0]
		days, onTime := "", ""
		if n, ok := c.DaysToDecision(); ok {
			on, _ := c.OnTime()
			days, onTime = strconv.Itoa(n), yesNo(on)
		}
		row = append(row, c.Reference, TypeName(lang, string(c.Type)), word("channel.", string(c.Channel)), word("sst.", string(c.Status)),
			csvfile.Date(c.Received, lang), csvfile.Date(c.DueDate, lang), yesNo(c.Extended), csvfile.Date(c.DecidedOn(), lang),
			word("outcome.", string(c.Outcome)), word("ground.", string(c.Ground)), days, onTime)
		stages := c.StageDays()
		for _, s := range StageStatuses {
			if d, ok := stages[s]; ok {
				row = append(row, csvfile.Decimal(round(d, 10), lang))
			} else {
				row = append(row, "")
			}
		}
		row = append(row, strconv.Itoa(c.IDCopyViews))
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write report csv: %w", err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write report csv: %w", err)
	}
	return nil
}

// Word is the catalogue's word for a code ("channel." + "phone" → "Telefoon"); a code the
// catalogue lacks is written as it is, and "" stays "".
func Word(lang, prefix, code string) string {
	if code == "" {
		return ""
	}
	if s, ok := i18n.Lookup(lang, prefix+code); ok {
		return s
	}
	return code
}

// TypeName is a request type's name with a capital, "Inzage" (not the form's question); an
// unknown type is written as it is.
func TypeName(lang, typ string) string {
	n, ok := i18n.Lookup(lang, "mail.type."+typ+".name")
	if !ok || n == "" {
		return typ
	}
	r := []rune(n)
	return string(unicode.ToUpper(r[0])) + string(r[1:])
}
