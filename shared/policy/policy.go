// Package policy holds an organisation's policy profile: every setting docs/rules.md marks ⚙, loaded
// from an embedded profile or from a path to a JSON file, and validated as a whole.
//
// The embedded profiles are edited as JSON in profiles/ and compiled into Go (profiles_gen.go) by
// go generate, which reads and validates each one as Load reads a file: a cold start then builds
// its profile from a literal instead of decoding JSON. After editing a profile, run:
//
//	go generate ./shared/policy
package policy

//go:generate go run -tags policygen ./internal/gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/request"
)

// compiled holds a constructor per embedded profile name, each returning a fresh profile (the
// caller's to change). profiles_gen.go fills it; without that file (go generate builds with the
// policygen tag to leave it out) there are no embedded profiles.
var compiled map[string]func() *Profile

// ErrUnknownProfile is returned by Load for a name that is neither embedded nor a path.
var ErrUnknownProfile = errors.New("unknown policy profile")

// Request types as the profile's "terms" keys spell them (docs/rules.md §1): the words of
// shared/request, as plain strings.
const (
	Access        = string(request.Access)
	Rectification = string(request.Rectification)
	Erasure       = string(request.Erasure)
	Objection     = string(request.Objection)
	Complaint     = string(request.Complaint)
	Restriction   = string(request.Restriction)
	Portability   = string(request.Portability)
)

// Identity copy policies (IdentityPolicy.IDCopy).
const (
	IDCopyNever  = "never"
	IDCopyAlways = "always"
)

// RequestTypes returns every request type in form order. It returns a fresh slice so callers
// cannot change the list for everyone else.
func RequestTypes() []string { return request.Strings(request.Types) }

// Profile is one organisation's policy (docs/rules.md: every ⚙).
type Profile struct {
	ID           string       `json:"id"`
	Organisation Organisation `json:"organisation"`
	// Terms is the organisation's own term per request type; the keys are exactly the request
	// types. A zero Term means "no own term": only the GDPR month applies.
	Terms map[string]Term `json:"terms"`
	// OwnTermsRollForward: whether own terms, like the GDPR month, move off a weekend or holiday
	// to the next working day (docs/rules.md §3). The seeds say nothing, so the default is false.
	OwnTermsRollForward bool `json:"ownTermsRollForward"`
	// ExtendableTypes are the request types whose term may be extended once (GDPR 12(3)):
	// V allows a delay only for access, A for every type but a complaint (docs/rules.md §3).
	ExtendableTypes []string         `json:"extendableTypes"`
	Identity        IdentityPolicy   `json:"identity"`
	ThirdParty      ThirdPartyPolicy `json:"thirdParty"`
	Links           LinkPolicy       `json:"links"`
	Reminders       ReminderPolicy   `json:"reminders"`
	Retention       RetentionPolicy  `json:"retention"`
	Fees            FeePolicy        `json:"fees"`
	RateLimits      RateLimits       `json:"rateLimits"`
	// ComplaintsCommittee is the klachtencommissie every toegelaten instelling has (Woningwet
	// art. 55b): complaint decisions name it as the first route (docs/rules.md §4).
	ComplaintsCommittee ComplaintsCommittee `json:"complaintsCommittee"`
	Decisions           DecisionPolicy      `json:"decisions"`
	Form                FormPolicy          `json:"form"`
	// AccessInfo is the organisation's standard answer to GDPR 15(1)(a)-(h), written from its
	// own regulation: every access package and access decision carries it (docs/rules.md §4).
	AccessInfo AccessInfo `json:"accessInfo"`
	// Casework: the register of systems, the organisation's domains and the internal margin
	// (systems.go), at the top level of the JSON.
	Casework
	// Team: the default handler of a new case and four eyes (team.go), at the top level of
	// the JSON.
	Team
	// Sources cites, per JSON field path (e.g. "terms.rectification"), where a value comes from:
	// a seed section, docs/rules.md, or "product default". JSON has no comments, and a value nobody
	// can trace back is a value nobody dares to change.
	Sources map[string]string `json:"_sources,omitempty"`
}

// Term is a period expressed in exactly one unit, counted per EU Regulation 1182/71.
type Term struct {
	Days   int `json:"days,omitempty"`
	Weeks  int `json:"weeks,omitempty"`
	Months int `json:"months,omitempty"`
}

