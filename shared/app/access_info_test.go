package app_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/privacyloket/privacyloket/shared/policy"
)

// The profile's GDPR 15(1) standard answers go into every access decision. They speak to the
// data subject as "u"/"you", never about "de betrokkene"; in the decision to a representative
// the person represented is named instead, so nothing there speaks to the reader as the data
// subject (issue 23, Language).
func TestAccessInfoSpeaksToTheReader(t *testing.T) {
	t.Parallel()
	second := map[string]*regexp.Regexp{
		"nl": regexp.MustCompile(`(?i)\b(u|uw|jij|je|jou|jouw)\b`),
		"en": regexp.MustCompile(`(?i)\b(you|your|yours|yourself)\b`),
	}
	third := map[string]string{"nl": "betrokkene", "en": "data subject"}
	for _, name := range policy.Names() {
		p, err := policy.Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a := p.AccessInfo
		for field, text := range map[string]policy.Text{"purposes": a.Purposes, "categories": a.Categories,
			"recipients": a.Recipients, "retention": a.Retention, "source": a.Source, "automatedDecisions": a.AutomatedDecisions} {
			for lang, re := range second {
				if s := text.For(lang, ""); strings.Contains(strings.ToLower(s), third[lang]) {
					t.Errorf("%s accessInfo.%s (%s) speaks of %q: %s", name, field, lang, third[lang], s)
				}
				if w := re.FindString(text.For(lang, "Yusuf el Amrani")); w != "" {
					t.Errorf("%s accessInfo.%s (%s) to a representative speaks to the reader (%q): %s", name, field, lang, w, text.For(lang, "Yusuf el Amrani"))
				}
			}
		}
	}
}
