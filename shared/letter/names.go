package letter

import (
	"slices"
	"strconv"
	"strings"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/i18n"
	"github.com/privacyloket/privacyloket/shared/request"
)

// The words letters are built from (names of request types, grounds, capacities, statuses,
// months and units) live in the catalogue, shared/i18n, under these keys:
//
//	mail.type.<type>.name|what|short|explain   mail.ground.<ground>   mail.capacity.<capacity>
//	mail.status.<status>   month.<1-12>   unit.<day|week>.<one|many>   mail.button_fallback
//	mail.via.<channel>

// Languages are the languages Render writes in: Dutch first.
var languages = i18n.Languages()

// Languages returns the languages Render accepts.
func Languages() []string { return slices.Clone(languages) }

// phrase returns the catalogue's text for key in lang, or "" when the language or key is
// unknown: a letter never shows a raw key.
func phrase(lang, key string) string {
	if !slices.Contains(languages, lang) {
		return ""
	}
	s, _ := i18n.Lookup(lang, key)
	return s
}

// FormatDate writes d as a reader expects it: "17 april 2026" (nl) or "17 April 2026" (en).
// A zero or invalid date gives "", an unknown language the ISO form.
func FormatDate(d civil.Date, lang string) string {
	if d.IsZero() || !d.IsValid() {
		return ""
	}
	if !slices.Contains(languages, lang) {
		return d.String()
	}
	return strconv.Itoa(d.Day) + " " + phrase(lang, "month."+strconv.Itoa(int(d.Month))) + " " + strconv.Itoa(d.Year)
}

// GroundName returns the plain-language name of a refusal ground (docs/rules.md §5), or "" for an
// unknown ground or language. The names fit after "De reden hiervoor is:" / "The reason for
// this is:".
func GroundName(ground request.Ground, lang string) string {
	if !ground.Valid() {
		return ""
	}
	return phrase(lang, "mail.ground."+string(ground))
}

// requestTypeWords are the five ways a letter words a request type: its name ("inzage"), the
// full phrase for first mention ("verzoek om inzage"), the short noun for later mentions
// ("verzoek"), one sentence that explains the term to someone who has never heard it, and that
// sentence as a representative reads it (about the person they represent, docs/rules.md §1).
var requestTypeWords = [5]string{"name", "what", "short", "explain", "explain_rep"}

func requestTypeWord(typ request.Type, lang string, i int) string {
	if !typ.Valid() {
		return ""
	}
	return phrase(lang, "mail.type."+string(typ)+"."+requestTypeWords[i])
}

// capacityName names a representative's capacity. "other" and "" name no capacity: the letter
// just says "legal representative".
func capacityName(c request.Capacity, lang string) string {
	if c == request.CapacityOther || !c.Valid() {
		return ""
	}
	return phrase(lang, "mail.capacity."+string(c))
}

// knownCapacity reports whether a letter can word c ("" included: no capacity given).
func knownCapacity(c request.Capacity) bool { return c == "" || c.Valid() }

// statusName words a status per docs/contract.md §3. An unknown status is shown as it is: staff
// read the codes on their case page too, and a reminder must not fail on a new status.
func statusName(status request.Status, lang string) string {
	if s := phrase(lang, "mail.status."+string(status)); status.Valid() && s != "" {
		return s
	}
	return string(status)
}

// count writes n with the singular or plural unit: "1 dag", "3 dagen".
func count(n int, lang, unit string) string {
	form := "many"
	if n == 1 || n == -1 {
		form = "one"
	}
	return strconv.Itoa(n) + " " + phrase(lang, "unit."+unit+"."+form)
}

// indefinite puts the indefinite article before a noun phrase: "een klacht", "an objection".
func indefinite(s, lang string) string {
	if lang == "nl" {
		return "een " + s
	}
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}
