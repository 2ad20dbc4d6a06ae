package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNames(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff([]string{"de-alliantie", "vallei-wonen"}, Names()); diff != "" {
		t.Errorf("Names() (-want +got):\n%s", diff)
	}
}

func TestEmbeddedProfilesLoadAndValidate(t *testing.T) {
	t.Parallel()
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(name)
			if err != nil {
				t.Fatalf("Load(%q): %v", name, err)
			}
			if got, want := p.ID, name; got != want {
				t.Errorf("ID = %q, want %q (the file name)", got, want)
			}
			if err := p.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			// Every setting that differs between organisations (docs/rules.md ⚙) must say where it
			// comes from, so a reviewer can check it against the seed.
			for _, field := range []string{
				"terms.access", "terms.rectification", "terms.erasure", "terms.objection", "terms.complaint",
				"terms.restriction", "terms.portability",
				"ownTermsRollForward", "identity.idCopy", "identity.suspendClock", "identity.askWithinWorkingDays",
				"thirdParty.objectionDays", "thirdParty.stateTermInLetter",
				"retention.caseRecordsMonths", "retention.contractEndedYears", "retention.purposeBoundYears",
				"fees.reasonableFee", "fees.note",
				"organisation.senderEmail", "organisation.staffEmails", "extendableTypes", "complaintsCommittee",
				"organisation.privacyOfficerName", "organisation.privacyOfficerPhone", "organisation.privacyOfficerAddress",
				"identity.replyDays", "decisions.motivateCorrections",
				"accessInfo.purposes", "accessInfo.categories", "accessInfo.recipients", "accessInfo.retention",
				"accessInfo.source", "accessInfo.automatedDecisions",
			} {
				if p.Sources[field] == "" {
					t.Errorf("_sources has no citation for %s", field)
				}
			}
		})
	}
}

