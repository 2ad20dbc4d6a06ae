package app_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// A requester who sent the ID copy staff asked for no longer keeps the case waiting: staff
// check the copy (the case page asks them to), so the desk says it waits on staff and does not
// count it as waiting on the requester (issue 24 item 4).
func TestDeskWaitingOnAfterIDCopy(t *testing.T) {
	t.Parallel()
	s := testenv.NewStack(t, testenv.Options{Backend: testenv.Memory, Profile: "vallei-wonen", Now: amsterdam("2026-03-27 10:00")})
	c := submitConfirm(t, s, access("kopie@tenant.test"))
	staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActRequestIdentity, Reason: "Het adres klopt niet met onze gegevens."})
	waiting := func() (string, int) {
		t.Helper()
		v, err := s.App.Desk.Desk(ctx, app.DeskFilter{})
		if err != nil || len(v.Cases) != 1 {
			t.Fatalf("desk: %v %+v", err, v)
		}
		return v.Cases[0].WaitingOn, v.Counts.WaitingOnRequester
	}
	if on, n := waiting(); on != app.WaitingOnRequester || n != 1 {
		t.Errorf("before the upload: waiting on %s, %d waiting on the requester", on, n)
	}
	if _, err := s.App.Intake.UploadIdentity(ctx, c.Reference, app.Client{}, testJPEG(t)); err != nil {
		t.Fatal(err)
	}
	if on, n := waiting(); on != app.WaitingOnStaff || n != 0 {
		t.Errorf("after the upload: waiting on %s, %d waiting on the requester; want staff, 0", on, n)
	}
}

// The desk finds a case by its reference, whatever its status, and open cases by the
// requester's name; a finished case is listed by its status and shows no name (issue 24 item 6).
func TestDeskSearchAndFinished(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, func(t *testing.T, b testenv.Backend) {
		s := testenv.NewStack(t, testenv.Options{Backend: b, Now: amsterdam("2026-03-27 10:00")})
		anna := intake(t, s, phoneIntake("Anna de  Boer", "2026-03-20"))
		piet := intake(t, s, phoneIntake("Piet Jansen", "2026-03-21"))
		sub := access("klacht@tenant.test")
		sub.Type, sub.Name, sub.Details = "complaint", "Anna Klager", "Niemand belt mij terug."
		done := ready(t, s, sub)
		done = decide(t, s, done.Reference, app.StaffInput{Outcome: "granted", Motivation: "Wij bellen u deze week."})
		if done.Status != request.Decided {
			t.Fatalf("complaint status %s, want decided", done.Status)
		}
		refs := func(f app.DeskFilter) []string {
			t.Helper()
			v, err := s.App.Desk.Desk(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range v.Cases {
				out = append(out, c.Reference)
				if c.Status.Finished() && c.Name != "" {
					t.Errorf("finished case %s shows the name %q", c.Reference, c.Name)
				}
			}
			return out
		}
		parse := func(status, q string) app.DeskFilter {
			t.Helper()
			f, errs := app.ParseDeskFilter(status, "", q)
			if len(errs) > 0 {
				t.Fatalf("ParseDeskFilter(%q, %q): %v", status, q, errs)
			}
			return f
		}
		for _, tc := range []struct {
			name, status, q string
			want            []string
		}{
			{"open cases", "", "", []string{anna.Reference, piet.Reference}},
			{"a name, any case and spacing", "", "DE BOER", []string{anna.Reference}},
			{"part of a name", "", "jans", []string{piet.Reference}},
			{"a name finds no finished case", "", "Klager", nil},
			{"a reference finds a decided case", "", done.Reference, []string{done.Reference}},
			{"a reference in lower case without PL-", "", strings.ToLower(strings.TrimPrefix(piet.Reference, "PL-")), []string{piet.Reference}},
			{"a reference wins over the status filter", "decided", anna.Reference, []string{anna.Reference}},
			{"an unknown reference", "", "PL-0000-0000", nil},
			{"decided cases", "decided", "", []string{done.Reference}},
		} {
			if got := refs(parse(tc.status, tc.q)); !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
		v, _ := s.App.Desk.Desk(ctx, parse("", "Boer"))
		if len(v.Cases) != 1 || v.Cases[0].Name != "Anna de  Boer" || v.Counts.Open != 2 {
			t.Errorf("search result %+v, counts %+v: want the name and the counts of every open case", v.Cases, v.Counts)
		}
		if _, errs := app.ParseDeskFilter("", "", strings.Repeat("x", 101)); len(errs) != 1 || errs[0].Field != "q" {
			t.Errorf("a search text of 101 characters: %v", errs)
		}
	})
}
