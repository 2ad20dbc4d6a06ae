package report

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/csvfile"
	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The report per system (issue 21 item 7): which systems hold requests up.

// TaskFacts is one search or carry-out task of a case in the period: no names, no addresses.
type TaskFacts struct {
	Reference string
	System    string
	Type      request.Type
	Phase     request.SearchPhase
	State     request.SearchState
	Created   time.Time
	Due       civil.Date
	Answered  time.Time // zero while open, and for a waived or cancelled task
}

// Late reports whether the task was answered after its due date, or is open past it at now.
// A cancelled or waived task is never late.
func (t TaskFacts) Late(now time.Time) bool {
	switch t.State {
	case request.TaskAnswered:
		return deadline.DateIn(t.Answered).After(t.Due)
	case request.TaskOpen:
		return deadline.DateIn(now).After(t.Due)
	}
	return false
}

// TasksOf lists the tasks of c.
func TasksOf(c *request.Case) []TaskFacts {
	var out []TaskFacts
	for _, t := range c.Searches {
		f := TaskFacts{Reference: c.Reference, System: t.System, Type: c.Type, Phase: t.Phase, State: t.State, Created: t.CreatedAt, Due: t.DueDate}
		if t.State == request.TaskAnswered {
			f.Answered = t.AnsweredAt
		}
		out = append(out, f)
	}
	return out
}

// SystemStats are one system's figures: tasks (cancelled ones not counted), the median of
// calendar days from task to answer (rounded to 0.1; null when none was answered), and how many
// were late.
type SystemStats struct {
	Tasks              int      `json:"tasks"`
	MedianDaysToAnswer *float64 `json:"medianDaysToAnswer"`
	Late               int      `json:"late"`
}

// Systems computes the figures per system of tasks as of now.
func Systems(tasks []TaskFacts, now time.Time) map[string]SystemStats {
	out := map[string]SystemStats{}
	days := map[string][]float64{}
	for _, t := range tasks {
		if t.State == request.TaskCancelled {
			continue
		}
		s := out[t.System]
		s.Tasks++
		if t.Late(now) {
			s.Late++
		}
		if !t.Answered.IsZero() {
			days[t.System] = append(days[t.System], t.Answered.Sub(t.Created).Hours()/24)
		}
		out[t.System] = s
	}
	for sys, d := range days {
		slices.Sort(d)
		if v, ok := percentileSorted(d, 50); ok {
			v = round(v, 10)
			s := out[sys]
			s.MedianDaysToAnswer = &v
			out[sys] = s
		}
	}
	return out
}

// TasksCSVHeader is the header row of WriteTasksCSV.
var TasksCSVHeader = []string{"reference", "system", "type", "phase", "state", "created", "due", "answered", "late"}

// WriteTasksCSV writes one row per task (the report's rows=tasks), by case and system.
func WriteTasksCSV(w io.Writer, tasks []TaskFacts, now time.Time) error {
	sorted := slices.Clone(tasks)
	slices.SortStableFunc(sorted, func(a, b TaskFacts) int {
		return cmp.Or(cmp.Compare(a.Reference, b.Reference), cmp.Compare(a.System, b.System), cmp.Compare(a.Phase, b.Phase))
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(TasksCSVHeader); err != nil {
		return fmt.Errorf("write tasks csv: %w", err)
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(deadline.Location()).Format("2006-01-02 15:04")
	}
	for _, t := range sorted {
		row := []string{csvfile.Cell(t.Reference), csvfile.Cell(t.System), csvfile.Cell(string(t.Type)), string(t.Phase), string(t.State),
			at(t.Created), date(t.Due), at(t.Answered), strconv.FormatBool(t.Late(now))}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write tasks csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}
