// Package i18n is the one catalogue of text the product shows or sends: page texts, field
// errors, upload rejections and the phrases letters are built from. The texts live in embedded
// JSON files, one per language (locales/nl.json, locales/en.json), each a flat map of key to
// text. Dutch comes first and is plain language (B1); English mirrors it key for key.
//
// Modelled on the verification server's internal/i18n (google/exposure-notifications-
// verification-server): one embedded catalogue per language, looked up by key, where an
// unknown key shows as itself so that a missing text is visible instead of blank.
//
// Keys are dotted: "form.name", "err.token.heading", "fielderr.required", "mail.ground.excessive".
// Keys built at run time from a code ("type." + t) are listed in keys_test.go.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed locales/*.json
var files embed.FS

// Default is the language of the service: text in an unknown language is Dutch.
const Default = "nl"

// languages are the catalogue's languages, Dutch first.
var languages = []string{"nl", "en"}

// catalogue holds each language's table, parsed on its first lookup (sync.OnceValue) rather
// than at init: an instance's first answer parses only the language it answers in, and a
// function that never looks a text up parses nothing. A broken file panics on first use, which
// every test reaches.
var catalogue = func() map[string]func() map[string]string {
	out := map[string]func() map[string]string{}
	for _, lang := range languages {
		out[lang] = sync.OnceValue(func() map[string]string { return mustLoad(lang) })
	}
	return out
}()

// table returns lang's key-to-text table, Dutch for an unsupported lang.
func table(lang string) map[string]string {
	load, ok := catalogue[lang]
	if !ok {
		load = catalogue[Default]
	}
	return load()
}

func mustLoad(lang string) map[string]string {
	data, err := files.ReadFile("locales/" + lang + ".json")
	if err != nil {
		panic(fmt.Sprintf("i18n: read %s: %v", lang, err))
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		panic(fmt.Sprintf("i18n: parse locales/%s.json: %v", lang, err))
	}
	return m
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
	s, ok := table(lang)[key]
	return s, ok
}

// Has reports whether the catalogue has a text for key.
func Has(key string) bool {
	_, ok := table(Default)[key]
	return ok
}

// Keys returns every key of lang's catalogue, sorted.
func Keys(lang string) []string {
	if !Supported(lang) {
		return nil
	}
	m := table(lang)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
