package letter

import (
	"errors"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/privacyloket/privacyloket/shared/request"
)

// postOrg is each organisation's contact for letters by post, as its profile gives it.
var postOrg = map[string]Org{
	"vallei-wonen": {PostalAddress: "Postbus 0000, 0000 XX Voorbeeldplaats", Phone: "000 000 0000",
		VisitingAddress: "Voorbeeldstraat 0, 0000 XX Voorbeeldplaats"},
	"de-alliantie": {PostalAddress: "Postbus 105, 1200 AC Hilversum", Phone: "088 0023200",
		VisitingAddress: "Jan van der Heijdenstraat 36, 1221 EJ Hilversum"},
}

// byPost turns a fixture's letter into the same letter by post: no links, the contact of the
// organisation for people without a computer.
func byPost(d Data, profile string) Data {
	o := postOrg[profile]
	d.Org.PostalAddress, d.Org.Phone, d.Org.VisitingAddress = o.PostalAddress, o.Phone, o.VisitingAddress
	d.ByPost, d.Links, d.LinksExpire = true, nil, Data{}.LinksExpire
	if d.Correction != nil { // a notice of GDPR 19 by post goes to an organisation's postal address
		c := *d.Correction
		c.Recipient, c.RecipientAddress = "Gemeente Hilversum", "Postbus 9900, 1201 GM Hilversum"
		d.Correction = &c
	}
	if d.Reason != "" { // the fixture's reason, staff's words, is about an e-mail address
		d.Reason = "Wij twijfelen of het verzoek echt van u komt, omdat uw handtekening niet lijkt op die in ons dossier."
	}
	return d
}

// postVariants are the letters a requester by post can get, with the variants whose words
// differ by post: an access request's receipt (the data on paper), one while identity is
// awaited (a separate letter), and an access decision with its GDPR 15(1) information.
func postVariants(t *testing.T, profile, lang string) map[string]struct {
	kind Kind
	data Data
} {
	f := loadFixture(t, profile)
	out := map[string]struct {
		kind Kind
		data Data
	}{}
	for _, k := range Kinds() {
		if k.PostKind() {
			out[string(k)] = struct {
				kind Kind
				data Data
			}{k, byPost(f.dataIn(t, k, lang), profile)}
		}
	}
	r := byPost(f.dataIn(t, Receipt, lang), profile)
	r.RequestType = request.Access
	out["receipt-access"] = struct {
		kind Kind
		data Data
	}{Receipt, r}
	r.ClockSuspended = true
	out["receipt-access-suspended"] = struct {
		kind Kind
		data Data
	}{Receipt, r}
	d := byPost(f.dataIn(t, Decision, lang), profile)
	d.RequestType = request.Access
	d.Decision = &DecisionInfo{Outcome: request.Granted, AccessInfo: &AccessInfo{Purposes: "Verhuur.", Categories: "Naam en adres.",
		Recipients: "Niemand.", Retention: "Twee jaar.", Source: "Uzelf.", AutomatedDecisions: "Geen."}}
	w := byPost(f.dataIn(t, Withdrawn, lang), profile)
	w.Org.VisitingAddress = "" // an organisation that names no office to visit
	out["withdrawn-no-visiting-address"] = struct {
		kind Kind
		data Data
	}{Withdrawn, w}
	out["decision-access"] = struct {
		kind Kind
		data Data
	}{Decision, d}
	k := byPost(f.dataIn(t, Decision, lang), profile)
	k.RequestType = request.Complaint
	k.Decision = &DecisionInfo{Outcome: request.Refused, Motivation: "Wij deelden uw gegevens alleen met de aannemer die uw woning repareert."}
	out["decision-complaint"] = struct {
		kind Kind
		data Data
	}{Decision, k}
	return out
}

// computerWords are what a letter by post must never say: paper has no links, buttons or files.
var computerWords = regexp.MustCompile(`(?i)e-?mail|\bmail|link|download|upload|\bklik|click|readme|json|csv|browser`)

func TestGoldenByPost(t *testing.T) {
	t.Parallel()
	for _, p := range profiles {
		for _, lang := range Languages() {
			for name, v := range postVariants(t, p, lang) {
				t.Run(p+"/"+lang+"/"+name, func(t *testing.T) {
					t.Parallel()
					m := mustRender(t, v.kind, lang, v.data)
					checkGolden(t, filepath.Join("testdata", "golden", p, lang, "post"), name, m)
					for part, s := range map[string]string{"subject": m.Subject, "text": m.Text} {
						if w := computerWords.FindAllString(s, -1); w != nil {
							t.Errorf("%s of a letter by post says %q:\n%s", part, w, s)
						}
					}
					if !regexp.MustCompile(regexp.QuoteMeta(postOrg[p].Phone)).MatchString(m.Text) {
						t.Errorf("a letter by post does not give the phone number %s:\n%s", postOrg[p].Phone, m.Text)
					}
				})
			}
		}
	}
}

func TestByPostOnlyToRequesters(t *testing.T) {
	t.Parallel()
	f := loadFixture(t, "de-alliantie")
	for _, k := range Kinds() {
		if k.PostKind() {
			continue
		}
		d := f.data(t, k)
		d.ByPost = true
		d.Org.PostalAddress = "Postbus 105, 1200 AC Hilversum"
		if _, err := Render(k, "nl", d); !errors.Is(err, ErrInvalidData) {
			t.Errorf("Render(%s, ByPost) = %v, want ErrInvalidData", k, err)
		}
	}
	d := byPost(f.data(t, Receipt), "de-alliantie")
	d.Org.PostalAddress = ""
	if _, err := Render(Receipt, "nl", d); !errors.Is(err, ErrInvalidData) {
		t.Errorf("Render(receipt, ByPost, no postal address) = %v, want ErrInvalidData", err)
	}
}
