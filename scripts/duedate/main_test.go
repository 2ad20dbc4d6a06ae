package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string // exact stdout
		wantErrHas string // a fragment of stderr; "" means stderr must be empty
	}{
		{"contract example", []string{"--profile", "vallei-wonen", "--type", "access", "--received", "2026-03-27"}, 0, "2026-04-24\n", ""},
		{"default profile is vallei-wonen", []string{"--type", "rectification", "--received", "2026-03-27"}, 0, "2026-04-10\n", ""},
		{"de-alliantie", []string{"--profile", "de-alliantie", "--type", "rectification", "--received", "2026-03-27"}, 0, "2026-04-24\n", ""},
		{"GDPR month off Koningsdag", []string{"--type", "objection", "--received", "2026-03-27"}, 0, "2026-04-28\n", ""},
		{"extended", []string{"--type", "access", "--received", "2026-03-27", "--extended"}, 0, "2026-06-29\n", ""},
		{"suspended", []string{"--type", "access", "--received=2026-03-27", "--suspended=5"}, 0, "2026-04-29\n", ""},
		{"profile by path", []string{"--profile", "testdata/profile.json", "--type", "access", "--received", "2027-01-31"}, 0, "2027-03-01\n", ""},
		{"help", []string{"-h"}, 0, "", "usage: duedate"},
		// Suspended days go to the end of the term (issue 10 item 3): objection received
		// 28 Feb 2026, whose month ends on Saturday 28 March.
		{"28 Feb, 1 day suspended", []string{"--type", "objection", "--received", "2026-02-28", "--suspended", "1"}, 0, "2026-03-30\n", ""},
		{"28 Feb, 3 days suspended", []string{"--type", "objection", "--received", "2026-02-28", "--suspended", "3"}, 0, "2026-03-31\n", ""},
		{"28 Feb, 3 days, de-alliantie", []string{"--profile", "de-alliantie", "--type", "objection", "--received", "2026-02-28", "--suspended", "3"}, 0, "2026-03-31\n", ""},
		{"31 Jan 2027, 1 day", []string{"--type", "objection", "--received", "2027-01-31", "--suspended", "1"}, 0, "2027-03-01\n", ""},
		{"28 Jan, 3 days, across the month end", []string{"--type", "objection", "--received", "2026-01-28", "--suspended", "3"}, 0, "2026-03-03\n", ""},
		// An extension survives a suspension and moves by its days (issue 10 item 2).
		{"extended, 14 days suspended", []string{"--type", "access", "--received", "2026-03-27", "--extended", "--suspended", "14"}, 0, "2026-07-13\n", ""},
		{"extended, 5 days suspended", []string{"--type", "access", "--received", "2026-03-27", "--extended", "--suspended", "5"}, 0, "2026-07-02\n", ""},
		// A year without decree-day data (issue 10 item 13): statutory holidays only, with a note.
		{"2028 has no decree data", []string{"--type", "objection", "--received", "2028-04-26"}, 0, "2028-05-26\n", "no decree-day data for 2028"},
		// A GDPR date ends on a decree day (docs/rules.md §3: the Atw equates them only for its own terms).
		{"2027: ends on the decree day", []string{"--type", "objection", "--received", "2027-04-07"}, 0, "2027-05-07\n", ""},
		{"2026: ends on the decree day", []string{"--type", "objection", "--received", "2026-04-15"}, 0, "2026-05-15\n", ""},
		{"2025: ends on the decree day after New Year", []string{"--type", "objection", "--received", "2025-12-02"}, 0, "2026-01-02\n", ""},

		{"no flags", nil, 2, "", "--type is required; --received is required"},
		{"unknown type", []string{"--type", "appeal", "--received", "2026-03-27"}, 2, "", `--type "appeal" is not one of`},
		{"bad date", []string{"--type", "access", "--received", "27-03-2026"}, 2, "", `--received "27-03-2026" is not a date`},
		{"impossible date", []string{"--type", "access", "--received", "2026-02-30"}, 2, "", "is not a date"},
		{"negative suspension", []string{"--type", "access", "--received", "2026-03-27", "--suspended", "-1"}, 2, "", "--suspended must not be negative"},
		{"unknown profile", []string{"--profile", "woonbron", "--type", "access", "--received", "2026-03-27"}, 2, "", "unknown policy profile"},
		{"invalid profile file", []string{"--profile", "testdata/invalid.json", "--type", "access", "--received", "2026-03-27"}, 2, "", "organisation.senderEmail"},
		{"unknown flag", []string{"--type", "access", "--received", "2026-03-27", "--verbose"}, 2, "", "flag provided but not defined"},
		{"stray argument", []string{"--type", "access", "--received", "2026-03-27", "now"}, 2, "", "unexpected arguments: now"},
		{"bad number", []string{"--type", "access", "--received", "2026-03-27", "--suspended", "x"}, 2, "", "invalid value"},

		{"complaint cannot be extended", []string{"--type", "complaint", "--received", "2026-03-27", "--extended"}, 1, "", "no GDPR ceiling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if got, want := code, tt.wantCode; got != want {
				t.Errorf("exit code = %d, want %d (stderr: %s)", got, want, stderr.String())
			}
			if got, want := stdout.String(), tt.wantOut; got != want {
				t.Errorf("stdout = %q, want %q", got, want)
			}
			if tt.wantErrHas == "" {
				if stderr.Len() > 0 {
					t.Errorf("stderr = %q, want it empty", stderr.String())
				}
			} else if !strings.Contains(stderr.String(), tt.wantErrHas) {
				t.Errorf("stderr = %q, want it to contain %q", stderr.String(), tt.wantErrHas)
			}
			if code == exitUsage && !strings.Contains(stderr.String(), "usage: duedate") {
				t.Errorf("a usage error must print the usage; stderr = %q", stderr.String())
			}
		})
	}
}
