package letter

import (
	"path/filepath"
	"strings"
	"testing"

	"cloud.google.com/go/civil"
)

// An erasure decision that was carried out lists each system: erased (backups included), or
// kept with its ground and until when (docs/rules.md §7).
func TestGoldenDecisionCarriedOut(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			d := decisionData(t, lang, "erasure", "partly_granted", DecisionInfo{Motivation: "We must keep the rent payments for 7 years.",
				Ground: "legal_obligation", NoRecipients: true})
			d.Search = &SearchInfo{Systems: []SystemOutcome{
				{Name: "Dossiers over overlast", Result: "done", Backups: "included"},
				{Name: "Huuradministratie", Result: "done", Backups: "not_applicable", KeepGround: "legal_obligation", KeptUntil: civil.Date{Year: 2033, Month: 12, Day: 31}},
				{Name: "Website", Result: "not_possible", Note: "Het oude CMS is niet meer te openen."},
			}}
			m := mustRender(t, Decision, lang, d)
			checkGolden(t, filepath.Join("testdata", "golden", "decisions", lang), "erasure-partly_granted-carried-out", m)
			want := map[string]string{"nl": "ook uit de back-ups", "en": "from the backups too"}[lang]
			if !strings.Contains(m.Text, want) || !strings.Contains(m.Text, "2033") {
				t.Errorf("the decision does not list the systems:\n%s", m.Text)
			}
		})
	}
}

// An access decision names each system searched with its retention and actual recipients.
func TestGoldenDecisionSearched(t *testing.T) {
	t.Parallel()
	for _, lang := range Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			d := decisionData(t, lang, "access", "granted", DecisionInfo{})
			d.Search = &SearchInfo{Searched: []SystemInfo{
				{Name: "Huuradministratie", Retention: "Financiële stukken 7 jaar."},
				{Name: "Woonruimteverdeling via WoningNet", Retention: "Uiterlijk 5 jaar.", Recipients: []string{"WoningNet", "Gemeente Hilversum"}},
				{Name: "Website", Retention: "Logbestanden 3 maanden.", NotSearched: "De bezoeker logt niet in; de logs noemen geen namen."},
			}}
			m := mustRender(t, Decision, lang, d)
			checkGolden(t, filepath.Join("testdata", "golden", "decisions", lang), "access-granted-searched", m)
			if !strings.Contains(m.Text, "WoningNet, Gemeente Hilversum") || !strings.Contains(m.Text, "De bezoeker logt niet in") {
				t.Errorf("the decision does not name the recipients:\n%s", m.Text)
			}
		})
	}
}