// TestEmbeddedProfileSettings pins the values the seeds and docs/rules.md dictate, so a careless
// edit of a profile file fails here.
func TestEmbeddedProfileSettings(t *testing.T) {
	t.Parallel()
	type settings struct {
		Terms                                map[string]Term
		RollForward                          bool
		IDCopy                               string
		SuspendClock                         bool
		AskWithinWorkingDays                 int
		ObjectionDays                        int
		StateTerm                            bool
		ContractEndedYears, PurposeBoundYear int
		Fees                                 FeePolicy
		ExtendableTypes                      []string
	}
	tests := []struct {
		name string
		want settings
	}{
		{"vallei-wonen", settings{
			Terms: map[string]Term{
				Access: {Weeks: 4}, Rectification: {Days: 14}, Erasure: {Days: 14},
				Objection: {}, Complaint: {Weeks: 6}, Restriction: {}, Portability: {},
			},
			// Neither seed demands an ID copy from everyone (docs/rules.md §2; issue 10).
			IDCopy: IDCopyNever, SuspendClock: true, AskWithinWorkingDays: 5,
			ObjectionDays: 14, StateTerm: true,
			Fees: FeePolicy{},
			// V allows a delay only for access (docs/rules.md §3).
			ExtendableTypes: []string{Access},
		}},
		{"de-alliantie", settings{
			Terms: map[string]Term{
				Access: {Weeks: 4}, Rectification: {Weeks: 4}, Erasure: {Weeks: 4},
				Objection: {Weeks: 4}, Complaint: {Weeks: 6}, Restriction: {}, Portability: {},
			},
			IDCopy: IDCopyNever, SuspendClock: true, AskWithinWorkingDays: 5,
			ObjectionDays: 14, StateTerm: true,
			ContractEndedYears: 2, PurposeBoundYear: 5,
			Fees:            FeePolicy{},
			ExtendableTypes: []string{Access, Rectification, Erasure, Objection, Restriction, Portability},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(tt.name)
			if err != nil {
				t.Fatal(err)
			}
			got := settings{
				Terms: p.Terms, RollForward: p.OwnTermsRollForward,
				IDCopy: p.Identity.IDCopy, SuspendClock: p.Identity.SuspendClock, AskWithinWorkingDays: p.Identity.AskWithinWorkingDays,
				ObjectionDays: p.ThirdParty.ObjectionDays, StateTerm: p.ThirdParty.StateTermInLetter,
				ContractEndedYears: p.Retention.ContractEndedYears, PurposeBoundYear: p.Retention.PurposeBoundYears,
				Fees:            FeePolicy{ReasonableFee: p.Fees.ReasonableFee},
				ExtendableTypes: p.ExtendableTypes,
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
			for _, typ := range RequestTypes() {
				if got, want := p.Term(typ), tt.want.Terms[typ]; got != want {
					t.Errorf("Term(%q) = %v, want %v", typ, got, want)
				}
			}
		})
	}
}

func TestLoadPath(t *testing.T) {
	t.Parallel()
	want := &Profile{
		ID: "woonstichting-test",
		Organisation: Organisation{
			Name: "Woonstichting Test", LegalName: "Stichting Woonstichting Test",
			Website:     "https://woonstichting.example",
			SenderEmail: "privacy@woonstichting.example", SenderName: "Privacyloket Woonstichting Test",
			PrivacyOfficerEmail: "fg@woonstichting.example",
			PrivacyOfficerName:  Text{"de functionaris gegevensbescherming", "the data protection officer"},
			PrivacyOfficerPhone: "030 123 4567", PrivacyOfficerAddress: []string{"Postbus 1", "1234 AB Teststad"},
			StaffEmails:       []string{"a@woonstichting.example", "b@woonstichting.example"},
			ComplaintsContact: Text{"https://woonstichting.example/klachten", "https://woonstichting.example/klachten"},
		},
		ExtendableTypes: []string{Access, Rectification, Erasure, Objection, Restriction, Portability},
		Terms: map[string]Term{
			Access: {Days: 30}, Rectification: {Weeks: 2}, Erasure: {Months: 1}, Objection: {}, Complaint: {Weeks: 8},
			Restriction: {}, Portability: {},
		},
		OwnTermsRollForward: true,
		Identity:            IdentityPolicy{IDCopy: IDCopyNever, AskWithinWorkingDays: 5, IDCopyMaxDays: 7, ReplyDays: 10},
		ThirdParty:          ThirdPartyPolicy{ObjectionDays: 10},
		Links:               LinkPolicy{StaffDays: 7, RequesterDays: 95, ResultDays: 7, ThirdPartyDays: 10, ConfirmDays: 3},
		Reminders:           ReminderPolicy{StaffWorkingDaysBefore: 2, OverdueRepeatDays: 1, ConfirmReminderHours: 12, UnconfirmedExpiryDays: 3},
		Retention:           RetentionPolicy{CaseRecordsMonths: 6, ContractEndedYears: 1, PurposeBoundYears: 3, Note: "Test profile."},
		Fees:                FeePolicy{Note: "Test."},
		ComplaintsCommittee: ComplaintsCommittee{Name: Text{"de Klachtencommissie Test", "the Test complaints committee"},
			HowToApply: Text{"Test.", "Test."}, Term: Text{"Test.", "Test."}},
		AccessInfo: AccessInfo{Purposes: Text{"Test.", "Test."}, Categories: Text{"Test.", "Test."}, Recipients: Text{"Test.", "Test."},
			Retention: Text{"Test.", "Test."}, Source: Text{"Test.", "Test."}, AutomatedDecisions: Text{"Test.", "Test."}},
	}
	abs, err := filepath.Abs(filepath.Join("testdata", "custom.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"testdata/custom.json", "./testdata/custom.json", abs} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			got, err := Load(path)
			if err != nil {
				t.Fatalf("Load(%q): %v", path, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("profile (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		arg     string
		is      error
		mention string
	}{
		{"empty", "", ErrUnknownProfile, "empty"},
		{"unknown name", "woonbron", ErrUnknownProfile, "vallei-wonen"},
		{"missing file", "testdata/nope.json", os.ErrNotExist, "nope.json"},
		{"unknown field", "testdata/unknown_field.json", nil, `unknown field "sendrEmail"`},
		{"invalid profile", "testdata/bad.json", nil, "organisation.senderEmail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load(tt.arg)
			if err == nil {
				t.Fatalf("Load(%q) = %+v, want an error", tt.arg, p)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Load(%q) error %v, want errors.Is %v", tt.arg, err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("Load(%q) error %q does not mention %q", tt.arg, err, tt.mention)
			}
		})
	}
}

func TestParseRejectsTrailingData(t *testing.T) {
	t.Parallel()
	if _, err := Parse([]byte(`{"id":"a"} {"id":"b"}`)); err == nil {
		t.Error("Parse accepted two objects")
	}
}

// problems returns the fields of every *FieldError in err, sorted.
func problems(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v is not a joined error", err)
	}
	var fields []string
	for _, e := range joined.Unwrap() {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("problem %v is not a *FieldError", e)
		}
		fields = append(fields, fe.Field)
	}
	slices.Sort(fields)
	return fields
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "bad.json"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	err = p.Validate()
	want := []string{
		"_sources.fees.note",
		"_sources.organisation.fax",
		"complaintsCommittee.howToApply.en",
		"complaintsCommittee.howToApply.nl",
		"complaintsCommittee.name.en",
		"complaintsCommittee.name.nl",
		"complaintsCommittee.term.en",
		"complaintsCommittee.term.nl",
		"extendableTypes[1]",
		"extendableTypes[2]",
		"fees.note",
		"id",
		"identity.askWithinWorkingDays",
		"identity.idCopy",
		"identity.idCopyMaxDays",
		"identity.replyDays",
		"links.confirmDays",
		"links.requesterDays",
		"links.resultDays",
		"links.staffDays",
		"links.thirdPartyDays",
		"organisation.complaintsContact.nl",
		"organisation.legalName",
		"organisation.name",
		"organisation.privacyOfficerAddress",
		"organisation.privacyOfficerEmail",
		"organisation.privacyOfficerName.en",
		"organisation.privacyOfficerName.nl",
		"organisation.privacyOfficerPhone",
		"organisation.senderEmail",
		"organisation.senderName",
		"organisation.staffEmails[1]",
		"organisation.staffEmails[2]",
		"organisation.website",
		"rateLimits.perIpPerHour",
		"reminders.confirmReminderHours",
		"reminders.overdueRepeatDays",
		"reminders.staffWorkingDaysBefore",
		"retention.caseRecordsMonths",
		"retention.contractEndedYears",
		"retention.note",
		"terms.access",
		"terms.appeal",
		"terms.complaint",
		"terms.erasure",
		"terms.objection",
		"terms.portability",
		"terms.rectification",
		"terms.restriction",
		"thirdParty.objectionDays",
	}
	if diff := cmp.Diff(want, problems(t, err)); diff != "" {
		t.Errorf("problem fields (-want +got):\n%s\nfull error:\n%v", diff, err)
	}
}

// validProfile returns a fresh copy of the custom test profile to mutate.
func validProfile(t *testing.T) *Profile {
	t.Helper()
	p, err := Load("testdata/custom.json")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestValidateTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		typ  string
		term Term
		want []string // problem fields; nil means valid
	}{
		{"no own term for access", Access, Term{}, nil},
		{"30 days", Access, Term{Days: 30}, nil},
		{"31 days never beats the month", Access, Term{Days: 31}, []string{"terms.access"}},
		{"4 weeks", Rectification, Term{Weeks: 4}, nil},
		{"5 weeks", Rectification, Term{Weeks: 5}, []string{"terms.rectification"}},
		{"1 month", Erasure, Term{Months: 1}, nil},
		{"2 months", Erasure, Term{Months: 2}, []string{"terms.erasure"}},
		{"mixed units", Objection, Term{Weeks: 2, Days: 3}, []string{"terms.objection"}},
		{"negative", Objection, Term{Days: -14}, []string{"terms.objection"}},
		{"complaint needs a term", Complaint, Term{}, []string{"terms.complaint"}},
		{"complaint 3 months", Complaint, Term{Months: 3}, nil},
		{"complaint over a year", Complaint, Term{Weeks: 60}, []string{"terms.complaint"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := validProfile(t)
			p.Terms[tt.typ] = tt.term
			if diff := cmp.Diff(tt.want, problems(t, p.Validate())); diff != "" {
				t.Errorf("problem fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateEmails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		ok   bool
	}{
		{"privacy@corp.example", true},
		{"first.last+tag@sub.corp.nl", true},
		{"", false},
		{"privacy", false},
		{"privacy@corp", false},
		{"Privacy <privacy@corp.example>", false},
		{"privacy@corp.example\r\nBcc: x@evil.example", false},
		{" privacy@corp.example", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			t.Parallel()
			p := validProfile(t)
			p.Organisation.SenderEmail = tt.addr
			err := p.Validate()
			if got, want := err == nil, tt.ok; got != want {
				t.Errorf("Validate with senderEmail %q: err = %v, want ok = %v", tt.addr, err, want)
			}
		})
	}
}

func TestValidateNil(t *testing.T) {
	t.Parallel()
	var p *Profile
	if err := p.Validate(); err == nil {
		t.Error("nil profile validated")
	}
}

func TestTermText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		term   Term
		nl, en string
	}{
		{Term{}, "geen", "none"},
		{Term{Days: 1}, "1 dag", "1 day"},
		{Term{Days: 14}, "14 dagen", "14 days"},
		{Term{Weeks: 1}, "1 week", "1 week"},
		{Term{Weeks: 4}, "4 weken", "4 weeks"},
		{Term{Months: 1}, "1 maand", "1 month"},
		{Term{Months: 3}, "3 maanden", "3 months"},
	}
	for _, tt := range tests {
		t.Run(tt.en, func(t *testing.T) {
			t.Parallel()
			if got, want := tt.term.Text("nl"), tt.nl; got != want {
				t.Errorf("Text(nl) = %q, want %q", got, want)
			}
			if got, want := tt.term.Text("en"), tt.en; got != want {
				t.Errorf("Text(en) = %q, want %q", got, want)
			}
			if got, want := tt.term.String(), tt.en; got != want {
				t.Errorf("String() = %q, want %q", got, want)
			}
		})
	}
}

func TestRequestTypesIsACopy(t *testing.T) {
	t.Parallel()
	RequestTypes()[0] = "mutated"
	if got, want := RequestTypes()[0], Access; got != want {
		t.Errorf("RequestTypes()[0] = %q after mutating a returned slice, want %q", got, want)
	}
}

// The settings issue 10 added, pinned to their seeds: V motivates every correction decision,
// and each profile's GDPR 15(1) answers are written from its own regulation.
func TestEmbeddedProfileIssue10Settings(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		motivate bool
		words    []string
	}{
		// Issue 23 item 15: complete against the seeds, retention as periods or criteria.
		{"vallei-wonen", true, []string{"verhuren, beheren, onderhouden en verkopen", "niet voor commerciële doelen", "klantgedrag analyseren",
			"Opiumwet", "IP-adres", "gebruikersnaam", "Europese Economische Ruimte", "7 jaar"}},
		{"de-alliantie", false, []string{"de huur, de koop of het beheer", "klanttevredenheid", "vragen, klachten en meldingen", "IP-adres",
			"nieuwsbrief", "WoningNet", "uiterlijk 2 jaar", "uiterlijk 5 jaar", "een medewerker van de Alliantie controleert"}},
	} {
		p, err := Load(tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if p.Identity.IDCopy != IDCopyNever || p.Decisions.MotivateCorrections != tt.motivate || p.Identity.ReplyDays < 1 {
			t.Errorf("%s: idCopy %s motivate %v replyDays %d", tt.name, p.Identity.IDCopy, p.Decisions.MotivateCorrections, p.Identity.ReplyDays)
		}
		a := p.AccessInfo
		all := strings.Join([]string{a.Purposes.NL, a.Categories.NL, a.Recipients.NL, a.Retention.NL, a.Source.NL, a.AutomatedDecisions.NL}, " ")
		for _, w := range tt.words {
			if !strings.Contains(all, w) {
				t.Errorf("%s: accessInfo lacks %q", tt.name, w)
			}
		}
		for _, w := range []string{"zo lang als de wet voorschrijft", "betrokkene", "Er kijkt altijd een medewerker naar"} {
			if strings.Contains(all, w) {
				t.Errorf("%s: accessInfo says %q", tt.name, w)
			}
		}
	}
}

// Letters by post print the sender's postal address and tell requesters without a computer
// to call: every shipped profile gives both (issue 12, item 4).
func TestEmbeddedProfilesHavePostalContact(t *testing.T) {
	t.Parallel()
	for _, name := range Names() {
		p, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		o := p.Organisation
		if len(o.PostalAddress) < 2 || o.Phone == "" {
			t.Errorf("%s: postalAddress %q, phone %q: letters by post need both", name, o.PostalAddress, o.Phone)
		}
	}
	p, err := Load("de-alliantie")
	if err != nil {
		t.Fatal(err)
	}
	want := Organisation{PostalAddress: []string{"Postbus 105", "1200 AC Hilversum"}, Phone: "088 0023200",
		VisitingAddress: []string{"Jan van der Heijdenstraat 36", "1221 EJ Hilversum"}}
	got := Organisation{PostalAddress: p.Organisation.PostalAddress, Phone: p.Organisation.Phone, VisitingAddress: p.Organisation.VisitingAddress}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("de Alliantie's contact (-want +got):\n%s", diff)
	}
}

func TestValidatePostalContact(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(*Organisation)
		field string
	}{
		{"one line", func(o *Organisation) { o.PostalAddress = []string{"Postbus 105, 1200 AC Hilversum"} }, "organisation.postalAddress"},
		{"no postcode", func(o *Organisation) { o.PostalAddress = []string{"Postbus 105", "Hilversum"} }, "organisation.postalAddress[1]"},
		{"newline", func(o *Organisation) { o.PostalAddress = []string{"Postbus 105\nX", "1200 AC Hilversum"} }, "organisation.postalAddress[0]"},
		{"empty line", func(o *Organisation) { o.PostalAddress = []string{"", "1200 AC Hilversum"} }, "organisation.postalAddress[0]"},
		{"too long", func(o *Organisation) { o.PostalAddress = []string{strings.Repeat("x", 61), "1200 AC Hilversum"} }, "organisation.postalAddress[0]"},
		{"visiting", func(o *Organisation) { o.VisitingAddress = []string{"Straat 1"} }, "organisation.visitingAddress"},
		{"phone letters", func(o *Organisation) { o.Phone = "bel ons" }, "organisation.phone"},
		{"phone short", func(o *Organisation) { o.Phone = "112" }, "organisation.phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Load("de-alliantie")
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(&p.Organisation)
			err = p.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Errorf("Validate() = %v, want a problem with %s", err, tt.field)
			}
		})
	}
}

