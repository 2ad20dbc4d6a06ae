package policy

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// FieldError is one problem with a profile, naming the JSON field path it concerns.
type FieldError struct {
	Field   string // JSON path, e.g. "organisation.senderEmail"
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

var (
	idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// phonePattern: digits with the usual separators, an optional leading +.
	phonePattern = regexp.MustCompile(`^\+?[0-9][0-9 ()-]*[0-9]$`)
	// postcodePattern: a Dutch postcode and place, the last line of an address on an envelope.
	postcodePattern = regexp.MustCompile(`^[0-9]{4} ?[A-Z]{2} +\S`)
)

// maxAddressLines and maxAddressLine keep an address inside the window of an envelope.
const (
	maxAddressLines = 5
	maxAddressLine  = 60
)

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// Validate reports every problem with the profile at once, joined with errors.Join; each is a
// *FieldError naming the JSON field.
func (p *Profile) Validate() error {
	if p == nil {
		return errors.New("policy profile is nil")
	}
	var v validator

	if !idPattern.MatchString(p.ID) {
		v.add("id", "required: lower-case letters, digits and hyphens (got %q)", p.ID)
	}

	o := p.Organisation
	v.text("organisation.name", o.Name)
	v.text("organisation.legalName", o.LegalName)
	v.text("organisation.senderName", o.SenderName)
	v.texts("organisation.complaintsContact", o.ComplaintsContact)
	v.texts("organisation.privacyOfficerName", o.PrivacyOfficerName)
	if o.PrivacyOfficerPhone == "" {
		v.add("organisation.privacyOfficerPhone", "required: every decision names the privacy officer's phone number (GDPR 38(4))")
	} else if !phonePattern.MatchString(o.PrivacyOfficerPhone) {
		v.add("organisation.privacyOfficerPhone", "not a phone number such as 088 0023200 (got %q)", o.PrivacyOfficerPhone)
	}
	if o.PrivacyOfficerAddress == nil {
		v.add("organisation.privacyOfficerAddress", "required: every decision names the privacy officer's postal address (GDPR 38(4))")
	} else {
		v.address("organisation.privacyOfficerAddress", o.PrivacyOfficerAddress)
	}
	cc := p.ComplaintsCommittee
	v.texts("complaintsCommittee.name", cc.Name)
	v.texts("complaintsCommittee.howToApply", cc.HowToApply)
	v.texts("complaintsCommittee.term", cc.Term)
	// Optional, so a profile for e-mail only stays valid; the shipped profiles give both, and
	// letters by post need them (policy_test checks).
	if o.PostalAddress != nil {
		v.address("organisation.postalAddress", o.PostalAddress)
	}
	if o.VisitingAddress != nil {
		v.address("organisation.visitingAddress", o.VisitingAddress)
	}
	if o.Phone != "" && !phonePattern.MatchString(o.Phone) {
		v.add("organisation.phone", "not a phone number such as 088 0023200 or +31 88 002 3200 (got %q)", o.Phone)
	} else if n := digits(o.Phone); o.Phone != "" && (n < 8 || n > 15) {
		v.add("organisation.phone", "has %d digits; a phone number has 8 to 15", n)
	}
	if u, err := url.Parse(o.Website); err != nil || u.Scheme != "https" || u.Host == "" {
		v.add("organisation.website", "required: an absolute https:// URL (got %q)", o.Website)
	}
	v.email("organisation.senderEmail", o.SenderEmail)
	v.email("organisation.privacyOfficerEmail", o.PrivacyOfficerEmail)
	if len(o.StaffEmails) == 0 {
		v.add("organisation.staffEmails", "required: at least one address")
	}
	for i, e := range o.StaffEmails {
		f := fmt.Sprintf("organisation.staffEmails[%d]", i)
		v.email(f, e)
		if slices.Index(o.StaffEmails, e) < i {
			v.add(f, "duplicate address %q", e)
		}
	}

	p.validateTerms(&v)

	id := p.Identity
	if id.IDCopy != IDCopyNever && id.IDCopy != IDCopyAlways {
		v.add("identity.idCopy", "must be %q or %q (got %q)", IDCopyNever, IDCopyAlways, id.IDCopy)
	}
	// A copy is needed only until it is checked; a month is generous for that.
	v.between("identity.idCopyMaxDays", id.IDCopyMaxDays, 1, 31)
	// The reply term must end well inside the GDPR month, or the reminder comes too late to act.
	v.between("identity.replyDays", id.ReplyDays, 1, 21)
	// Without undue delay (EDPB 01/2022 §159): two working weeks at the most.
	v.between("identity.askWithinWorkingDays", id.AskWithinWorkingDays, 1, 10)

	ai := p.AccessInfo
	for _, f := range []struct {
		name string
		t    Text
	}{{"purposes", ai.Purposes}, {"categories", ai.Categories}, {"recipients", ai.Recipients},
		{"retention", ai.Retention}, {"source", ai.Source}, {"automatedDecisions", ai.AutomatedDecisions}} {
		v.answer("accessInfo."+f.name+".nl", "nl", f.t.NL)
		v.answer("accessInfo."+f.name+".en", "en", f.t.EN)
	}

	// A consultation longer than the GDPR month could never end before the answer is due.
	v.between("thirdParty.objectionDays", p.ThirdParty.ObjectionDays, 1, 30)

	l := p.Links
	v.between("links.staffDays", l.StaffDays, 1, 366)
	v.between("links.requesterDays", l.RequesterDays, 1, 366)
	// The result link exposes all of the requester's data: keep it short-lived.
	v.between("links.resultDays", l.ResultDays, 1, 31)
	v.between("links.thirdPartyDays", l.ThirdPartyDays, 1, 366)
	v.between("links.confirmDays", l.ConfirmDays, 1, 366)
	if l.ThirdPartyDays > 0 && l.ThirdPartyDays < p.ThirdParty.ObjectionDays {
		v.add("links.thirdPartyDays", "%d is shorter than thirdParty.objectionDays (%d): the link would expire before the term to object ends",
			l.ThirdPartyDays, p.ThirdParty.ObjectionDays)
	}
	if l.ConfirmDays > 0 && l.ConfirmDays < p.Reminders.UnconfirmedExpiryDays {
		v.add("links.confirmDays", "%d is shorter than reminders.unconfirmedExpiryDays (%d): the request would outlive its confirm link",
			l.ConfirmDays, p.Reminders.UnconfirmedExpiryDays)
	}

	r := p.Reminders
	v.between("reminders.staffWorkingDaysBefore", r.StaffWorkingDaysBefore, 1, 15)
	v.between("reminders.overdueRepeatDays", r.OverdueRepeatDays, 1, 30)
	v.between("reminders.unconfirmedExpiryDays", r.UnconfirmedExpiryDays, 1, 30)
	v.between("reminders.confirmReminderHours", r.ConfirmReminderHours, 1, 30*24)
	if r.UnconfirmedExpiryDays > 0 && r.ConfirmReminderHours >= r.UnconfirmedExpiryDays*24 {
		v.add("reminders.confirmReminderHours", "%d h is not before the request expires (reminders.unconfirmedExpiryDays = %d)",
			r.ConfirmReminderHours, r.UnconfirmedExpiryDays)
	}

	rt := p.Retention
	v.between("retention.caseRecordsMonths", rt.CaseRecordsMonths, 1, 120)
	v.between("retention.contractEndedYears", rt.ContractEndedYears, 0, 30)
	v.between("retention.purposeBoundYears", rt.PurposeBoundYears, 0, 30)
	v.text("retention.note", rt.Note)

	v.text("fees.note", p.Fees.Note)

	v.between("rateLimits.perIpPerHour", p.RateLimits.PerIPPerHour, 0, 10000)
	v.between("rateLimits.perEmailPerDay", p.RateLimits.PerEmailPerDay, 0, 10000)

	for i, t := range p.ExtendableTypes {
		f := fmt.Sprintf("extendableTypes[%d]", i)
		switch {
		case !slices.Contains(gdprTypes, t):
			// A complaint runs on the organisation's own procedure, where GDPR 12(3) does not apply.
			v.add(f, "%q is not a request type with a GDPR term that can be extended (want one of %s)", t, strings.Join(gdprTypes, ", "))
		case slices.Index(p.ExtendableTypes, t) < i:
			v.add(f, "duplicate type %q", t)
		}
	}

	p.validateCasework(&v)
	p.validateTeam(&v)

	known := fieldPaths()
	for _, k := range sortedKeys(p.Sources) {
		if !known[k] {
			v.add("_sources."+k, "names no profile field")
		}
		if strings.TrimSpace(p.Sources[k]) == "" {
			v.add("_sources."+k, "empty citation")
		}
	}

	return errors.Join(v.errs...)
}

// gdprTypes have the one-month ceiling of GDPR 12(3); an own term for them is only useful if
// it can end earlier than that month.
var gdprTypes = []string{Access, Rectification, Erasure, Objection, Restriction, Portability}

func (p *Profile) validateTerms(v *validator) {
	for _, k := range RequestTypes() {
		if _, ok := p.Terms[k]; !ok {
			v.add("terms."+k, `missing (use {} for "no own term")`)
		}
	}
	for _, k := range sortedKeys(p.Terms) {
		f := "terms." + k
		t := p.Terms[k]
		if !slices.Contains(RequestTypes(), k) {
			v.add(f, "unknown request type (want one of %s)", strings.Join(RequestTypes(), ", "))
			continue
		}
		if t.Days < 0 || t.Weeks < 0 || t.Months < 0 {
			v.add(f, "negative term %+v", t)
			continue
		}
		units := 0
		for _, n := range []int{t.Days, t.Weeks, t.Months} {
			if n != 0 {
				units++
			}
		}
		if units > 1 {
			v.add(f, "use exactly one unit (days, weeks or months), got %+v", t)
			continue
		}
		if slices.Contains(gdprTypes, k) {
			// The earlier date wins, so a term that can never end before the GDPR month is
			// pointless and, worse, a letter quoting it would promise more time than the law
			// allows. 30 days still ends before the month in every 31-day month; 31 never does.
			if t.Days > 30 || t.Weeks > 4 || t.Months > 1 {
				v.add(f, "%s is longer than the GDPR month (art. 12(3)), which always wins; the longest useful terms are 30 days, 4 weeks or 1 month", t)
			}
			continue
		}
		if t.IsZero() {
			v.add(f, "required: no GDPR ceiling applies, so without an own term there is no due date")
		} else if t.Days > 366 || t.Weeks > 52 || t.Months > 12 {
			v.add(f, "%s is longer than a year", t)
		}
	}
}

type validator struct{ errs []error }

func (v *validator) add(field, format string, args ...any) {
	v.errs = append(v.errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

// braces finds the tokens in a text, e.g. "{u}".
var braces = regexp.MustCompile(`\{[^{}]*\}`)

// answer checks one language of a GDPR 15(1) answer: text that may span lines, spoken to the
// reader ("u", "you") through the subject tokens only, never about "de betrokkene" (docs/rules.md
// §4: a representative reads the name of the person represented instead).
func (v *validator) answer(field, lang, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(field, "required")
		return
	}
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		v.add(field, "contains a control character")
	}
	for _, tok := range braces.FindAllString(s, -1) {
		if !slices.Contains(subjectTokens[lang], tok) {
			v.add(field, "unknown token %s (want one of %s)", tok, strings.Join(subjectTokens[lang], " "))
		}
	}
	third := map[string]string{"nl": "betrokkene", "en": "data subject"}[lang]
	if strings.Contains(strings.ToLower(s), third) {
		v.add(field, "speaks of %q: write to the reader with %s", third, strings.Join(subjectTokens[lang], " "))
	}
}

// texts checks a text the organisation supplies in both languages (docs/rules.md §4).
func (v *validator) texts(field string, t Text) {
	v.text(field+".nl", t.NL)
	v.text(field+".en", t.EN)
}

func (v *validator) text(field, s string) {
	switch {
	case strings.TrimSpace(s) == "":
		v.add(field, "required")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		// These strings end up in mail headers and letters; a newline would be header injection.
		v.add(field, "contains a control character")
	}
}

// address checks an address of 2 to 5 short lines whose last is a postcode and place.
func (v *validator) address(field string, lines []string) {
	if len(lines) < 2 || len(lines) > maxAddressLines {
		v.add(field, "must have 2 to %d lines, the last the postcode and place (got %d)", maxAddressLines, len(lines))
		return
	}
	for i, l := range lines {
		f := fmt.Sprintf("%s[%d]", field, i)
		v.text(f, l)
		if n := len([]rune(l)); n > maxAddressLine {
			v.add(f, "is %d characters; at most %d fit the window of an envelope", n, maxAddressLine)
		}
		if strings.TrimSpace(l) != l {
			v.add(f, "has leading or trailing spaces")
		}
	}
	if last := lines[len(lines)-1]; !postcodePattern.MatchString(last) {
		v.add(fmt.Sprintf("%s[%d]", field, len(lines)-1), "must be a postcode and place such as \"1200 AC Hilversum\" (got %q)", last)
	}
}

func (v *validator) email(field, s string) {
	if s == "" {
		v.add(field, "required")
		return
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		v.add(field, "not a plain e-mail address such as name@example.org (got %q)", s)
	}
}

func (v *validator) between(field string, n, lo, hi int) {
	if n < lo || n > hi {
		v.add(field, "must be between %d and %d (got %d)", lo, hi, n)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// fieldPaths lists every JSON path a _sources key may name: each struct field, each term key.
func fieldPaths() map[string]bool {
	paths := map[string]bool{}
	var walk func(prefix string, t reflect.Type)
	walk = func(prefix string, t reflect.Type) {
		for f := range t.Fields() {
			if f.Anonymous {
				walk(prefix, f.Type)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" || name == "_sources" {
				continue
			}
			p := prefix + name
			paths[p] = true
			if f.Type.Kind() == reflect.Struct {
				walk(p+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Profile]())
	for _, k := range RequestTypes() {
		paths["terms."+k] = true
	}
	return paths
}
