package policy

import (
	"errors"
	"slices"
	"testing"
)

func TestShippedRegisters(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"vallei-wonen": {"huuradministratie", "dossiers-overlast", "dossiers-huurschuld", "website", "privacyloket"},
		"de-alliantie": {"centrale-database", "woonruimteverdeling", "onderhoud", "overlast-woonfraude", "klantcontact", "mijn-alliantie", "websitelogs", "privacyloket"},
	}
	for name, ids := range want {
		p, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range p.Systems {
			got = append(got, s.ID)
			for _, o := range s.Owners {
				if !p.InOrganisation(o) {
					t.Errorf("%s: owner %s of %s is not on organisationDomains", name, o, s.ID)
				}
			}
		}
		if !slices.Equal(got, ids) {
			t.Errorf("%s: systems = %v, want %v", name, got, ids)
		}
		po, _ := p.System(PrivacyloketSystem)
		if !po.IsOwner(p.Organisation.PrivacyOfficerEmail) {
			t.Errorf("%s: privacyloket is not answered by the privacy officer", name)
		}
		if len(p.SystemsFor("complaint")) != 0 {
			t.Errorf("%s: a complaint is searched", name)
		}
		if len(p.SystemsFor("access")) != len(ids) {
			t.Errorf("%s: not every system is searched for access", name)
		}
		for _, k := range []string{"systems", "organisationDomains", "internalMarginWorkingDays"} {
			if p.Sources[k] == "" {
				t.Errorf("%s: _sources has no citation for %s", name, k)
			}
		}
	}
	p, _ := Load("de-alliantie")
	if s, _ := p.System("woonruimteverdeling"); len(s.Recipients) != 1 || s.Recipients[0].NL != "WoningNet" || s.Recipients[0].Email != "privacy@woningnet.example" {
		t.Errorf("housing allocation names WoningNet, with its address for notices, as its recipient: %+v", s.Recipients)
	}
	if r, ok := p.Recipient(" woningnet "); !ok || r.Email != "privacy@woningnet.example" || r.Key() != "woningnet" {
		t.Errorf("Recipient by name: %+v %v", r, ok)
	}
	if _, ok := p.Recipient("Gemeente"); ok {
		t.Error("Recipient finds an organisation the register does not name")
	}
}

func TestRegisterValidation(t *testing.T) {
	t.Parallel()
	p, err := Load("vallei-wonen")
	if err != nil {
		t.Fatal(err)
	}
	good := p.Systems[0]
	bad := good
	bad.Owners = []string{"not-an-address", "not-an-address"}
	bad.Types = []string{"complaint", "access", "access"}
	bad.Name = Text{NL: "Huur"}
	bad.Recipients = []Recipient{{Text: Text{NL: "X"}}, {Text: Text{NL: "Y@Z", EN: "Y"}, Email: "nope", PostalAddress: []string{"Postbus 1"}},
		{Text: Text{NL: "WoningNet", EN: "WoningNet"}, Email: "a@woningnet.example"}}
	other := System{ID: "other", Recipients: []Recipient{{Text: Text{NL: "woningnet", EN: "WoningNet"}, Email: "b@woningnet.example"}}}
	p.Systems = append(p.Systems, bad, System{ID: "Bad ID"}, other)
	p.OrganisationDomains = []string{"Valleiwonen.NL", "ok.example", "ok.example"}
	p.InternalMarginWorkingDays = 40
	err = p.Validate()
	var fields []string
	for _, e := range unwrapAll(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			fields = append(fields, fe.Field)
		}
	}
	for _, f := range []string{
		"systems[5].id", "systems[5].name.en", "systems[5].owners[0]", "systems[5].owners[1]", "systems[5].types[0]",
		"systems[5].types[2]", "systems[5].recipients[0].en", "systems[6].id", "systems[6].owners", "systems[6].types",
		"systems[5].recipients[1].nl", "systems[5].recipients[1].email", "systems[5].recipients[1].postalAddress",
		"systems[7].recipients[0]", // the same organisation with another address
		"organisationDomains[0]", "organisationDomains[2]", "internalMarginWorkingDays",
	} {
		if !slices.Contains(fields, f) {
			t.Errorf("Validate does not name %s (named %v)", f, fields)
		}
	}

	p, _ = Load("vallei-wonen")
	p.Systems = slices.DeleteFunc(p.Systems, func(s System) bool { return s.ID == PrivacyloketSystem })
	if err := p.Validate(); err == nil {
		t.Error("a register without Privacyloket itself validates")
	}
	p.Systems = nil
	if err := p.Validate(); err != nil {
		t.Errorf("a profile without a register is invalid: %v", err)
	}
	if got := (Casework{}).InternalMargin(); got != DefaultInternalMargin {
		t.Errorf("default margin = %d", got)
	}
}

func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