// The GDPR 15(1) answers speak to the reader: "u" to the data subject, the name of the person
// represented to a representative (issue 23, Language); a profile that speaks of "de
// betrokkene" or uses an unknown token does not load.
func TestAnswersSpeakToTheReader(t *testing.T) {
	t.Parallel()
	text := Text{NL: "De meeste gegevens heeft {u} zelf gegeven. {Uw} dossier.", EN: "{You} gave most of it. {your} file."}
	for _, tc := range []struct{ lang, subject, want string }{
		{"nl", "", "De meeste gegevens heeft u zelf gegeven. Uw dossier."},
		{"nl", "Yusuf el Amrani", "De meeste gegevens heeft Yusuf el Amrani zelf gegeven. Yusuf el Amrani's dossier."},
		{"nl", "Jan de Vries", "De meeste gegevens heeft Jan de Vries zelf gegeven. Jan de Vries' dossier."},
		{"nl", "Piet Pupil", "De meeste gegevens heeft Piet Pupil zelf gegeven. Piet Pupils dossier."},
		{"en", "", "You gave most of it. your file."},
		{"en", "Jan de Vries", "Jan de Vries gave most of it. Jan de Vries' file."},
	} {
		if got := text.For(tc.lang, tc.subject); got != tc.want {
			t.Errorf("For(%s, %q) = %q, want %q", tc.lang, tc.subject, got, tc.want)
		}
	}
	p, err := Load("vallei-wonen")
	if err != nil {
		t.Fatal(err)
	}
	p.AccessInfo.Source.NL = "De betrokkene gaf de gegevens, {jij}."
	p.AccessInfo.Source.EN = "The data subject gave them."
	got := problems(t, p.Validate())
	if want := []string{"accessInfo.source.en", "accessInfo.source.nl", "accessInfo.source.nl"}; !slices.Equal(got, want) {
		t.Errorf("problems %v, want %v", got, want)
	}
}

