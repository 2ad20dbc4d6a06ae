package request

import "strings"

// LimitKeyEmail is the form of an e-mail address that a per-address limit counts: trimmed,
// lower-case, with a "+tag" dropped from the local part, so "Carla+1@Example.NL" and
// "carla@example.nl" share one counter.
func LimitKeyEmail(email string) string {
	e := strings.ToLower(strings.TrimSpace(email))
	at := strings.LastIndexByte(e, '@')
	if at < 0 {
		return e
	}
	local, domain := e[:at], e[at+1:]
	if plus := strings.IndexByte(local, '+'); plus > 0 {
		local = local[:plus]
	}
	return local + "@" + domain
}
