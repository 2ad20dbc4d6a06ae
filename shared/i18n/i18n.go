// Package i18n is the one catalogue of text the product shows or sends: page texts, field
// errors, upload rejections and the phrases letters are built from. Translators edit JSON
// files, one per language (locales/nl.json, locales/en.json), each a flat map of key to text.
// Dutch comes first and is plain language (B1); English mirrors it key for key.
//
// The JSON is not read at run time: go generate ./shared/i18n compiles it into
// catalogue_gen.go, per language a table of key and text sorted by key and made only of string
// constants, which the compiler lays out as static data. A cold start pays nothing for it and
// a lookup is a binary search. A test fails when catalogue_gen.go no longer matches the JSON;
// the generator refuses invalid JSON and duplicate keys.
//
// Modelled on the verification server's internal/i18n
// (google/exposure-notifications-verification-server): one catalogue per language, looked up
// by key, where an unknown key shows as itself so that a missing text is visible instead of
// blank.
//
// Keys are dotted: "form.name", "err.token.heading", "fielderr.required", "mail.ground.excessive".
// Keys built at run time from a code ("type." + t) are listed in keys_test.go.
package i18n

//go:generate go run ./internal/gen

import (
	"fmt"
	"slices"
	"strings"
)

// Default is the language of the service: text in an unknown language is Dutch.
const Default = "nl"

// entry is one key of a language's table and its text; catalogue_gen.go holds the tables.
type entry struct{ key, text string }

// table returns lang's entries sorted by key, Dutch for an unsupported lang.
func table(lang string) []entry {
	if t := tables(lang); t != nil {
		return t
	}
	return tables(Default)
}

// Languages returns the catalogue's languages, Dutch first. The slice is the caller's.
func Languages() []string { return slices.Clone(languages) }

// Supported reports whether lang is exactly one of Languages.
func Supported(lang string) bool { return slices.Contains(languages, lang) }

// Match returns the catalogue language for a language tag: "en", "en-GB" or "EN" give "en";
// anything that is not English gives Dutch, the default.
func Match(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	if Supported(base) {
		return base
	}
	return Default
}

// T returns the text for key in lang. An unsupported lang gives Dutch; an unknown key gives
// the key itself, so a missing text shows up in a test or on a page instead of as a blank.
func T(lang, key string) string {
	if s, ok := Lookup(lang, key); ok {
		return s
	}
	return key
}

// Tf is T with fmt.Sprintf verbs in the text filled from args.
func Tf(lang, key string, args ...any) string { return fmt.Sprintf(T(lang, key), args...) }

// Lookup returns the text for key in lang (Dutch for an unsupported lang) and whether the
// catalogue has it.
func Lookup(lang, key string) (string, bool) {
	t := table(lang)
	i, ok := slices.BinarySearchFunc(t, key, func(e entry, key string) int { return strings.Compare(e.key, key) })
	if !ok {
		return "", false
	}
	return t[i].text, true
}

// Has reports whether the catalogue has a text for key.
func Has(key string) bool {
	_, ok := Lookup(Default, key)
	return ok
}

// Keys returns every key of lang's catalogue, sorted.
func Keys(lang string) []string {
	if !Supported(lang) {
		return nil
	}
	t := table(lang)
	keys := make([]string, len(t))
	for i, e := range t {
		keys[i] = e.key
	}
	return keys
}
