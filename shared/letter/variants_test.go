package letter

import (
	"path/filepath"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// variants are letters whose words differ from the fixture's by one setting, each kept as a
// golden file beside the fixture's letters (testdata/golden/<profile>/<lang>/<name>): the
// rules of issue 23 that a reader checks in the letter itself.
var variants = []struct {
	profile, name string
	kind          Kind
	set           func(d *Data, lang string)
}{
	// The requester has not answered a request for proof of identity within the reply term
	// (docs/rules.md §2): a reminder, which warns of the refusal.
	{"vallei-wonen", "id_requested-reminder", IDRequested, func(d *Data, _ string) {
		d.Reminder, d.AskedOn, d.Reason = true, civil.Date{Year: 2026, Month: 3, Day: 30}, ""
	}},
	// Asked after identity.askWithinWorkingDays: the clock runs on, and the letter states the
	// unchanged due date.
	{"vallei-wonen", "id_requested-clock-running", IDRequested, func(d *Data, _ string) { d.ClockSuspended = false }},
	// "We deleted your ID copy" only when a copy was held (issue 23, Language).
	{"vallei-wonen", "identity_confirmed-copy-deleted", IdentityConfirmed, func(d *Data, _ string) { d.CopyDeleted = true }},
	// Restriction (GDPR 18) takes effect on receipt where accuracy is contested or an objection
	// is pending; portability (GDPR 20) covers the data the requester gave us.
	{"vallei-wonen", "receipt-restriction", Receipt, func(d *Data, _ string) { d.RequestType, d.ClockSuspended = request.Restriction, false }},
	{"vallei-wonen", "receipt-portability", Receipt, func(d *Data, _ string) { d.RequestType, d.ClockSuspended = request.Portability, false }},
	{"vallei-wonen", "staff_case-restriction", StaffCase, func(d *Data, _ string) { d.RequestType = request.Restriction }},
	// The GDPR 15(1) answers as the shipped profiles give them, spoken to a representative about
	// the person represented (issue 23 item 15 and Language).
	{"de-alliantie", "decision-access-representative", Decision, func(d *Data, lang string) {
		d.RequestType = request.Access
		d.Decision = &DecisionInfo{Outcome: request.Granted, AccessInfo: profileAccessInfo(lang, "de-alliantie", d.Representative.SubjectName)}
	}},
	{"vallei-wonen", "decision-access-profile", Decision, func(d *Data, lang string) {
		d.Decision = &DecisionInfo{Outcome: request.Granted, AccessInfo: profileAccessInfo(lang, "vallei-wonen", "")}
	}},
	// A fee only for a further copy (GDPR 15(3)) or a manifestly unfounded or excessive request
	// (12(5)(a)), announced in the decision; every other request is free (issue 23 item 17).
	{"vallei-wonen", "decision-access-fee", Decision, func(d *Data, _ string) {
		d.Decision = &DecisionInfo{Outcome: request.Granted, Fee: "5,00", FeeBasis: request.FeeFurtherCopy}
	}},
	{"de-alliantie", "correction_notice-restriction", CorrectionNotice, func(d *Data, _ string) {
		d.RequestType, d.Correction.Summary = request.Restriction, "De huurachterstand van maart 2026 gebruiken wij niet meer, tot wij die hebben gecontroleerd."
	}},
	// GDPR 19: the decision names each recipient informed, as the register names it with the
	// address its notice went to; or says no one had the data, with staff's note on the
	// recipients the systems name (docs/casework.md "Art. 19 notices").
	{"de-alliantie", "decision-erasure-recipients", Decision, func(d *Data, lang string) {
		d.RequestType = request.Erasure
		d.Decision = &DecisionInfo{Outcome: request.Granted, Motivation: map[string]string{"nl": "De inschrijving is niet meer nodig.", "en": "The registration is no longer needed."}[lang],
			Recipients: []string{"WoningNet (privacy@woningnet.nl)", "Gemeente Hilversum (Postbus 9900, 1201 GM Hilversum)", "incasso@bureau.nl"}}
	}},
	{"de-alliantie", "decision-erasure-no-recipients-noted", Decision, func(d *Data, lang string) {
		d.RequestType = request.Erasure
		d.Decision = &DecisionInfo{Outcome: request.Granted, Motivation: map[string]string{"nl": "De inschrijving is niet meer nodig.", "en": "The registration is no longer needed."}[lang],
			NoRecipients: true, RecipientsNote: map[string]string{"nl": "U stond nooit ingeschreven bij WoningNet.", "en": "You were never registered with WoningNet."}[lang]}
	}},
}

// profileAccessInfo is the shipped profile's GDPR 15(1) answer in lang, for subject ("" when the
// data subject reads it).
func profileAccessInfo(lang, profile, subject string) *AccessInfo {
	p, err := policy.Load(profile)
	if err != nil {
		panic(err)
	}
	a := p.AccessInfo
	return &AccessInfo{Purposes: a.Purposes.For(lang, subject), Categories: a.Categories.For(lang, subject), Recipients: a.Recipients.For(lang, subject),
		Retention: a.Retention.For(lang, subject), Source: a.Source.For(lang, subject), AutomatedDecisions: a.AutomatedDecisions.For(lang, subject)}
}

func TestGoldenVariants(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		for _, lang := range Languages() {
			t.Run(v.profile+"/"+lang+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				d := loadFixture(t, v.profile).dataIn(t, v.kind, lang)
				v.set(&d, lang)
				checkGolden(t, filepath.Join("testdata", "golden", v.profile, lang), v.name, mustRender(t, v.kind, lang, d))
			})
		}
	}
}
