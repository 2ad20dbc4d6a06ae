package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
	"github.com/privacyloket/privacyloket/shared/testenv"
)

// The owners of de-alliantie's register (shared/policy/profiles/de-alliantie.json).
var alliantieOwners = map[string]string{
	"centrale-database":   "huuradministratie@de-alliantie.example",
	"woonruimteverdeling": "verhuur@de-alliantie.example",
	"onderhoud":           "onderhoud@de-alliantie.example",
	"overlast-woonfraude": "wijkbeheer@de-alliantie.example",
	"klantcontact":        "klantenservice@de-alliantie.example",
	"mijn-alliantie":      "digitaal@de-alliantie.example",
	"websitelogs":         "digitaal@de-alliantie.example",
	"privacyloket":        "privacy@de-alliantie.example",
}

// art19Stack is de-alliantie with its register, whose systems name, besides WoningNet (by
// e-mail), an organisation with a postal address only, one with no address, and one named by a
// system that holds nothing.
func art19Stack(t *testing.T, backend testenv.Backend) *testenv.Stack {
	t.Helper()
	return art19StackWith(t, testenv.Options{Backend: backend})
}

// art19StackWith is art19Stack with options o (its profile, casework and clock set).
func art19StackWith(t *testing.T, o testenv.Options) *testenv.Stack {
	t.Helper()
	o.Profile, o.Casework, o.Now = "de-alliantie", true, amsterdam("2026-03-27 10:00")
	s := testenv.NewStack(t, o)
	woningnet, _ := s.Profile.Recipient("WoningNet")
	name := func(n string) policy.Text { return policy.Text{NL: n, EN: n} }
	recipients := map[string][]policy.Recipient{
		"klantcontact":      {{Text: name("Gemeente Hilversum"), PostalAddress: []string{"Postbus 9900", "1201 GM Hilversum"}}},
		"onderhoud":         {{Text: name("Aannemer Bouw")}},
		"mijn-alliantie":    {woningnet},
		"centrale-database": {{Text: name("Incassobureau Noord"), Email: "incasso@noord.example"}},
	}
	systems := slices.Clone(s.Profile.Systems)
	for i := range systems {
		if r, ok := recipients[systems[i].ID]; ok {
			systems[i].Recipients = r
		}
	}
	s.Profile.Systems = systems
	if err := s.Profile.Validate(); err != nil {
		t.Fatal(err)
	}
	return s
}

// answerSearches answers every search task of c: held where answers says so, else nothing found.
func answerSearches(t *testing.T, s *testenv.Stack, c *request.Case, held string, answers ...string) {
	t.Helper()
	for _, sys := range c.Searches {
		a := app.SearchAnswer{Result: "nothing_found"}
		if slices.Contains(answers, sys.System) {
			a = app.SearchAnswer{Result: request.SearchResult(held), Note: "Inschrijving als woningzoekende."}
		}
		if _, err := s.App.Casework.AnswerSearch(ctx, app.TaskLink{Reference: c.Reference, Task: sys.ID, Holder: alliantieOwners[sys.System], Generation: c.LinkGeneration}, a); err != nil {
			t.Fatalf("%s: %v", sys.System, err)
		}
	}
}

// carryOut answers every open carry-out task of the case as done.
func carryOut(t *testing.T, s *testenv.Stack, ref string, backups string) {
	t.Helper()
	c, err := s.Store.Case(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range c.Searches {
		if task.Phase != request.PhaseCarryOut || task.State != request.TaskOpen {
			continue
		}
		l := app.TaskLink{Reference: ref, Task: task.ID, Holder: alliantieOwners[task.System], Generation: c.LinkGeneration}
		if _, err := s.App.Casework.AnswerSearch(ctx, l, app.SearchAnswer{Result: "done", Backups: backups}); err != nil {
			t.Fatalf("carry out %s: %v", task.System, err)
		}
	}
}

// An erasure searched: the systems that hold the data name their recipients, and the decide
// form lists them; staff confirm them by address or name (every bad field named at once,
// nothing stored), and when the carry-out tasks are answered each confirmed recipient gets one
// notice, by e-mail or by post from the desk, and the decision names who was informed.
func TestArt19NoticesFromTheRegister(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testArt19NoticesFromTheRegister)
}

