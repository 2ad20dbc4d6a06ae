package report

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"cloud.google.com/go/civil"
	"github.com/google/go-cmp/cmp"

	"github.com/privacyloket/privacyloket/shared/request"
)

func d(s string) civil.Date {
	x, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func ts(s string) time.Time {
	x, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return x
}

func st(s request.Status, from, to string) Stage {
	g := Stage{Status: s, From: ts(from)}
	if to != "" {
		g.To = ts(to)
	}
	return g
}

const (
	ac  = request.AwaitingConfirmation
	ai  = request.AwaitingIdentity
	atp = request.AwaitingThirdParty
	ip  = request.InProgress
)

// seeded is March 2026 with known answers (see TestComputeSeeded). Times are UTC; Amsterdam is
// UTC+1 until 29 March and UTC+2 after.
func seeded() []CaseFacts {
	return []CaseFacts{
		{ // on time
			Reference: "A", Type: request.Access, Status: request.Decided, Channel: request.ChannelWeb,
			Received: d("2026-03-02"), DueDate: d("2026-04-02"),
			DecidedAt: ts("2026-03-20T22:00:00Z"), Outcome: request.Granted,
			Stages: []Stage{st(ac, "2026-03-02T10:00:00Z", "2026-03-02T22:00:00Z"), st(ip, "2026-03-02T22:00:00Z", "2026-03-20T22:00:00Z"),
				st(request.Decided, "2026-03-20T22:00:00Z", "")},
		},
		{ // late, refused (excessive), decided after the period
			Reference: "B", Type: request.Erasure, Status: request.Closed, Channel: request.ChannelEmail,
			Received: d("2026-03-05"), DueDate: d("2026-04-07"),
			DecidedAt: ts("2026-04-10T09:00:00Z"), Outcome: request.Refused, Ground: request.Excessive,
			Stages: []Stage{st(ac, "2026-03-05T09:00:00Z", "2026-03-06T09:00:00Z"), st(ip, "2026-03-06T09:00:00Z", "2026-04-10T09:00:00Z")},
		},
		{ // extended, partly granted (protection of rights), a third party consulted
			Reference: "C", Type: request.Access, Status: request.Decided, Channel: request.ChannelLetter,
			Received: d("2026-03-10"), DueDate: d("2026-06-10"), Extended: true,
			DecidedAt: ts("2026-05-01T10:00:00Z"), Outcome: request.PartlyGranted, Ground: request.ProtectionOfRights,
			Stages: []Stage{st(ip, "2026-03-10T00:00:00Z", "2026-04-01T00:00:00Z"), st(atp, "2026-04-01T00:00:00Z", "2026-04-15T00:00:00Z"),
				st(ip, "2026-04-15T00:00:00Z", "2026-05-01T00:00:00Z")},
		},
		{ // refused (manifestly unfounded) at 23:30 Amsterdam on the due date: on time
			Reference: "D", Type: request.Objection, Status: request.Decided, Channel: request.ChannelCounter,
			Received: d("2026-03-12"), DueDate: d("2026-04-13"),
			DecidedAt: ts("2026-04-13T21:30:00Z"), Outcome: request.Refused, Ground: request.ManifestlyUnfounded,
			Stages: []Stage{st(ip, "2026-03-12T00:00:00Z", "2026-04-13T21:30:00Z")},
		},
		{ // identity stage with the clock suspended 10 days; the ID copy viewed twice
			Reference: "E", Type: request.Access, Status: request.Decided, Channel: request.ChannelWeb,
			Received: d("2026-03-16"), DueDate: d("2026-04-26"),
			DecidedAt: ts("2026-04-20T10:00:00Z"), Outcome: request.Granted, IDCopyViews: 2,
			Stages: []Stage{st(ac, "2026-03-16T08:00:00Z", "2026-03-18T08:00:00Z"), st(ai, "2026-03-18T08:00:00Z", "2026-03-28T08:00:00Z"),
				st(ip, "2026-03-28T08:00:00Z", "2026-04-20T10:00:00Z")},
		},
		{ // open and overdue now
			Reference: "F", Type: request.Rectification, Status: request.InProgress, Channel: request.ChannelEmail,
			Received: d("2026-03-20"), DueDate: d("2026-04-20"),
			Stages: []Stage{st(ip, "2026-03-20T00:00:00Z", "")},
		},
		{ // open, extended, not overdue; ID copy viewed once
			Reference: "G", Type: request.Access, Status: request.InProgress, Channel: request.ChannelWeb,
			Received: d("2026-03-25"), DueDate: d("2026-06-25"), Extended: true, IDCopyViews: 1,
			Stages: []Stage{st(ai, "2026-03-25T10:00:00Z", "2026-03-27T10:00:00Z"), st(ip, "2026-03-27T10:00:00Z", "")},
		},
		{ // awaiting confirmation: open, no due date, never overdue
			Reference: "H", Type: request.Complaint, Status: request.AwaitingConfirmation, Channel: request.ChannelWeb,
			Received: d("2026-03-31"),
			Stages:   []Stage{st(ac, "2026-03-31T10:00:00Z", "")},
		},
		{ // withdrawn: neither open nor decided
			Reference: "I", Type: request.Erasure, Status: request.Closed, Channel: request.ChannelWeb,
			Received: d("2026-03-03"), DueDate: d("2026-04-03"),
			Stages: []Stage{st(ac, "2026-03-03T10:00:00Z", "2026-03-03T16:00:00Z"), st(ai, "2026-03-03T16:00:00Z", "2026-03-04T16:00:00Z"),
				st(request.Closed, "2026-03-04T16:00:00Z", "")},
		},
		{ // received before the period, decided in it: not counted
			Reference: "X", Type: request.Access, Status: request.Decided, Received: d("2026-02-27"), DueDate: d("2026-03-27"),
			Extended: true, DecidedAt: ts("2026-03-10T10:00:00Z"), Outcome: request.Refused, Ground: request.Excessive, IDCopyViews: 5,
			Stages: []Stage{st(ip, "2026-02-27T10:00:00Z", "2026-03-10T10:00:00Z")},
		},
		{ // received after the period: not counted
			Reference: "Y", Type: request.Access, Status: request.InProgress, Received: d("2026-04-01"), DueDate: d("2026-05-01"),
			Stages: []Stage{st(ip, "2026-04-01T10:00:00Z", "2026-04-02T10:00:00Z")},
		},
	}
}

var now = ts("2026-05-15T08:00:00Z")

func TestComputeSeeded(t *testing.T) {
	t.Parallel()
	r := Compute(d("2026-03-01"), d("2026-03-31"), now, seeded())
	got, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// Days to decision: A 18, D 32, E 35, B 36, C 52: median rank 3 = 35, p90 rank 5 = 52.
	// Stages (finished stretches only): confirmation A 0.5, B 1, E 2, I 0.25; identity E 10,
	// G 2, I 1; third party C 14; staff A 18, B 35, C 22+16, D 32.9, E 23.1.
	want := `{
		"from": "2026-03-01", "to": "2026-03-31",
		"received": {"access": 4, "rectification": 1, "erasure": 2, "objection": 1, "complaint": 1, "restriction": 0, "portability": 0},
		"decided": {"granted": 2, "partly_granted": 1, "refused": 2},
		"onTime": 4, "late": 1, "open": 3, "overdueNow": 1, "onTimeRate": 0.8,
		"medianDaysToDecision": 35, "p90DaysToDecision": 52, "extended": 2,
		"refusedByGround": {"state_security": 0, "protection_of_rights": 1, "economic_interest": 0,
			"crime_prevention": 0, "civil_claims": 0, "manifestly_unfounded": 1, "excessive": 1, "required_by_law": 0,
			"identity_not_established": 0, "representation_not_proven": 0, "accurate": 0, "no_erasure_ground": 0,
			"legal_obligation": 0, "legal_claims": 0, "compelling_grounds": 0, "no_restriction_ground": 0,
			"no_portability_ground": 0},
		"stages": {
			"awaiting_confirmation": {"medianDays": 0.5, "p90Days": 2},
			"awaiting_identity": {"medianDays": 2, "p90Days": 10},
			"awaiting_third_party": {"medianDays": 14, "p90Days": 14},
			"in_progress": {"medianDays": 32.9, "p90Days": 38}
		},
		"idCopyViews": 3,
		"returnedByApprover": 0,
		"medianDaysAwaitingApproval": null,
		"systems": {}
	}`
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("report JSON (-want +got):\n%s", diff)
	}

	// 1 March 2026 is a Sunday: the first week is one day long.
	wantWeeks := []Week{
		{Start: d("2026-03-01"), End: d("2026-03-01")},
		{Start: d("2026-03-02"), End: d("2026-03-08"), Received: 3},
		{Start: d("2026-03-09"), End: d("2026-03-15"), Received: 2},
		{Start: d("2026-03-16"), End: d("2026-03-22"), Received: 2, Decided: 1},
		{Start: d("2026-03-23"), End: d("2026-03-29"), Received: 1},
		{Start: d("2026-03-30"), End: d("2026-03-31"), Received: 1},
	}
	if diff := cmp.Diff(wantWeeks, r.Weeks); diff != "" {
		t.Errorf("weeks (-want +got):\n%s", diff)
	}
}

