package web

import "github.com/privacyloket/privacyloket/shared/i18n"

// T returns the page text for key in lang ("nl" or "en"; anything else is Dutch) from the
// catalogue (shared/i18n). An unknown key returns the key, so a missing translation shows up
// in tests instead of as an empty label.
func T(lang, key string) string { return i18n.T(lang, key) }

// Optional returns the text for key, or "" when there is none (for optional hints).
func Optional(lang, key string) string {
	if !i18n.Has(key) {
		return ""
	}
	return i18n.T(lang, key)
}