func testArt19NoticesFromTheRegister(t *testing.T, backend testenv.Backend) {
	s := art19Stack(t, backend)
	sub := access("wis@tenant.test")
	sub.Type, sub.Details = "erasure", "Mijn inschrijving als woningzoekende; ik heb een huis."
	c := verify(t, s, submitConfirm(t, s, sub).Reference)
	answerSearches(t, s, c, "held", "woonruimteverdeling", "klantcontact", "onderhoud", "mijn-alliantie")

	v, err := s.App.Casework.StaffCase(ctx, c.Reference)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ key, email, post, systems string }
	var got []row
	for _, r := range v.Casework.Recipients {
		got = append(got, row{r.Key, r.Email, r.PostalAddress, strings.Join(r.Systems, ", ")})
	}
	want := []row{
		{"privacy@woningnet.example", "privacy@woningnet.example", "", "Woonruimteverdeling via WoningNet, Mijn Alliantie en de app"},
		{"Aannemer Bouw", "", "", "Onderhoud en reparaties"},
		{"Gemeente Hilversum", "", "Postbus 9900, 1201 GM Hilversum", "Klantcontact"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("recipients named:\n got %v\nwant %v (in register order; not the one of a system that holds nothing)", got, want)
	}

	before, _ := s.Store.Case(ctx, c.Reference)
	for _, tc := range []struct {
		in   app.StaffInput
		want string
	}{
		// A name the register does not know, a broken address, one without an address; no
		// summary for the notices; the unticked recipients without a word why.
		{app.StaffInput{Outcome: "granted", Recipients: []string{"WoningNet", "Onbekend B.V.", "niet@geldig", "Aannemer Bouw"}},
			"correctionSummary:required recipients:recipient_unknown recipientsNote:recipients_unconfirmed"},
		// "No one had the data" while the systems name recipients needs the note too.
		{app.StaffInput{Outcome: "granted", NoRecipients: true}, "recipientsNote:recipients_unconfirmed"},
	} {
		tc.in.Action = request.ActDecide
		_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, tc.in)
		if got := strings.Join(fields(t, err), " "); got != tc.want {
			t.Errorf("decide %+v: %s, want %s", tc.in, got, tc.want)
		}
	}
	if after, _ := s.Store.Case(ctx, c.Reference); after.Version != before.Version {
		t.Error("a refused decision changed the case")
	}

	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted", Motivation: "U staat niet meer ingeschreven.",
		Recipients:        []string{"PRIVACY@woningnet.example", "gemeente hilversum", "WoningNet"},
		CorrectionSummary: "De inschrijving als woningzoekende.", RecipientsNote: "Aannemer Bouw hebben wij op 30 maart gebeld."})
	if got := strings.Join(c.Decision.Recipients, " | "); got != "privacy@woningnet.example | Gemeente Hilversum" {
		t.Errorf("decision recipients %q: each once, by address or by the register's name", got)
	}
	s.Quiet(t)
	if n := s.Mail.Count("correction_notice", "", c.Reference) + s.Mail.Count("decision", "", c.Reference); n != 0 {
		t.Fatalf("%d notices or decisions before the carry-out tasks were answered", n)
	}
	s.Clock.Add(50 * time.Hour) // the owners erase the data in the days after
	carryOut(t, s, c.Reference, "included")
	dec := s.Mail.Await(t, "decision", "wis@tenant.test", c.Reference)
	mustContain(t, "decision", dec.Text, "Die hebben wij laten weten wat er is veranderd:\n- WoningNet (privacy@woningnet.example)\n- Gemeente Hilversum (Postbus 9900, 1201 GM Hilversum)",
		"Aannemer Bouw hebben wij op 30 maart gebeld.")
	n := s.Mail.Await(t, "correction_notice", "privacy@woningnet.example", c.Reference)
	mustContain(t, "notice", n.Text, "De inschrijving als woningzoekende.", "Carla Contract", "verwijderd")
	s.Quiet(t)
	if got := s.Mail.Count("correction_notice", "", c.Reference); got != 1 {
		t.Errorf("%d notices by e-mail, want 1 (WoningNet once)", got)
	}
	post, err := s.Store.LettersToPost(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var printed []string
	for _, l := range post {
		if l.Reference == c.Reference && l.Kind == letter.CorrectionNotice {
			p, err := s.App.Desk.PostLetter(ctx, l.ID)
			if err != nil {
				t.Fatal(err)
			}
			printed = append(printed, p.RecipientName+", "+p.RecipientAddress)
			mustContain(t, "notice by post", p.Text, "De inschrijving als woningzoekende.", "088 0023200")
		}
	}
	if got := strings.Join(printed, " | "); got != "Gemeente Hilversum, Postbus 9900, 1201 GM Hilversum" {
		t.Errorf("notices by post: %q, want one to Gemeente Hilversum at its address", got)
	}
}

