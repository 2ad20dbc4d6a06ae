package app

import (
	"context"
	"fmt"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/report"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Report computes the accountability report for the requests received from from to to
// (inclusive), as they stand now, with the facts of each case (for the CSV). It reads only the
// period's cases (an index on the day of receipt).
func (s *Desk) Report(ctx context.Context, from, to civil.Date) (report.Report, []report.CaseFacts, error) {
	return s.report(ctx, from, to, s.d.Clock())
}

func (s *core) report(ctx context.Context, from, to civil.Date, now time.Time) (report.Report, []report.CaseFacts, error) {
	got, err := s.d.DeskStore.CasesReceived(ctx, from, to.AddDays(1))
	if err != nil {
		return report.Report{}, nil, fmt.Errorf("cases received: %w", err)
	}
	facts := make([]report.CaseFacts, 0, len(got))
	var tasks []report.TaskFacts
	for _, ce := range got {
		facts = append(facts, report.FactsOf(ce.Case, ChannelOf(ce.Case), ce.Events))
		tasks = append(tasks, report.TasksOf(ce.Case)...)
	}
	r := report.Compute(from, to, now, facts)
	r.Systems = report.Systems(tasks, now)
	return r, facts, nil
}

// ReportTasks lists the search tasks of the requests received from from to to (inclusive), for
// the report's CSV with rows=tasks.
func (s *Desk) ReportTasks(ctx context.Context, from, to civil.Date) ([]report.TaskFacts, error) {
	got, err := s.d.DeskStore.CasesReceived(ctx, from, to.AddDays(1))
	if err != nil {
		return nil, fmt.Errorf("cases received: %w", err)
	}
	var tasks []report.TaskFacts
	for _, ce := range got {
		tasks = append(tasks, report.TasksOf(ce.Case)...)
	}
	return tasks, nil
}

// ExportCase is one case's whole timeline for an auditor or the AP: events, letters with their
// dates and kinds, who viewed what; never the ID copy or a letter's text. The export itself is
// recorded in the timeline (who, when).
func (s *Desk) ExportCase(ctx context.Context, staff, ref string) (report.Export, error) {
	now := s.d.Clock()
	c, events, ls, err := s.updateParts(ctx, ref, func(c *request.Case) (Change, error) {
		return Change{Events: []request.Event{{At: now, Actor: staff, Action: request.ActExported}}}, nil
	})
	if err != nil {
		return report.Export{}, err
	}
	letters := make([]outbox.Letter, len(ls))
	for i, l := range ls {
		letters[i] = *l
	}
	return report.ExportCase(report.FactsOf(c, ChannelOf(c), events), events, letters), nil
}

// reportRetention is how long a monthly report letter is kept.
const reportRetention = 400 * 24 * time.Hour
