package request

import (
	"strings"
	"testing"

	"cloud.google.com/go/civil"
)

func d(s string) civil.Date { x, _ := civil.ParseDate(s); return x }

func TestUnder16(t *testing.T) {
	t.Parallel()
	cases := []struct {
		birth, day string
		want       bool
	}{
		{"2010-03-27", "2026-03-26", true},
		{"2010-03-27", "2026-03-27", false}, // the 16th birthday itself
		{"2008-02-29", "2024-02-28", true},
		{"2008-02-29", "2024-02-29", false},
		{"2009-02-28", "2025-02-28", false},
		{"2012-02-29", "2028-02-28", true},
		{"1980-05-17", "2026-03-27", false},
	}
	for _, tc := range cases {
		if got := under16(d(tc.birth), d(tc.day)); got != tc.want {
			t.Errorf("under16(%s, %s) = %v, want %v", tc.birth, tc.day, got, tc.want)
		}
	}
}

func TestStateMachine(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a    Action
		from Status
		want Status
		ok   bool
	}{
		{ActConfirm, AwaitingConfirmation, InProgress, true},
		{ActConfirm, InProgress, InProgress, false},
		{ActVerifyIdentity, AwaitingIdentity, InProgress, true},
		{ActVerifyIdentity, InProgress, InProgress, true},
		{ActVerifyIdentity, Decided, Decided, false},
		{ActRejectIdentity, AwaitingIdentity, AwaitingIdentity, true},
		{ActRequestIdentity, InProgress, AwaitingIdentity, true},
		{ActExtend, InProgress, InProgress, true},
		{ActExtend, Decided, Decided, false},
		{ActDecide, InProgress, Decided, true},
		// From awaiting_identity only as a refusal on identity_not_established (app checks that).
		{ActDecide, AwaitingIdentity, Decided, true},
		{ActDecide, AwaitingThirdParty, Decided, true},
		{ActDecide, Closed, Closed, false},
		{ActWithdraw, AwaitingThirdParty, Closed, true},
		{ActWithdraw, Closed, Closed, false},
		{ActExpire, AwaitingConfirmation, Expired, true},
		{ActExpire, InProgress, InProgress, false},
	}
	for _, tc := range cases {
		got, err := Next(tc.a, tc.from, InProgress)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Next(%s, %s) = %s, %v; want %s, ok=%v", tc.a, tc.from, got, err, tc.want, tc.ok)
		}
	}
}