func TestComputeEmpty(t *testing.T) {
	t.Parallel()
	r := Compute(d("2026-03-01"), d("2026-03-31"), now, nil)
	b, _ := json.Marshal(r)
	var g map[string]any
	json.Unmarshal(b, &g)
	for _, k := range []string{"onTimeRate", "medianDaysToDecision", "p90DaysToDecision"} {
		if v, ok := g[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null", k, v, ok)
		}
	}
	if got := g["stages"].(map[string]any)["in_progress"]; !cmp.Equal(got, map[string]any{"medianDays": nil, "p90Days": nil}) {
		t.Errorf("stages.in_progress = %v, want nulls", got)
	}
	if got, want := r.Received[request.Access], 0; got != want {
		t.Errorf("received.access = %d, want %d", got, want)
	}
}

func TestOnTimeInAmsterdam(t *testing.T) {
	t.Parallel()
	cases := []struct {
		decided string
		due     string
		want    bool
	}{
		{"2026-04-13T21:59:59Z", "2026-04-13", true},  // 23:59:59 CEST on the due date
		{"2026-04-13T22:00:00Z", "2026-04-13", false}, // 00:00 CEST the day after, still the 13th in UTC
		{"2026-01-31T22:59:00Z", "2026-01-31", true},  // 23:59 CET
		{"2026-01-31T23:00:00Z", "2026-01-31", false},
		{"2026-01-01T10:00:00Z", "", true}, // no term ran
	}
	for _, tc := range cases {
		f := CaseFacts{Received: d("2026-01-01"), DecidedAt: ts(tc.decided)}
		if tc.due != "" {
			f.DueDate = d(tc.due)
		}
		if got, ok := f.OnTime(); !ok || got != tc.want {
			t.Errorf("OnTime(decided %s, due %s) = %v, %v; want %v", tc.decided, tc.due, got, ok, tc.want)
		}
	}
	if _, ok := (CaseFacts{}).OnTime(); ok {
		t.Error("OnTime of an undecided case: ok = true")
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	cases := []struct {
		values []int
		p      int
		want   int
		ok     bool
	}{
		{nil, 50, 0, false},
		{[]int{7}, 50, 7, true},
		{[]int{7}, 90, 7, true},
		{[]int{9, 3}, 50, 3, true}, // even count: the lower middle value
		{[]int{9, 3}, 90, 9, true},
		{[]int{4, 1, 3, 2}, 50, 2, true},
		{[]int{4, 1, 3, 2}, 90, 4, true},
		{[]int{1, 2, 3, 4, 5}, 50, 3, true},
		{[]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 90, 9, true}, // rank exactly 9, no float rounding up to 10
		{[]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 91, 10, true},
		{[]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 100, 10, true},
		{[]int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 1, 1, true},
		{[]int{1, 2}, 0, 0, false},
		{[]int{1, 2}, 101, 0, false},
	}
	for _, tc := range cases {
		in := fmt.Sprint(tc.values)
		got, ok := Percentile(tc.values, tc.p)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Percentile(%v, %d) = %d, %v; want %d, %v", tc.values, tc.p, got, ok, tc.want, tc.ok)
		}
		if fmt.Sprint(tc.values) != in {
			t.Errorf("Percentile sorted its input %s", in)
		}
	}
}

