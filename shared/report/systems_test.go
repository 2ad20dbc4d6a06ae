package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/deadline"
	"github.com/privacyloket/privacyloket/shared/request"
)

func TestSystemsAndTasksCSV(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, _ := time.ParseInLocation("2006-01-02 15:04", s, deadline.Location())
		return v
	}
	due := civil.Date{Year: 2026, Month: 4, Day: 17}
	tasks := []TaskFacts{
		{Reference: "PL-A", System: "huur", State: request.TaskAnswered, Created: at("2026-04-01 10:00"), Due: due, Answered: at("2026-04-03 10:00")},
		{Reference: "PL-B", System: "huur", State: request.TaskAnswered, Created: at("2026-04-01 10:00"), Due: due, Answered: at("2026-04-20 10:00")},
		{Reference: "PL-C", System: "huur", State: request.TaskOpen, Created: at("2026-04-01 10:00"), Due: due},
		{Reference: "PL-D", System: "huur", State: request.TaskCancelled, Created: at("2026-04-01 10:00"), Due: due},
		{Reference: "PL-E", System: "web", State: request.TaskWaived, Created: at("2026-04-01 10:00"), Due: due},
	}
	now := at("2026-04-21 10:00")
	got := Systems(tasks, now)
	h := got["huur"]
	if h.Tasks != 3 || h.Late != 2 || h.MedianDaysToAnswer == nil || *h.MedianDaysToAnswer != 2 {
		t.Errorf("huur %+v (median %v)", h, h.MedianDaysToAnswer)
	}
	if w := got["web"]; w.Tasks != 1 || w.Late != 0 || w.MedianDaysToAnswer != nil {
		t.Errorf("web %+v", w)
	}
	var b bytes.Buffer
	tasks = append(tasks, TaskFacts{Reference: "=cmd", System: "x", Due: due, State: request.TaskOpen})
	if err := WriteTasksCSV(&b, tasks, now); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 7 || !strings.HasPrefix(lines[0], "reference,system,type") || !strings.Contains(b.String(), "PL-B,huur,,,answered,2026-04-01 10:00,2026-04-17,2026-04-20 10:00,true") {
		t.Errorf("tasks CSV:\n%s", b.String())
	}
	if strings.Contains(b.String(), "\n=cmd") {
		t.Error("a formula cell is not guarded")
	}
}