// IsZero reports whether the term is unset ("no own term").
func (t Term) IsZero() bool { return t == Term{} }

// String renders the term in English, e.g. "4 weeks"; "none" for the zero term.
func (t Term) String() string { return t.Text("en") }

// Text renders the term for a letter in lang ("nl" or "en"; anything else is English), with
// the unit words from the catalogue (unit.day, unit.week, unit.month; unit.none).
func (t Term) Text(lang string) string {
	if lang != "nl" {
		lang = "en"
	}
	var parts []string
	for _, u := range []struct {
		n    int
		unit string
	}{{t.Months, "month"}, {t.Weeks, "week"}, {t.Days, "day"}} {
		if u.n == 0 {
			continue
		}
		form := "many"
		if u.n == 1 {
			form = "one"
		}
		parts = append(parts, fmt.Sprintf("%d %s", u.n, i18n.T(lang, "unit."+u.unit+"."+form)))
	}
	if len(parts) == 0 {
		return i18n.T(lang, "unit.none")
	}
	return strings.Join(parts, " + ")
}

// Organisation is who the letters come from and where staff mail goes.
type Organisation struct {
	Name      string `json:"name"`
	LegalName string `json:"legalName"`
	Website   string `json:"website"`
	// PostalAddress is where letters by post come from and where requesters write to, one
	// line per line of the envelope (e.g. "Postbus 105", "1200 AC Hilversum").
	PostalAddress []string `json:"postalAddress,omitempty"`
	// Phone is the number a requester without a computer calls; VisitingAddress (lines, may be
	// absent) is where they can come by, e.g. to show their proof of identity.
	Phone           string   `json:"phone,omitempty"`
	VisitingAddress []string `json:"visitingAddress,omitempty"`
	SenderEmail     string   `json:"senderEmail"` // From: of every letter
	SenderName      string   `json:"senderName"`
	// PrivacyOfficerEmail receives staff_overdue escalations. Every decision names the privacy
	// officer (the FG, GDPR 38(4)): PrivacyOfficerName (a name or the role), this address,
	// PrivacyOfficerPhone and PrivacyOfficerAddress (lines of an envelope), by e-mail and on paper.
	PrivacyOfficerEmail   string   `json:"privacyOfficerEmail"`
	PrivacyOfficerName    Text     `json:"privacyOfficerName"`
	PrivacyOfficerPhone   string   `json:"privacyOfficerPhone"`
	PrivacyOfficerAddress []string `json:"privacyOfficerAddress"`
	// StaffEmails receive staff_case links; STAFF_EMAILS overrides them.
	StaffEmails []string `json:"staffEmails"`
	// ComplaintsContact says where the organisation's own complaints procedure lives (text/URL).
	ComplaintsContact Text `json:"complaintsContact"`
}

// AddressLine is the address as one line, e.g. "Postbus 105, 1200 AC Hilversum".
func AddressLine(lines []string) string { return strings.Join(lines, ", ") }

// IdentityPolicy says how identity is established (docs/rules.md §2: least intrusive first).
type IdentityPolicy struct {
	// IDCopy is "never" (control of the e-mail address suffices unless staff doubt it; then
	// they request an ID copy) or "always" (every request needs a masked ID copy first).
	IDCopy string `json:"idCopy"`
	// SuspendClock stops the deadline while the organisation waits for proof of identity
	// (docs/rules.md §3, EDPB 01/2022 §159), once per case, and only when the proof is asked for
	// without undue delay: within AskWithinWorkingDays working days of receipt. A later request
	// leaves the due date as it is; a complaint's clock never stops.
	SuspendClock         bool `json:"suspendClock"`
	AskWithinWorkingDays int  `json:"askWithinWorkingDays"`
	// IDCopyMaxDays: an ID copy is deleted at the latest this many days after upload, checked
	// or not (EDPB 01/2022 §79: keep it only until it is checked).
	IDCopyMaxDays int `json:"idCopyMaxDays"`
	// ReplyDays: when the requester has not answered a request for proof of identity within
	// this many days, they get a reminder; when the term passes a second time, staff are
	// reminded and the desk shows the case as ready to refuse on identity_not_established.
	ReplyDays int `json:"replyDays"`
}