// A profile with placeholder values (letters print them) names each one; the functions refuse
// to start with it unless ALLOW_PLACEHOLDER_PROFILE (docs/contract.md §2, issue 23 item 16).
func TestPlaceholders(t *testing.T) {
	t.Parallel()
	v, err := Load("vallei-wonen")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"organisation.senderEmail (privacyloket@valleiwonen.example)",
		"organisation.privacyOfficerEmail (privacy@valleiwonen.example)",
		"organisation.staffEmails[0] (privacyteam@valleiwonen.example)",
		"organisation.postalAddress (Postbus 0000, 0000 XX Voorbeeldplaats)",
		"organisation.visitingAddress (Voorbeeldstraat 0, 0000 XX Voorbeeldplaats)",
		"organisation.privacyOfficerAddress (Postbus 0000, 0000 XX Voorbeeldplaats)",
		"organisation.phone (000 000 0000)",
		"organisation.privacyOfficerPhone (000 000 0000)",
	}
	// The register's owners and the organisation's domains are placeholders too (issue 21).
	var got []string
	for _, ph := range v.Placeholders() {
		if !strings.HasPrefix(ph, "systems[") && !strings.HasPrefix(ph, "organisationDomains[") {
			got = append(got, ph)
		} else if !strings.Contains(ph, ".example") {
			t.Errorf("placeholder %s is not on .example", ph)
		}
	}
	if !slices.ContainsFunc(v.Placeholders(), func(s string) bool { return strings.HasPrefix(s, "systems[0].owners[0] (") }) ||
		!slices.ContainsFunc(v.Placeholders(), func(s string) bool { return strings.HasPrefix(s, "organisationDomains[0] (") }) {
		t.Errorf("vallei-wonen placeholders name no system owner or organisation domain: %v", v.Placeholders())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vallei-wonen placeholders (-want +got):\n%s", diff)
	}
	if err := v.CheckPlaceholders(); err == nil || !strings.Contains(err.Error(), "ALLOW_PLACEHOLDER_PROFILE") || !strings.Contains(err.Error(), want[3]) {
		t.Errorf("CheckPlaceholders: %v", err)
	}
	a, err := Load("de-alliantie")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Placeholders(); !strings.HasPrefix(got[0], "organisation.senderEmail") || slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "postalAddress") || strings.Contains(s, "phone") }) {
		t.Errorf("de-alliantie placeholders: %v, want its .example addresses only (its address and phone are real, A §2)", got)
	}
	// WoningNet's address for the notices of GDPR 19 is a placeholder too.
	if !slices.Contains(a.Placeholders(), "systems[1].recipients[0].email (privacy@woningnet.example)") {
		t.Errorf("de-alliantie placeholders name no recipient's address: %v", a.Placeholders())
	}
	a.Organisation.SenderEmail, a.Organisation.PrivacyOfficerEmail = "privacyloket@de-alliantie.nl", "fg@de-alliantie.nl"
	a.Organisation.StaffEmails = []string{"privacy@de-alliantie.nl"}
	a.Systems = slices.Clone(a.Systems) // the loaded profile may share its slices
	for i := range a.Systems {
		a.Systems[i].Owners = []string{fmt.Sprintf("systeem%d@de-alliantie.nl", i)}
		if len(a.Systems[i].Recipients) > 0 {
			a.Systems[i].Recipients = []Recipient{{Text: Text{NL: "WoningNet", EN: "WoningNet"}, Email: "privacy@woningnet.nl",
				PostalAddress: []string{"Postbus 1", "1200 AA Hilversum"}}}
		}
	}
	a.OrganisationDomains = []string{"de-alliantie.nl"}
	if got := a.Placeholders(); len(got) != 0 || a.CheckPlaceholders() != nil {
		t.Errorf("a profile with real values: placeholders %v", got)
	}
	a.Systems[1].Recipients[0].PostalAddress = []string{"Postbus 0", "0000 XX Voorbeeldplaats"}
	if got := a.Placeholders(); !slices.Equal(got, []string{"systems[1].recipients[0].postalAddress (Postbus 0, 0000 XX Voorbeeldplaats)"}) {
		t.Errorf("a recipient's placeholder postal address: placeholders %v", got)
	}
}
