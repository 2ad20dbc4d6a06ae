package app_test

import (
	"regexp"
	"testing"

	"github.com/privacyloket/privacyloket/shared/policy"
)

// The profile's GDPR 15(1) standard answers go into every access decision, also the one to a
// representative about the person they represent: they must not speak to the reader ("uw
// gegevens", "your data") but about the data subject.
func TestAccessInfoSpeaksAboutTheDataSubject(t *testing.T) {
	t.Parallel()
	second := map[string]*regexp.Regexp{
		"nl": regexp.MustCompile(`(?i)\b(u|uw|jij|je|jou|jouw)\b`),
		"en": regexp.MustCompile(`(?i)\b(you|your|yours|yourself)\b`),
	}
	for _, name := range policy.Names() {
		p, err := policy.Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a := p.AccessInfo
		for field, text := range map[string]policy.Text{"purposes": a.Purposes, "categories": a.Categories,
			"recipients": a.Recipients, "retention": a.Retention, "source": a.Source, "automatedDecisions": a.AutomatedDecisions} {
			for lang, re := range second {
				if w := re.FindString(text.In(lang)); w != "" {
					t.Errorf("%s accessInfo.%s (%s) speaks to the reader (%q): %s", name, field, lang, w, text.In(lang))
				}
			}
		}
	}
}