func TestWeeks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		n        int
	}{
		{"2026-03-02", "2026-03-08", 1}, // Monday to Sunday
		{"2026-03-08", "2026-03-09", 2}, // Sunday, Monday
		{"2026-03-04", "2026-03-04", 1},
		{"2026-01-01", "2026-12-31", 53},
		{"2026-03-05", "2026-03-04", 0},
	}
	for _, tc := range cases {
		ws := weeks(d(tc.from), d(tc.to))
		if len(ws) != tc.n {
			t.Errorf("weeks(%s, %s) = %d weeks, want %d", tc.from, tc.to, len(ws), tc.n)
			continue
		}
		for i, w := range ws {
			if got := weekIndex(ws, w.Start); got != i {
				t.Errorf("weekIndex(%s) = %d, want %d", w.Start, got, i)
			}
			if got := weekIndex(ws, w.End); got != i {
				t.Errorf("weekIndex(%s) = %d, want %d", w.End, got, i)
			}
		}
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		want     []request.FieldError
	}{
		{"2026-03-01", "2026-03-31", nil},
		{"2026-03-01", "2026-03-01", nil},
		{"2024-01-01", "2025-12-31", nil}, // exactly two years
		{"2024-01-01", "2026-01-01", []request.FieldError{{Field: "to", Code: "invalid"}}},
		{"2026-03-02", "2026-03-01", []request.FieldError{{Field: "to", Code: "invalid"}}},
		{"", "2026-03-01", []request.FieldError{{Field: "from", Code: "required"}}},
		{"2026-02-30", "1.3.2026", []request.FieldError{{Field: "from", Code: "date"}, {Field: "to", Code: "date"}}},
	}
	for _, tc := range cases {
		f, to, errs := ParsePeriod(tc.from, tc.to)
		if diff := cmp.Diff(tc.want, errs); diff != "" {
			t.Errorf("ParsePeriod(%q, %q) errors (-want +got):\n%s", tc.from, tc.to, diff)
		}
		if errs == nil && (f.String() != tc.from || to.String() != tc.to) {
			t.Errorf("ParsePeriod(%q, %q) = %s, %s", tc.from, tc.to, f, to)
		}
	}
}

