package request

import "testing"

// Each word list holds distinct, valid values, and Valid refuses what is not in it.
func TestVocabulary(t *testing.T) {
	t.Parallel()
	check := func(name string, values []string, valid func(string) bool) {
		t.Helper()
		if len(values) == 0 {
			t.Errorf("%s: empty list", name)
		}
		seen := map[string]bool{}
		for _, v := range values {
			if v == "" || seen[v] || !valid(v) {
				t.Errorf("%s: %q is empty, repeated or not Valid", name, v)
			}
			seen[v] = true
		}
		for _, bad := range []string{"", "unknown", "Access", " granted"} {
			if valid(bad) {
				t.Errorf("%s: Valid(%q) = true", name, bad)
			}
		}
	}
	check("Type", Strings(Types), func(s string) bool { return Type(s).Valid() })
	check("Status", Strings(Statuses), func(s string) bool { return Status(s).Valid() })
	check("Outcome", Strings(Outcomes), func(s string) bool { return Outcome(s).Valid() })
	check("Ground", Strings(Grounds), func(s string) bool { return Ground(s).Valid() })
	check("DocumentType", Strings(DocumentTypes), func(s string) bool { return DocumentType(s).Valid() })
	check("IdentityOutcome", Strings(IdentityOutcomes), func(s string) bool { return IdentityOutcome(s).Valid() })
	check("Channel", Strings(Channels), func(s string) bool { return Channel(s).Valid() })
	check("VerificationMethod", Strings(VerificationMethods), func(s string) bool { return VerificationMethod(s).Valid() })
	check("Relation", Strings(Relations), func(s string) bool { return Relation(s).Valid() })
	check("Capacity", Strings(Capacities), func(s string) bool { return Capacity(s).Valid() })

	if !Refused.Limited() || !PartlyGranted.Limited() || Granted.Limited() {
		t.Error("Limited: want true for refused and partly granted only")
	}
	if got := Strings(Channels); got[0] != "web" || len(got) != 5 {
		t.Errorf("Channels = %v, want the five channels, web first", got)
	}
}

// A field error's message comes from the catalogue; an unknown code falls back to "invalid".
func TestFieldErrorMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ code, lang, want string }{
		{"required", "nl", "Vul dit veld in."},
		{"required", "en", "Please fill in this field."},
		{"no_such_code", "nl", "Deze waarde klopt niet."},
		{"result_file", "nl", "Dit bestand kunnen wij niet lezen. Stuur een geldig JSON- of CSV-bestand."},
		{"too_long", "de", "Deze tekst is te lang."},
	} {
		if got := (FieldError{Field: "x", Code: tc.code}).Message(tc.lang); got != tc.want {
			t.Errorf("Message(%q, %q) = %q, want %q", tc.code, tc.lang, got, tc.want)
		}
	}
}

// Grounds fit the types RULES §5 gives them: a rectification refused because the data is
// correct has its own ground, and none borrows a ground of another right; a complaint has none.
func TestGroundsByType(t *testing.T) {
	t.Parallel()
	general := []Ground{StateSecurity, ProtectionOfRights, EconomicInterest, CrimePrevention, CivilClaims,
		ManifestlyUnfounded, Excessive, IdentityNotEstablished, RepresentationNotProven}
	own := map[Type][]Ground{
		Access:        nil,
		Rectification: {Accurate},
		Erasure:       {NoErasureGround, LegalObligation, LegalClaims},
		Objection:     {RequiredByLaw, LegalClaims, CompellingGrounds},
		Restriction:   {NoRestrictionGround},
		Portability:   {NoPortabilityGround},
	}
	if got := GroundsFor(Complaint); len(got) != 0 {
		t.Errorf("GroundsFor(complaint) = %v, want none", got)
	}
	for typ, extra := range own {
		want := map[Ground]bool{}
		for _, g := range append(append([]Ground{}, general...), extra...) {
			want[g] = true
		}
		for _, g := range Grounds {
			if got := g.Fits(typ); got != want[g] {
				t.Errorf("%s.Fits(%s) = %v, want %v", g, typ, got, want[g])
			}
		}
		if got := len(GroundsFor(typ)); got != len(want) {
			t.Errorf("GroundsFor(%s) has %d grounds, want %d", typ, got, len(want))
		}
	}
	for _, g := range Grounds {
		if g.Fits(Complaint) {
			t.Errorf("%s fits a complaint", g)
		}
	}
	if !CivilClaims.Partial() || Accurate.Partial() {
		t.Error("Partial: only civil_claims limits a request without refusing it whole")
	}
}
