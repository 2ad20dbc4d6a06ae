package request

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/i18n"
)

// Submission is what the public form sends (docs/contract.md §3), before validation.
type Submission struct {
	Type            string               `json:"type"`
	Name            string               `json:"name"`
	Email           string               `json:"email"`
	BirthDate       string               `json:"birthDate"`
	Phone           string               `json:"phone"`
	Address         string               `json:"address"`
	Relation        string               `json:"relation"`
	Details         string               `json:"details"`
	ProposedChanges string               `json:"proposedChanges"`
	Motivation      string               `json:"motivation"`
	Reason          string               `json:"reason"`         // restriction: why the processing should be restricted
	RecipientEmail  string               `json:"recipientEmail"` // portability: the organisation that should receive the data
	Representative  *RepresentativeInput `json:"representative"`
	Signature       string               `json:"signature"`
	Declaration     bool                 `json:"declaration"`
	Lang            string               `json:"lang"`
	// Website is a honeypot: hidden from people, filled in by bots.
	Website string `json:"website"`
}

// RepresentativeInput is the representative as submitted.
type RepresentativeInput struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Capacity string `json:"capacity"`
}

// Field limits keep stored documents small and reject abuse early.
const (
	maxShort = 200
	maxLong  = 5000
)

// FieldError names one invalid field with a stable code; Message gives the text.
type FieldError struct {
	Field string
	Code  string
}

// Message explains the problem in lang (one of i18n.Languages) from the catalogue: key "fielderr." + Code,
// or the text for "invalid" when the code has none.
func (e FieldError) Message(lang string) string {
	if m, ok := i18n.Lookup(lang, "fielderr."+e.Code); ok {
		return m
	}
	return i18n.T(lang, "fielderr.invalid")
}

// Validated is a submission that passed validation, in domain types.
type Validated struct {
	Type           Type
	Lang           string
	Subject        Person
	Relation       Relation
	Details        string
	Proposed       string
	Motivation     string
	Reason         string // restriction: why
	TransferTo     string // portability: the organisation that should receive the data, or ""
	Representative *Representative
	Signature      string
	Bot            bool // the honeypot was filled in
}

// Validate checks every rule of docs/contract.md §3 and returns every problem at once. today is the
// day of submission in Europe/Amsterdam (the under-16 rule is judged on that day).
func (s Submission) Validate(today civil.Date) (*Validated, []FieldError) {
	var errs []FieldError
	add := func(field, code string) { errs = append(errs, FieldError{Field: field, Code: code}) }
	trim := strings.TrimSpace
	text := func(field, v string, required bool, max int) string {
		v = trim(v)
		switch {
		case v == "" && required:
			add(field, "required")
		case utf8.RuneCountInString(v) > max || !utf8.ValidString(v):
			add(field, "too_long")
		}
		return v
	}
	// A one-line field holds no line break or other control character (docs/contract.md §3): it
	// goes into e-mail subjects, greetings and headers.
	line := func(field, v string, required bool, max int) string {
		v = text(field, v, required, max)
		if !OneLine(v) {
			add(field, "one_line")
		}
		return v
	}
	v := &Validated{Bot: trim(s.Website) != ""}

	v.Type = Type(trim(s.Type))
	if !v.Type.Valid() {
		add("type", "type")
	}
	v.Lang = trim(s.Lang)
	switch {
	case v.Lang == "":
		v.Lang = i18n.Default
	case !i18n.Supported(v.Lang):
		add("lang", "lang")
		v.Lang = i18n.Default
	}
	v.Subject.Name = line("name", s.Name, true, maxShort)
	v.Subject.Email = email(trim(s.Email), "email", add)
	birth, birthOK := date(trim(s.BirthDate), "birthDate", today, add)
	v.Subject.BirthDate = birth
	before := len(errs) // one error per field: a line break says more than "not a number"
	v.Subject.Phone = line("phone", s.Phone, false, 40)
	if len(errs) == before && v.Subject.Phone != "" && !ValidPhone(v.Subject.Phone) {
		add("phone", "phone")
	}
	v.Subject.Address = text("address", s.Address, false, maxShort)
	if r := Relation(trim(s.Relation)); r != "" {
		if !r.Valid() {
			add("relation", "relation")
		}
		v.Relation = r
	}
	v.Details = text("details", s.Details, v.Type == Erasure || v.Type == Complaint, maxLong)
	v.Proposed = text("proposedChanges", s.ProposedChanges, v.Type == Rectification, maxLong)
	v.Motivation = text("motivation", s.Motivation, v.Type == Objection, maxLong)
	v.Reason = text("reason", s.Reason, v.Type == Restriction, maxLong)
	if e := trim(s.RecipientEmail); e != "" {
		v.TransferTo = email(e, "recipientEmail", add)
	}
	v.Signature = line("signature", s.Signature, true, maxShort)
	if !s.Declaration {
		add("declaration", "declaration")
	}

	minor := birthOK && under16(birth, today)
	rep := s.Representative
	if rep != nil && trim(rep.Name) == "" && trim(rep.Email) == "" && trim(rep.Capacity) == "" {
		rep = nil
	}
	switch {
	case rep != nil:
		r := &Representative{
			Name:     line("representative.name", rep.Name, true, maxShort),
			Email:    email(trim(rep.Email), "representative.email", add),
			Capacity: Capacity(trim(rep.Capacity)),
		}
		switch {
		case !r.Capacity.Valid():
			add("representative.capacity", "capacity")
		case minor && r.Capacity == CapacityOther:
			// Only a parent or a guardian, curator or mentor can act for a child (docs/rules.md §1).
			add("representative.capacity", "capacity_minor")
		}
		v.Representative = r
	case minor:
		add("representative", "representative")
	}
	return v, errs
}

// PhonePattern is what a phone number may hold: digits, spaces, "+", "-" and brackets. It is
// also the form's pattern attribute (a JavaScript pattern in v mode, hence the escapes).
const PhonePattern = `[\+0-9 \-\(\)]{6,40}`

var phoneRE = regexp.MustCompile(`^` + PhonePattern + `$`)

// ValidPhone reports whether v reads as a phone number: only PhonePattern's characters, with at
// least 6 digits ("abc" or "bel me" is refused).
func ValidPhone(v string) bool {
	if !phoneRE.MatchString(v) {
		return false
	}
	digits := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 6
}

func email(v, field string, add func(string, string)) string {
	if v == "" {
		add(field, "required")
		return ""
	}
	if !OneLine(v) {
		add(field, "one_line")
		return v
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
		add(field, "email")
		return v
	}
	return strings.ToLower(v)
}

func date(v, field string, today civil.Date, add func(string, string)) (civil.Date, bool) {
	if v == "" {
		add(field, "required")
		return civil.Date{}, false
	}
	d, err := civil.ParseDate(v)
	if err != nil || d.Year < 1900 {
		add(field, "date")
		return civil.Date{}, false
	}
	if d.After(today) {
		add(field, "date_future")
		return d, false
	}
	return d, true
}

// under16 reports whether someone born on birth is younger than 16 on day.
func under16(birth, day civil.Date) bool {
	sixteenth := civil.DateOf(time.Date(birth.Year+16, birth.Month, birth.Day, 0, 0, 0, 0, time.UTC))
	// 29 February birthdays: the 16th birthday falls on 1 March in a common year.
	return day.Before(sixteenth)
}

// OneLine reports whether v holds no line break or other control character (Unicode Cc, and
// the line and paragraph separators).
func OneLine(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
	})
}