func TestPreviousMonth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ today, from, to string }{
		{"2026-03-02", "2026-02-01", "2026-02-28"},
		{"2026-01-05", "2025-12-01", "2025-12-31"},
		{"2028-03-31", "2028-02-01", "2028-02-29"},
	} {
		f, to := PreviousMonth(d(tc.today))
		if f.String() != tc.from || to.String() != tc.to {
			t.Errorf("PreviousMonth(%s) = %s..%s, want %s..%s", tc.today, f, to, tc.from, tc.to)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	cases := make([]CaseFacts, 10000)
	seed := seeded()
	for i := range cases {
		c := seed[i%len(seed)]
		c.Reference = fmt.Sprintf("PL-%05d", i)
		c.Received = d("2026-01-01").AddDays(i % 365)
		if c.DueDate.IsValid() {
			c.DueDate = c.Received.AddDays(30)
		}
		cases[i] = c
	}
	from, to := d("2026-01-01"), d("2026-12-31")
	b.ReportAllocs()
	for b.Loop() {
		Compute(from, to, now, cases)
	}
}

// Four eyes in the report (issue 22 item 5): decisions an approver returned, and the median
// time an approved decision waited.
func TestComputeFourEyes(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ev := func(h int, a request.Action) request.Event {
		return request.Event{At: t0.Add(time.Duration(h) * time.Hour), Action: a}
	}
	day := civil.Date{Year: 2026, Month: 3, Day: 2}
	mk := func(ref string, events ...request.Event) CaseFacts {
		c := &request.Case{Reference: ref, Type: request.Access, Status: request.InProgress, Received: day, DueDate: day.AddDays(28)}
		return FactsOf(c, request.ChannelWeb, events)
	}
	cases := []CaseFacts{
		mk("PL-A", ev(0, request.ActDecisionDrafted), ev(24, request.ActDecisionReturned), ev(48, request.ActDecisionDrafted), ev(60, request.ActDecisionApproved)),
		mk("PL-B", ev(0, request.ActDecisionDrafted), ev(36, request.ActDecisionApproved)),
		mk("PL-C", ev(0, request.ActDecisionDrafted), ev(96, request.ActDecisionApproved)),
		mk("PL-D"),
	}
	r := Compute(day, day.AddDays(30), t0.AddDate(0, 1, 0), cases)
	if r.ReturnedByApprover != 1 {
		t.Errorf("returned by an approver: %d, want 1", r.ReturnedByApprover)
	}
	if r.MedianDaysAwaitingApproval == nil || *r.MedianDaysAwaitingApproval != 1.5 {
		t.Errorf("median wait for approval: %v, want 1.5 days (0.5, 1.5, 4)", r.MedianDaysAwaitingApproval)
	}
}
