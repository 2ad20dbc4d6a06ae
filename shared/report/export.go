package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Entry kinds in a case export.
const (
	KindEvent  = "event"  // something done to the case
	KindLetter = "letter" // a letter written for the case
	KindView   = "view"   // someone looked at the case or its ID copy
)

// Entry is one line of a case's timeline for an auditor. Times are Europe/Amsterdam with their
// offset. A letter gives its id, kind and delivery, never its text or its recipient's address.
type Entry struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
	Actor  string    `json:"actor,omitempty"`  // "requester", "system", "third_party" or a staff address
	Action string    `json:"action"`           // the audit action, or the letter's kind
	Detail string    `json:"detail,omitempty"` // the audit detail (never an ID copy)
	// Letters only.
	LetterID     string     `json:"letterId,omitempty"`
	LetterStatus string     `json:"letterStatus,omitempty"`
	SentAt       *time.Time `json:"sentAt,omitempty"` // sent, or for a letter by post, posted
}

// Export is a case's whole timeline for an auditor or the AP: its facts (CaseFacts, no names or
// addresses) and every event, letter and view in time order. It holds no ID copy and no letter
// bodies.
type Export struct {
	Reference   string  `json:"reference"`
	Type        string  `json:"type"`
	Channel     string  `json:"channel,omitempty"`
	Status      string  `json:"status"`
	ReceivedOn  string  `json:"receivedOn"`
	DueDate     string  `json:"dueDate,omitempty"`
	Extended    bool    `json:"extended"`
	DecidedOn   string  `json:"decidedOn,omitempty"`
	Outcome     string  `json:"outcome,omitempty"`
	Ground      string  `json:"ground,omitempty"`
	IDCopyViews int     `json:"idCopyViews"`
	Timeline    []Entry `json:"timeline"`
}

// ExportCase puts together a case's timeline from its facts, its audit trail and its letters
// (outbox.Letter; only id, kind, status and dates are read).
func ExportCase(f CaseFacts, events []request.Event, letters []outbox.Letter) Export {
	x := Export{
		Reference: f.Reference, Type: string(f.Type), Channel: string(f.Channel), Status: string(f.Status),
		ReceivedOn: date(f.Received), DueDate: date(f.DueDate), Extended: f.Extended,
		DecidedOn: date(f.DecidedOn()), Outcome: string(f.Outcome), Ground: string(f.Ground),
		IDCopyViews: f.IDCopyViews,
		Timeline:    make([]Entry, 0, len(events)+len(letters)),
	}
	loc := deadline.Location()
	for _, e := range events {
		kind := KindEvent
		if slices.Contains(viewEvents, e.Action) {
			kind = KindView
		}
		detail := e.Detail
		if e.Action == request.ActNote {
			detail = "" // an internal note's text stays in the staff timeline
		}
		x.Timeline = append(x.Timeline, Entry{At: e.At.In(loc), Kind: kind, Actor: e.Actor, Action: string(e.Action), Detail: detail})
	}
	for _, l := range letters {
		en := Entry{At: l.CreatedAt.In(loc), Kind: KindLetter, Actor: "system", Action: string(l.Kind),
			LetterID: l.ID, LetterStatus: string(l.Status)}
		if !l.SentAt.IsZero() {
			en.SentAt = ptr(l.SentAt.In(loc))
		}
		x.Timeline = append(x.Timeline, en)
	}
	slices.SortStableFunc(x.Timeline, func(a, b Entry) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return cmp.Compare(a.Kind, b.Kind)
	})
	return x
}

// WriteJSON writes the export as one JSON document.
func (x Export) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(x); err != nil {
		return fmt.Errorf("write case export %s: %w", x.Reference, err)
	}
	return nil
}

// ExportCSVColumns are the columns of Export.WriteCSV, as catalogue keys "csv.export.<column>".
var ExportCSVColumns = []string{"reference", "at", "kind", "actor", "action", "detail", "letterId", "letterStatus", "sentAt"}

// ExportCSVHeader is the header row of Export.WriteCSV in lang.
func ExportCSVHeader(lang string) []string { return header(lang, "csv.export.", ExportCSVColumns) }

// WriteCSV writes the timeline for a reader of lang in the form of csvfile (docs/contract.md
// §3), one row per entry, each with the case reference: times as Europe/Amsterdam day and time
// ("02-03-2026 10:00"), kinds, actions, letters and their delivery in words; a staff member's
// address and the audit detail as they are.
func (x Export) WriteCSV(w io.Writer, lang string) error {
	cw := csvfile.NewWriter(w)
	if err := cw.Write(ExportCSVHeader(lang)); err != nil {
		return fmt.Errorf("write case export %s: %w", x.Reference, err)
	}
	for _, e := range x.Timeline {
		sent := ""
		if e.SentAt != nil {
			sent = csvfile.DateTime(*e.SentAt, lang)
		}
		action := Word(lang, "event.", e.Action)
		if e.Kind == KindLetter {
			action = Word(lang, "letter.", e.Action)
		}
		if err := cw.Write([]string{x.Reference, csvfile.DateTime(e.At, lang), Word(lang, "csv.kind.", e.Kind),
			Word(lang, "csv.actor.", e.Actor), action, e.Detail, e.LetterID, Word(lang, "sent.", e.LetterStatus), sent}); err != nil {
			return fmt.Errorf("write case export %s: %w", x.Reference, err)
		}
	}
	if err := cw.Flush(); err != nil {
		return fmt.Errorf("write case export %s: %w", x.Reference, err)
	}
	return nil
}

// date is a calendar day as YYYY-MM-DD for the JSON export; the zero date is "".
func date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