// A restriction is carried out too: its notices wait for the carry-out tasks, and then go with
// the decision letter (GDPR 19 names restriction under 18 beside rectification and erasure).
func TestRestrictionNoticesAfterCarryOut(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testRestrictionNoticesAfterCarryOut)
}

func testRestrictionNoticesAfterCarryOut(t *testing.T, backend testenv.Backend) {
	s := art19Stack(t, backend)
	sub := access("beperk@tenant.test")
	sub.Type, sub.Reason = "restriction", "Mijn inschrijving klopt niet; gebruik die niet tot u het hebt nagekeken."
	c := verify(t, s, submitConfirm(t, s, sub).Reference)
	answerSearches(t, s, c, "restricted", "woonruimteverdeling")
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted", Motivation: "Wij kijken de inschrijving na.",
		Recipients: []string{"privacy@woningnet.example"}, CorrectionSummary: "De inschrijving gebruiken wij niet, tot wij die hebben nagekeken."})
	if c.OpenSearches(request.PhaseCarryOut) != 1 {
		t.Fatalf("%d carry-out tasks, want 1", c.OpenSearches(request.PhaseCarryOut))
	}
	s.Quiet(t)
	if n := s.Mail.Count("correction_notice", "", c.Reference); n != 0 {
		t.Fatal("the notice went before the restriction was carried out")
	}
	s.Clock.Add(26 * time.Hour) // the owner restricts the data the next day
	carryOut(t, s, c.Reference, "")
	s.Mail.Await(t, "decision", "beperk@tenant.test", c.Reference)
	n := s.Mail.Await(t, "correction_notice", "privacy@woningnet.example", c.Reference)
	mustContain(t, "restriction notice", n.Text, "het gebruik van een deel van die gegevens beperkt", "Hebt u vragen? Mail dan naar privacy@de-alliantie.example")
}