// Every status is open, finished or awaiting confirmation, exactly one of them; a finished
// case allows no staff action.
func TestStatusOpenOrFinished(t *testing.T) {
	t.Parallel()
	for _, st := range Statuses {
		open, finished, unconfirmed := st.Open(), st.Finished(), st == AwaitingConfirmation
		if n := btoi(open) + btoi(finished) + btoi(unconfirmed); n != 1 {
			t.Errorf("%s: open %t, finished %t, unconfirmed %t; want exactly one", st, open, finished, unconfirmed)
		}
		if !finished {
			continue
		}
		for _, a := range StaffActions {
			if Allowed(a, st) {
				t.Errorf("%s is finished but allows %s", st, a)
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestValidateTrimsAndLowercases(t *testing.T) {
	t.Parallel()
	v, errs := Submission{Type: " access ", Name: " Carla ", Email: "Carla@Tenant.Test", BirthDate: "1980-05-17",
		Signature: "Carla", Declaration: true, Representative: &RepresentativeInput{}}.Validate(d("2026-03-27"))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if v.Subject.Name != "Carla" || v.Subject.Email != "carla@tenant.test" || v.Representative != nil || v.Lang != "nl" {
		t.Errorf("validated = %+v", v)
	}
	for _, e := range []FieldError{{"x", "required"}, {"x", "unknown-code"}} {
		if e.Message("nl") == "" || e.Message("en") == "" || e.Message("nl") == e.Message("en") {
			t.Errorf("messages for %s: %q / %q", e.Code, e.Message("nl"), e.Message("en"))
		}
	}
}

// Capacity "other" is no legal representative of a child under 16 (docs/rules.md §1).
func TestCapacityOtherIsNoRepresentativeOfAChild(t *testing.T) {
	t.Parallel()
	sub := func(birth, capacity string) Submission {
		return Submission{Type: "access", Name: "Kind", Email: "ouder@family.test", BirthDate: birth, Signature: "Ouder", Declaration: true,
			Representative: &RepresentativeInput{Name: "Ouder", Email: "ouder@family.test", Capacity: capacity}}
	}
	for _, tc := range []struct {
		birth, capacity, want string
	}{
		{"2015-01-01", "other", "capacity_minor"},
		{"2015-01-01", "parent", ""},
		{"1950-01-01", "other", ""}, // an adult who is not legally competent: "other" may act
	} {
		_, errs := sub(tc.birth, tc.capacity).Validate(d("2026-03-27"))
		got := ""
		for _, e := range errs {
			if e.Field == "representative.capacity" {
				got = e.Code
			}
		}
		if got != tc.want {
			t.Errorf("%s %s: code %q, want %q", tc.birth, tc.capacity, got, tc.want)
		}
	}
}

// Issue 11 item 5: a line break or other control character makes a one-line field invalid
// (docs/contract.md §3); free text keeps its line breaks.
func TestOneLineFieldsHoldNoControlCharacters(t *testing.T) {
	t.Parallel()
	base := func() Submission {
		return Submission{Type: "access", Name: "Carla", Email: "carla@tenant.test", BirthDate: "1980-05-17",
			Signature: "Carla", Declaration: true, Details: "Regel een\nRegel twee",
			Representative: &RepresentativeInput{Name: "Rita", Email: "rita@tenant.test", Capacity: "other"}}
	}
	if _, errs := base().Validate(d("2026-03-27")); len(errs) != 0 {
		t.Fatalf("a valid submission: %v", errs)
	}
	for field, set := range map[string]func(*Submission, string){
		"name":                 func(s *Submission, v string) { s.Name = v },
		"email":                func(s *Submission, v string) { s.Email = v },
		"phone":                func(s *Submission, v string) { s.Phone = v },
		"signature":            func(s *Submission, v string) { s.Signature = v },
		"representative.name":  func(s *Submission, v string) { s.Representative.Name = v },
		"representative.email": func(s *Submission, v string) { s.Representative.Email = v },
	} {
		for _, bad := range []string{"Carla\n## Kop", "Carla\r\nBcc: x@evil.test", "Carla\tX", "Carla\u2028X", "Carla\x00", "Carla\u0085X"} {
			s := base()
			if strings.HasSuffix(field, "email") {
				bad = strings.Replace(bad, "Carla", "carla@tenant.test", 1)
			}
			set(&s, bad)
			_, errs := s.Validate(d("2026-03-27"))
			if len(errs) != 1 || errs[0].Field != field {
				t.Errorf("%s = %q: errors %v, want one on %s", field, bad, errs, field)
			}
		}
	}
}

// Restriction needs the reason; portability may name the organisation that should receive the
// data, as a plain e-mail address (CONTRACT §3, issue 23 item 13).
func TestRestrictionAndPortability(t *testing.T) {
	t.Parallel()
	base := Submission{Name: "Carla", Email: "carla@tenant.test", BirthDate: "1980-05-17", Signature: "Carla", Declaration: true}
	codes := func(s Submission) string {
		_, errs := s.Validate(d("2026-03-27"))
		var out []string
		for _, e := range errs {
			out = append(out, e.Field+":"+e.Code)
		}
		return strings.Join(out, " ")
	}
	r := base
	r.Type = "restriction"
	if got := codes(r); got != "reason:required" {
		t.Errorf("restriction without reason: %q", got)
	}
	r.Reason = "Mijn huurachterstand klopt niet; beperk het gebruik tot u die hebt gecontroleerd."
	if v, errs := r.Validate(d("2026-03-27")); len(errs) != 0 || v.Reason != r.Reason || v.Type != Restriction {
		t.Errorf("restriction with reason: %+v %v", v, errs)
	}
	p := base
	p.Type = "portability"
	if got := codes(p); got != "" {
		t.Errorf("portability without a recipient: %q", got)
	}
	p.RecipientEmail = "not an address"
	if got := codes(p); got != "recipientEmail:email" {
		t.Errorf("portability to a bad address: %q", got)
	}
	p.RecipientEmail = "Verhuur@Nieuwe-Corporatie.NL"
	if v, errs := p.Validate(d("2026-03-27")); len(errs) != 0 || v.TransferTo != "verhuur@nieuwe-corporatie.nl" {
		t.Errorf("portability to an organisation: %+v %v", v, errs)
	}
}