// ThirdPartyPolicy governs consulting a third party named in the file (docs/rules.md §3, §4).
type ThirdPartyPolicy struct {
	ObjectionDays     int  `json:"objectionDays"`
	StateTermInLetter bool `json:"stateTermInLetter"`
}

// LinkPolicy sets how long each kind of signed link stays valid, in days.
type LinkPolicy struct {
	StaffDays      int `json:"staffDays"`
	RequesterDays  int `json:"requesterDays"`
	ResultDays     int `json:"resultDays"`
	ThirdPartyDays int `json:"thirdPartyDays"`
	ConfirmDays    int `json:"confirmDays"`
}

// ReminderPolicy sets when the tick sends reminders and expires requests.
type ReminderPolicy struct {
	// StaffWorkingDaysBefore: a staff_reminder this many working days before the due date
	// (and one more on the last working day).
	StaffWorkingDaysBefore int `json:"staffWorkingDaysBefore"`
	// OverdueRepeatDays: staff_overdue is repeated every this many days while overdue.
	OverdueRepeatDays int `json:"overdueRepeatDays"`
	// ConfirmReminderHours: confirm_reminder this many hours after an unconfirmed submission.
	ConfirmReminderHours int `json:"confirmReminderHours"`
	// UnconfirmedExpiryDays: an unconfirmed request expires and is deleted after this many days.
	UnconfirmedExpiryDays int `json:"unconfirmedExpiryDays"`
}

// RetentionPolicy sets retention terms (docs/rules.md §6).
type RetentionPolicy struct {
	// CaseRecordsMonths: the product's own records (requests, letters, audit) are deleted or
	// anonymised this many months after a case closes.
	CaseRecordsMonths int `json:"caseRecordsMonths"`
	// ContractEndedYears and PurposeBoundYears are the organisation's general terms (A §4);
	// 0 means the organisation sets none beyond statutory terms (explained in Note).
	ContractEndedYears int    `json:"contractEndedYears"`
	PurposeBoundYears  int    `json:"purposeBoundYears"`
	Note               string `json:"note"`
}

// FeePolicy says what may be charged (docs/rules.md §4). Every request under GDPR 15-22 is free,
// and so is a complaint: a fee only for a manifestly unfounded or excessive request (GDPR
// 12(5)(a)) or a further copy of the data (15(3)), announced in the decision, and only where the
// organisation charges such fees at all (ReasonableFee). A fee clause for other services (V's
// "vergoedingen ... vooraf bekend") never touches these rights.
type FeePolicy struct {
	ReasonableFee bool   `json:"reasonableFee"`
	Note          string `json:"note"`
}

// RateLimits bound accepted submissions; 0 switches a limit off (docs/contract.md §2).
type RateLimits struct {
	PerIPPerHour   int `json:"perIpPerHour"`
	PerEmailPerDay int `json:"perEmailPerDay"`
}

// ComplaintsCommittee is how a tenant takes a complaint further than the organisation: its
// name, how to apply and the term, in both languages, as the complaint decision states them.
type ComplaintsCommittee struct {
	Name       Text `json:"name"`
	HowToApply Text `json:"howToApply"`
	Term       Text `json:"term"`
}

// FormPolicy shapes the public request form.
type FormPolicy struct {
	// AcceptsIDCopy: the form takes a masked ID copy. Off, it has no file field and a file sent
	// anyway is refused (400 idDocument): it invites copies nobody needs; a copy comes only when
	// staff ask for one with a reason (docs/rules.md §2). Both shipped profiles: off.
	AcceptsIDCopy bool `json:"acceptsIdCopy"`
}

// DecisionPolicy says what every decision must carry beyond the law's minimum.
type DecisionPolicy struct {
	// MotivateCorrections: every decision on a rectification or erasure is motivated, granted
	// included (V: "Iedere beslissing motiveren we").
	MotivateCorrections bool `json:"motivateCorrections"`
}

// Text is one text in both languages of the product.
type Text struct {
	NL string `json:"nl"`
	EN string `json:"en"`
}

// In returns the text in lang ("nl" or "en"; anything else is English).
func (t Text) In(lang string) string {
	if lang == "nl" {
		return t.NL
	}
	return t.EN
}

