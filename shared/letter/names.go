package letter

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cloud.google.com/go/civil"
)

// Languages are the languages Render writes in: Dutch first.
var languages = []string{"nl", "en"}

// Languages returns the languages Render accepts.
func Languages() []string { return slices.Clone(languages) }

var monthNames = map[string][12]string{
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// FormatDate writes d as a reader expects it: "17 april 2026" (nl) or "17 April 2026" (en).
// A zero or invalid date gives "", an unknown language the ISO form.
func FormatDate(d civil.Date, lang string) string {
	if d.IsZero() || !d.IsValid() {
		return ""
	}
	months, ok := monthNames[lang]
	if !ok {
		return d.String()
	}
	return fmt.Sprintf("%d %s %d", d.Day, months[d.Month-1], d.Year)
}

// phrases maps a code (a request type, ground, capacity or status) to its wording per language.
type phrases map[string]map[string]string

func (p phrases) get(code, lang string) string { return p[code][lang] }

func (p phrases) known(code string) bool {
	_, ok := p[code]
	return ok
}

// groundNames fit after "De reden hiervoor is:" / "The reason for this is:".
var groundNames = phrases{
	"state_security": {
		"nl": "de veiligheid van de staat",
		"en": "national security",
	},
	"protection_of_rights": {
		"nl": "de bescherming van u of van de rechten en vrijheden van anderen",
		"en": "the protection of you or of the rights and freedoms of others",
	},
	"economic_interest": {
		"nl": "belangrijke economische of financiële belangen van de staat",
		"en": "important economic or financial interests of the state",
	},
	"crime_prevention": {
		"nl": "het voorkomen, opsporen of vervolgen van strafbare feiten",
		"en": "the prevention, detection or prosecution of criminal offences",
	},
	"manifestly_unfounded": {
		"nl": "het verzoek is duidelijk ongegrond (er is geen goede reden voor)",
		"en": "the request is manifestly unfounded (there is no good reason for it)",
	},
	"excessive": {
		"nl": "het verzoek is buitensporig, bijvoorbeeld omdat het steeds opnieuw wordt gedaan",
		"en": "the request is excessive, for example because it is made again and again",
	},
	"required_by_law": {
		"nl": "de wet of de overheid verplicht ons hiertoe",
		"en": "the law or the government requires us to do so",
	},
	"identity_not_established": {
		"nl": "wij konden niet vaststellen wie u bent",
		"en": "we could not establish who you are",
	},
}

// GroundName returns the plain-language name of a refusal ground (RULES.md §5), or "" for an
// unknown ground or language.
func GroundName(ground, lang string) string { return groundNames.get(ground, lang) }

// Grounds returns the refusal grounds GroundName knows, in the order of CONTRACT.md §3.
func Grounds() []string {
	return []string{"state_security", "protection_of_rights", "economic_interest", "crime_prevention",
		"manifestly_unfounded", "excessive", "required_by_law", "identity_not_established"}
}

// requestTypes words each request type four ways: its name ("inzage"), the full phrase for
// first mention ("verzoek om inzage"), the short noun for later mentions ("verzoek"), and one
// sentence that explains the term to someone who has never heard it.
var requestTypes = map[string]map[string][4]string{
	"access": {
		"nl": {"inzage", "verzoek om inzage", "verzoek",
			"Inzage betekent: u krijgt te zien welke persoonsgegevens wij over u hebben en wat wij daarmee doen."},
		"en": {"access", "request for access", "request",
			"Access means: you get to see which personal data we hold about you and what we do with it."},
	},
	"rectification": {
		"nl": {"correctie", "verzoek om correctie", "verzoek",
			"Correctie betekent: wij verbeteren of vullen gegevens over u aan die niet kloppen of niet compleet zijn."},
		"en": {"correction", "request for correction", "request",
			"Correction means: we correct or complete data about you that is wrong or incomplete."},
	},
	"erasure": {
		"nl": {"verwijdering", "verzoek om verwijdering", "verzoek",
			"Verwijdering betekent: wij wissen gegevens over u die wij niet (meer) mogen of hoeven te bewaren."},
		"en": {"erasure", "request for erasure", "request",
			"Erasure means: we delete data about you that we may not or need not keep (any longer)."},
	},
	"objection": {
		"nl": {"bezwaar", "bezwaar tegen het gebruik van persoonsgegevens", "bezwaar",
			"Bezwaar betekent: u vraagt ons om gegevens over u niet meer te gebruiken, omdat uw persoonlijke situatie dat vraagt."},
		"en": {"objection", "objection to the use of personal data", "objection",
			"Objection means: you ask us to stop using data about you because of your personal situation."},
	},
	"complaint": {
		"nl": {"klacht", "klacht over het gebruik van persoonsgegevens", "klacht",
			"U vindt dat wij niet goed omgaan met persoonsgegevens. Wij onderzoeken uw klacht."},
		"en": {"complaint", "complaint about the use of personal data", "complaint",
			"You think we do not handle personal data properly. We will look into your complaint."},
	},
}

// RequestTypes returns the request types letters know.
func RequestTypes() []string {
	return []string{"access", "rectification", "erasure", "objection", "complaint"}
}

func requestTypeWord(typ, lang string, i int) string { return requestTypes[typ][lang][i] }

var capacities = phrases{
	"parent":   {"nl": "ouder", "en": "parent"},
	"guardian": {"nl": "voogd", "en": "guardian"},
	"curator":  {"nl": "curator", "en": "court-appointed curator"},
	"mentor":   {"nl": "mentor", "en": "court-appointed mentor"},
	// "other" and "" name no capacity: the letter just says "legal representative".
	"other": {"nl": "", "en": ""},
	"":      {"nl": "", "en": ""},
}

var outcomes = []string{"granted", "partly_granted", "refused"}

// Outcomes returns the decision outcomes letters know.
func Outcomes() []string { return slices.Clone(outcomes) }

// statuses follow CONTRACT.md §3. An unknown status is shown as it is: staff read the codes
// on their case page too, and a reminder must not fail on a new status.
var statuses = phrases{
	"awaiting_confirmation": {"nl": "wacht op bevestiging van het e-mailadres", "en": "waiting for the e-mail address to be confirmed"},
	"awaiting_identity":     {"nl": "wacht op een identiteitsbewijs", "en": "waiting for proof of identity"},
	"in_progress":           {"nl": "in behandeling", "en": "in progress"},
	"awaiting_third_party":  {"nl": "wacht op de reactie van een derde", "en": "waiting for a third party to respond"},
	"decided":               {"nl": "besluit genomen", "en": "decided"},
	"closed":                {"nl": "afgesloten", "en": "closed"},
	"expired":               {"nl": "verlopen", "en": "expired"},
}

func statusName(status, lang string) string {
	if s := statuses.get(status, lang); s != "" {
		return s
	}
	return status
}

// count writes n with the singular or plural unit: "1 dag", "3 dagen".
func count(n int, lang, unit string) string {
	units := map[string]map[string][2]string{
		"nl": {"day": {"dag", "dagen"}, "week": {"week", "weken"}},
		"en": {"day": {"day", "days"}, "week": {"week", "weeks"}},
	}
	u := units[lang][unit]
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + u[0]
	}
	return strconv.Itoa(n) + " " + u[1]
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