// A recipient is told of a change carried out: when the one system that gave it the data could
// not carry out the erasure, it gets no notice and the decision does not name it.
func TestNoNoticeWhereNothingWasChanged(t *testing.T) {
	t.Parallel()
	s := art19Stack(t, testenv.Memory)
	sub := access("niets@tenant.test")
	sub.Type, sub.Details = "erasure", "Mijn inschrijving als woningzoekende."
	c := verify(t, s, submitConfirm(t, s, sub).Reference)
	answerSearches(t, s, c, "held", "woonruimteverdeling")
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted", Motivation: "Wij wissen de inschrijving.",
		Recipients: []string{"privacy@woningnet.example"}, CorrectionSummary: "De inschrijving als woningzoekende."})
	s.Quiet(t)
	s.Clock.Add(50 * time.Hour) // the owner tries in the days after
	for _, task := range c.Searches {
		if task.Phase != request.PhaseCarryOut {
			continue
		}
		l := app.TaskLink{Reference: c.Reference, Task: task.ID, Holder: alliantieOwners[task.System], Generation: c.LinkGeneration}
		if _, err := s.App.Casework.AnswerSearch(ctx, l, app.SearchAnswer{Result: "not_possible", Note: "Het systeem van WoningNet laat geen wissen toe."}); err != nil {
			t.Fatalf("carry out %s: %v", task.System, err)
		}
	}
	dec := s.Mail.Await(t, "decision", "niets@tenant.test", c.Reference)
	if strings.Contains(dec.Text, "WoningNet (privacy@woningnet.example)") {
		t.Errorf("the decision names WoningNet as informed, though nothing was erased in what it received:\n%s", dec.Text)
	}
	mustContain(t, "decision", dec.Text, "Wij hebben WoningNet niets laten weten: in de gegevens die zij van ons kregen, kon niets worden veranderd.")
	s.Quiet(t)
	if got := s.Mail.Count("correction_notice", "", c.Reference); got != 0 {
		t.Errorf("%d notices, want none: nothing was changed in the system that gave WoningNet the data", got)
	}
}

// After the decision a carry-out task that no one answers is overdue as a carry-out (the letter
// says the requester waits for the decision, not that a grant is blocked), and staff waive it
// by the system's name, as the letter names it: then the decision goes.
func TestOverdueCarryOutIsWaivedBySystem(t *testing.T) {
	t.Parallel()
	s := art19Stack(t, testenv.Memory)
	sub := access("wacht@tenant.test")
	sub.Type, sub.Details = "erasure", "Mijn inschrijving als woningzoekende."
	c := verify(t, s, submitConfirm(t, s, sub).Reference)
	answerSearches(t, s, c, "held", "onderhoud")
	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "granted", Motivation: "Wij wissen de gegevens.",
		RecipientsNote: "Aannemer Bouw hebben wij gebeld.", CorrectionSummary: "De gegevens over het onderhoud."})
	var task request.SearchTask
	for _, x := range c.Searches {
		if x.Phase == request.PhaseCarryOut {
			task = x
		}
	}
	if task.ID == "" {
		t.Fatal("no carry-out task")
	}
	at := task.DueDate.AddDays(3).String() + " 09:00"
	s.Clock.Set(amsterdam(at))
	tick(t, s, at)
	m := s.Mail.Await(t, "search_overdue", "staff@corp.test", c.Reference)
	mustContain(t, "search_overdue", m.Text, "De uitvoering van de beslissing in", "krijgt de aanvrager de beslissing niet")
	if strings.Contains(m.Text, "kunt u het verzoek niet (gedeeltelijk) toewijzen") {
		t.Errorf("the overdue carry-out says a grant is blocked:\n%s", m.Text)
	}
	staffAct(t, s, c.Reference, app.StaffInput{Action: app.ActWaiveSearch, Reason: "De aannemer heeft de gegevens al gewist.", Search: app.SearchInput{System: "onderhoud"}})
	s.Mail.Await(t, "decision", "wacht@tenant.test", c.Reference)
}

// A named recipient the register gives no address (Aannemer Bouw) is confirmed by the address
// staff find for it (recipientAddresses, a field beside it on the decide form): no note is
// asked for it, every bad address is named at its own field at once and nothing is stored,
// the notice goes to that address, and the decision names the organisation with it. Under
// four eyes the draft keeps the address until approval.
func TestArt19AddressStaffGive(t *testing.T) {
	t.Parallel()
	testenv.EachBackend(t, testArt19AddressStaffGive)
}