// Tokens a text that speaks about the data subject may hold (the GDPR 15(1) answers): to the
// subject they read "u"/"you", to a representative they name the person represented
// (docs/rules.md §1, §4). A text is written in the second person: "De meeste gegevens heeft {u}
// zelf aan ons gegeven", "{You} gave us most of the data".
var subjectTokens = map[string][]string{
	"nl": {"{u}", "{U}", "{uw}", "{Uw}"},
	"en": {"{you}", "{You}", "{your}", "{Your}"},
}

// For is the text in lang, spoken to the data subject, or, when subject (the name of the
// person represented) is not empty, to their representative about that person.
func (t Text) For(lang, subject string) string {
	s := t.In(lang)
	if lang != "nl" {
		lang = "en"
	}
	words := map[string][]string{"nl": {"u", "U", "uw", "Uw"}, "en": {"you", "You", "your", "Your"}}[lang]
	if subject != "" {
		own := possessive(lang, subject)
		words = []string{subject, subject, own, own}
	}
	pairs := make([]string, 0, 8)
	for i, tok := range subjectTokens[lang] {
		pairs = append(pairs, tok, words[i])
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// possessive writes a name's genitive: Dutch "Jans", "Anna's", "Klaas'"; English "Jan's",
// "Klaas'".
func possessive(lang, name string) string {
	last := strings.ToLower(name[len(name)-1:])
	switch {
	case strings.Contains("sxz", last) && (lang == "nl" || last == "s"):
		return name + "'"
	case lang == "nl" && strings.Contains("aiouy", last):
		return name + "'s"
	case lang == "nl":
		return name + "s"
	}
	return name + "'s"
}

// AccessInfo holds the standard answers of GDPR 15(1)(a)-(h) and 15(2). The rights to
// rectification, erasure, restriction and objection and the right to complain to the
// Autoriteit Persoonsgegevens are the same everywhere and are written by the product itself.
type AccessInfo struct {
	Purposes           Text `json:"purposes"`           // 15(1)(a)
	Categories         Text `json:"categories"`         // 15(1)(b)
	Recipients         Text `json:"recipients"`         // 15(1)(c), 15(2)
	Retention          Text `json:"retention"`          // 15(1)(d)
	Source             Text `json:"source"`             // 15(1)(g)
	AutomatedDecisions Text `json:"automatedDecisions"` // 15(1)(h)
}

// Term returns the organisation's own term for requestType; the zero Term when it has none.
func (p *Profile) Term(requestType string) Term {
	return p.Terms[requestType]
}

// Names returns the embedded profile names, sorted.
func Names() []string {
	return slices.Sorted(maps.Keys(compiled))
}

// Load returns the validated profile named nameOrPath: an embedded name ("vallei-wonen",
// "de-alliantie") or a path to a JSON file (recognised by a path separator or a .json
// suffix). An invalid profile is an error: nothing should run on a half-right policy. An
// embedded profile was read and validated by go generate (and TestGeneratedProfilesAreCurrent
// checks it is current), so it is built without decoding; each call returns a fresh copy.
func Load(nameOrPath string) (*Profile, error) {
	if nameOrPath == "" {
		return nil, fmt.Errorf("%w: empty name", ErrUnknownProfile)
	}
	if build, ok := compiled[nameOrPath]; ok {
		return build(), nil
	}
	if !strings.ContainsRune(nameOrPath, os.PathSeparator) && !strings.Contains(nameOrPath, "/") &&
		!strings.HasSuffix(nameOrPath, ".json") {
		return nil, fmt.Errorf("%w %q (embedded: %s; or give a path to a .json file)",
			ErrUnknownProfile, nameOrPath, strings.Join(Names(), ", "))
	}
	data, err := os.ReadFile(nameOrPath)
	if err != nil {
		return nil, fmt.Errorf("read policy profile: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("policy profile %q: %w", nameOrPath, err)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("policy profile %q is invalid:\n%w", nameOrPath, err)
	}
	return p, nil
}

// Parse decodes one profile without validating it. Unknown fields and trailing data are
// errors, so a misspelt setting cannot silently fall back to its zero value.
func Parse(data []byte) (*Profile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode: trailing data after the profile object")
	}
	return &p, nil
}
