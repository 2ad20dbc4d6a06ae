package letter

import (
	"path/filepath"
	"testing"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/request"
)

// variants are letters whose words differ from the fixture's by one setting, each kept as a
// golden file beside the fixture's letters (testdata/golden/<profile>/<lang>/<name>): the
// rules of issue 23 that a reader checks in the letter itself.
var variants = []struct {
	profile, name string
	kind          Kind
	set           func(*Data)
}{
	// The requester has not answered a request for proof of identity within the reply term
	// (docs/rules.md §2): a reminder, which warns of the refusal.
	{"vallei-wonen", "id_requested-reminder", IDRequested, func(d *Data) {
		d.Reminder, d.AskedOn, d.Reason = true, civil.Date{Year: 2026, Month: 3, Day: 30}, ""
	}},
	// Asked after identity.askWithinWorkingDays: the clock runs on, and the letter states the
	// unchanged due date.
	{"vallei-wonen", "id_requested-clock-running", IDRequested, func(d *Data) { d.ClockSuspended = false }},
	// Restriction (GDPR 18) takes effect on receipt where accuracy is contested or an objection
	// is pending; portability (GDPR 20) covers the data the requester gave us.
	{"vallei-wonen", "receipt-restriction", Receipt, func(d *Data) { d.RequestType, d.ClockSuspended = request.Restriction, false }},
	{"vallei-wonen", "receipt-portability", Receipt, func(d *Data) { d.RequestType, d.ClockSuspended = request.Portability, false }},
	{"vallei-wonen", "staff_case-restriction", StaffCase, func(d *Data) { d.RequestType = request.Restriction }},
	{"de-alliantie", "correction_notice-restriction", CorrectionNotice, func(d *Data) {
		d.RequestType, d.Correction.Summary = request.Restriction, "De huurachterstand van maart 2026 gebruiken wij niet meer, tot wij die hebben gecontroleerd."
	}},
}

func TestGoldenVariants(t *testing.T) {
	t.Parallel()
	for _, v := range variants {
		for _, lang := range Languages() {
			t.Run(v.profile+"/"+lang+"/"+v.name, func(t *testing.T) {
				t.Parallel()
				d := loadFixture(t, v.profile).dataIn(t, v.kind, lang)
				v.set(&d)
				checkGolden(t, filepath.Join("testdata", "golden", v.profile, lang), v.name, mustRender(t, v.kind, lang, d))
			})
		}
	}
}
