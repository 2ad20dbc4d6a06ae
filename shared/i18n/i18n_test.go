package i18n

import (
	"slices"
	"strings"
	"testing"
)

// Every key exists in every language, and no text is empty or only spaces.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	t.Parallel()
	all := map[string]bool{}
	for _, lang := range Languages() {
		for _, k := range Keys(lang) {
			all[k] = true
		}
	}
	if len(all) == 0 {
		t.Fatal("the catalogue is empty")
	}
	for k := range all {
		for _, lang := range Languages() {
			s, ok := Lookup(lang, k)
			switch {
			case !ok:
				t.Errorf("key %q has no %s text", k, lang)
			case strings.TrimSpace(s) == "":
				t.Errorf("key %q has an empty %s text", k, lang)
			case s != strings.TrimSpace(s):
				t.Errorf("key %q: %s text has leading or trailing space: %q", k, lang, s)
			}
		}
	}
}

// Verbs for Tf must match across languages, or one language would print %!d(MISSING).
func TestVerbsMatchAcrossLanguages(t *testing.T) {
	t.Parallel()
	verbs := func(s string) string {
		var out []string
		for i := 0; i < len(s)-1; i++ {
			if s[i] == '%' {
				out = append(out, s[i:i+2])
				i++
			}
		}
		return strings.Join(out, " ")
	}
	for _, k := range Keys(Default) {
		want := verbs(T(Default, k))
		for _, lang := range Languages() {
			if got := verbs(T(lang, k)); got != want {
				t.Errorf("key %q: %s has verbs %q, %s has %q", k, lang, got, Default, want)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ lang, key, want string }{
		{"nl", "form.name", "Volledige naam"},
		{"en", "form.name", "Full name"},
		{"de", "form.name", "Volledige naam"}, // unknown language: Dutch
		{"", "form.name", "Volledige naam"},
		{"en", "no.such.key", "no.such.key"}, // unknown key: the key itself
	} {
		if got := T(tc.lang, tc.key); got != tc.want {
			t.Errorf("T(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
	if !Has("form.name") || Has("no.such.key") {
		t.Error("Has does not match the catalogue")
	}
	if got, want := Tf("nl", "upload.reject.too_large", 10), "Het bestand is groter dan 10 MB."; !strings.HasPrefix(got, want) {
		t.Errorf("Tf = %q, want prefix %q", got, want)
	}
	for tag, want := range map[string]string{"en": "en", "en-GB": "en", "EN": "en", "nl": "nl", "nl-BE": "nl", "de": "nl", "": "nl"} {
		if got := Match(tag); got != want {
			t.Errorf("Match(%q) = %q, want %q", tag, got, want)
		}
	}
	if l := Languages(); l[0] != "nl" || !slices.Contains(l, "en") {
		t.Errorf("Languages() = %v, want Dutch first and English", l)
	}
}