func testArt19AddressStaffGive(t *testing.T, backend testenv.Backend) {
	s := art19StackWith(t, testenv.Options{Backend: backend, FourEyes: true})
	sub := access("adres@tenant.test")
	sub.Type, sub.Details = "erasure", "Mijn gegevens bij onderhoud en mijn inschrijving als woningzoekende."
	c := verify(t, s, submitConfirm(t, s, sub).Reference)
	answerSearches(t, s, c, "held", "woonruimteverdeling", "onderhoud")

	before, _ := s.Store.Case(ctx, c.Reference)
	for _, tc := range []struct {
		in   app.StaffInput
		want string
	}{
		// A plain address in the other recipients is not Aannemer Bouw's: it stays unconfirmed.
		{app.StaffInput{Recipients: []string{"privacy@woningnet.example", "info@aannemerbouw.example"}, CorrectionSummary: "Uw gegevens."},
			"recipientsNote:recipients_unconfirmed"},
		// Each bad address at its own field, at once; a wrong address is no reason to ask the
		// note too.
		{app.StaffInput{Recipients: []string{"privacy@woningnet.example"},
			RecipientAddresses: map[string]string{"Aannemer Bouw": "info@aannemerbouw", "Onbekend B.V.": "info@onbekend.example", "WoningNet": " "}},
			"correctionSummary:required recipientAddresses.Aannemer Bouw:email recipientAddresses.Onbekend B.V.:recipient_unknown"},
		// Typed as "Name <address>" among the other recipients, it confirms the organisation too.
		{app.StaffInput{Recipients: []string{"privacy@woningnet.example", "Aannemer Bouw <info@aannemerbouw.example>", "Onbekend B.V. <info@onbekend.example>"}},
			"correctionSummary:required recipients:recipient_unknown"},
		// "No one had the data" contradicts an address given.
		{app.StaffInput{NoRecipients: true, RecipientAddresses: map[string]string{"Aannemer Bouw": "info@aannemerbouw.example"}, CorrectionSummary: "Uw gegevens."},
			"noRecipients:invalid recipientsNote:recipients_unconfirmed"},
	} {
		tc.in.Action, tc.in.Outcome, tc.in.Ground = request.ActDecide, "partly_granted", "legal_obligation"
		tc.in.Motivation = "Uw inschrijving wissen wij; de huurgegevens moeten wij bewaren."
		_, err := s.App.Casework.StaffAct(ctx, c.Reference, staffLink, tc.in)
		if got := strings.Join(fields(t, err), " "); got != tc.want {
			t.Errorf("decide %+v: %s, want %s", tc.in, got, tc.want)
		}
	}
	if after, _ := s.Store.Case(ctx, c.Reference); after.Version != before.Version {
		t.Error("a refused decision changed the case")
	}

	c = staffAct(t, s, c.Reference, app.StaffInput{Action: request.ActDecide, Outcome: "partly_granted", Ground: "legal_obligation", Motivation: "Uw inschrijving wissen wij; de huurgegevens moeten wij bewaren.",
		Recipients: []string{"privacy@woningnet.example"}, RecipientAddresses: map[string]string{"aannemer bouw": " Info@AannemerBouw.example "},
		CorrectionSummary: "De inschrijving als woningzoekende en het telefoonnummer."})
	if c.Status != request.AwaitingApproval {
		t.Fatalf("status %s, want a draft awaiting approval", c.Status)
	}
	c = approveDraft(t, s, c)
	if got := strings.Join(c.Decision.Recipients, " | "); got != "privacy@woningnet.example | Aannemer Bouw <info@aannemerbouw.example>" {
		t.Errorf("decision recipients %q: the organisation with the address staff gave", got)
	}
	s.Quiet(t)
	s.Clock.Add(50 * time.Hour)
	carryOut(t, s, c.Reference, "included")
	dec := s.Mail.Await(t, "decision", "adres@tenant.test", c.Reference)
	mustContain(t, "decision", dec.Text, "- WoningNet (privacy@woningnet.example)\n- Aannemer Bouw (info@aannemerbouw.example)")
	n := s.Mail.Await(t, "correction_notice", "info@aannemerbouw.example", c.Reference)
	mustContain(t, "notice", n.Text, "De inschrijving als woningzoekende en het telefoonnummer.")
	s.Quiet(t)
	if got := s.Mail.Count("correction_notice", "", c.Reference); got != 2 {
		t.Errorf("%d notices, want 2 (WoningNet and Aannemer Bouw, once each)", got)
	}
}
