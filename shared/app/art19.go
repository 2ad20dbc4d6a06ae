package app

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/outbox"
	"github.com/privacyloket/privacyloket/shared/policy"
	"github.com/privacyloket/privacyloket/shared/request"
)

// Art. 19 notices (GDPR 19, docs/rules.md §4, docs/casework.md "Art. 19 notices"): after a
// rectification, erasure or restriction, each recipient of the data is told what was changed,
// unless that is impossible or disproportionate, and the requester is told who was. The systems
// that answered "held" or "restricted" in their search tasks name their recipients in the
// register; the decide form lists them ticked, staff confirm them (or untick them and say why in
// the note), and each confirmed one gets the correction notice when the decision letter goes:
// by e-mail, or by post from the desk for an organisation the register names with a postal
// address only.

// NamedRecipient is an organisation that a system holding a case's data names as receiving it.
type NamedRecipient struct {
	// Key confirms it in a decision's recipients: its e-mail address, else its name.
	Key   string
	Name  string // in staff's language
	Email string
	// PostalAddress (one line) is where its notice goes by post when it has no e-mail address.
	PostalAddress string
	// Systems are the systems that name it, in staff's language.
	Systems []string
	id      string // policy.Recipient.Key
}

// Reachable reports whether a notice can reach it (by e-mail or by post); one that is not is
// informed by staff as they can, and the note says how or why not.
func (r NamedRecipient) Reachable() bool { return r.Email != "" || r.PostalAddress != "" }

// informs reports whether a decision with outcome o on a case of type t informs the recipients.
func informs(t request.Type, o request.Outcome) bool {
	return request.Corrects(t) && (o == request.Granted || o == request.PartlyGranted)
}

// namedRecipients lists the register's recipients of each system that answered that it holds
// c's data, each once, in register order; none for a type that informs no one.
func (s *core) namedRecipients(c *request.Case) []NamedRecipient {
	if !request.Corrects(c.Type) {
		return nil
	}
	var out []NamedRecipient
	at := map[string]int{}
	for i := range c.Searches {
		t := &c.Searches[i]
		if t.Phase != request.PhaseSearch || t.State != request.TaskAnswered || !t.Result.Holds() || t.Name != "" {
			continue
		}
		sys, ok := s.d.Profile.System(t.System)
		if !ok {
			continue
		}
		for _, r := range sys.Recipients {
			j, seen := at[r.Key()]
			if !seen {
				j, at[r.Key()] = len(out), len(out)
				n := NamedRecipient{Key: r.NL, Name: r.In(staffLang), Email: strings.ToLower(r.Email), id: r.Key()}
				if n.Email != "" {
					n.Key = n.Email
				} else if r.PostalAddress != nil {
					n.PostalAddress = policy.AddressLine(r.PostalAddress)
				}
				out = append(out, n)
			}
			out[j].Systems = append(out[j].Systems, sys.Name.In(staffLang))
		}
	}
	return out
}

// notice is one recipient a decision's notice goes to: an organisation of the register, or an
// address staff typed (reg zero).
type notice struct {
	reg     policy.Recipient
	email   string // "" for a notice by post
	address string // by post: the postal address, one line
}

// key is what a decision stores for the notice: its e-mail address, else the register's name;
// for an organisation at an address staff gave it, "Name <address>", so that the notice and the
// decision still name the organisation when the decision is carried out.
func (n notice) key() string {
	switch {
	case n.email == "":
		return n.reg.NL
	case n.reg.NL != "" && !strings.EqualFold(n.reg.Email, n.email):
		return n.reg.NL + " <" + n.email + ">"
	}
	return n.email
}

// id is what makes two notices one: the organisation, else the address.
func (n notice) id() string {
	if n.reg.NL != "" {
		return n.reg.Key()
	}
	return n.email
}

// label is the notice's recipient as the requester reads it in lang.
func (n notice) label(lang string) string {
	to := n.email
	if to == "" {
		to = n.address
	}
	if n.reg.NL == "" {
		return to
	}
	return n.reg.In(lang) + " (" + to + ")"
}

// recipientEntries are in's recipients with the addresses staff gave organisations of the
// register (RecipientAddresses) as "Name <address>", in the order of the names; a blank
// address is no entry.
func (in StaffInput) recipientEntries() []string {
	out := slices.Clone(in.Recipients)
	for _, name := range slices.Sorted(maps.Keys(in.RecipientAddresses)) {
		if addr := strings.TrimSpace(in.RecipientAddresses[name]); addr != "" {
			out = append(out, strings.TrimSpace(name)+" <"+addr+">")
		}
	}
	return out
}

// nameAddr splits "Name <address>" into its name and address, or reports false.
func nameAddr(entry string) (name, addr string, ok bool) {
	i := strings.LastIndex(entry, "<")
	if i <= 0 || !strings.HasSuffix(entry, ">") {
		return "", "", false
	}
	name, addr = strings.TrimSpace(entry[:i]), strings.TrimSpace(entry[i+1:len(entry)-1])
	return name, addr, name != ""
}

// resolveRecipient reads one entry of a decision's recipients: an e-mail address, the name
// (nl or en) of an organisation of the register, which must have an address, or "Name
// <address>": an organisation of the register at an address staff give it (one the register
// names without an address). code says why it is none ("" when it is one).
func (s *core) resolveRecipient(entry string) (n notice, code string) {
	entry = strings.TrimSpace(entry)
	if name, addr, ok := nameAddr(entry); ok {
		return s.addressed(name, addr)
	}
	if strings.Contains(entry, "@") {
		if !validEmail(entry) {
			return notice{}, "email"
		}
		n.email = strings.ToLower(entry)
		n.reg, _ = s.recipientByEmail(n.email)
		return n, ""
	}
	r, ok := s.d.Profile.Recipient(entry)
	switch {
	case !ok:
		return notice{}, "recipient_unknown"
	case r.Email != "":
		return notice{reg: r, email: strings.ToLower(r.Email)}, ""
	case r.PostalAddress != nil:
		return notice{reg: r, address: policy.AddressLine(r.PostalAddress)}, ""
	}
	return notice{}, "recipient_no_address"
}

// addressed is the organisation of the register named name, told at the e-mail address addr.
func (s *core) addressed(name, addr string) (notice, string) {
	r, ok := s.d.Profile.Recipient(name)
	switch {
	case !ok:
		return notice{}, "recipient_unknown"
	case !validEmail(addr):
		return notice{}, "email"
	}
	return notice{reg: r, email: strings.ToLower(addr)}, ""
}

// recipientByEmail is the register's recipient with e-mail address addr, or false.
func (s *core) recipientByEmail(addr string) (policy.Recipient, bool) {
	for _, sys := range s.d.Profile.Systems {
		for _, r := range sys.Recipients {
			if r.Email != "" && strings.EqualFold(r.Email, addr) {
				return r, true
			}
		}
	}
	return policy.Recipient{}, false
}

// notices are the recipients of entries that resolve, each once: the first entry of an
// organisation decides where its notice goes.
func (s *core) notices(entries []string) []notice {
	var out []notice
	seen := map[string]bool{}
	for _, e := range entries {
		n, code := s.resolveRecipient(e)
		if code != "" || seen[n.id()] {
			continue
		}
		seen[n.id()] = true
		out = append(out, n)
	}
	return out
}

// confirmedRecipients is what a decision stores of staff's recipients: each once, by e-mail
// address, by the register's name for a notice by post, or as "Name <address>" at an address
// staff gave.
func (s *core) confirmedRecipients(entries []string) []string {
	var out []string
	for _, n := range s.notices(entries) {
		out = append(out, n.key())
	}
	return out
}

// AddressField is the field of a decision that gives the organisation of the register named
// name an address (StaffInput.RecipientAddresses): "recipientAddresses.<name>", as a form posts
// it and as a refusal names it.
func AddressField(name string) string { return "recipientAddresses." + name }

// validateRecipients checks a decision's recipients on case c: each is an e-mail address or an
// organisation of the register with an address, each address staff give an organisation is one
// (named in its own field); and a grant of a change confirms every recipient the systems
// holding the data name, unless the note says why not (informed otherwise, impossible,
// disproportionate, or this person's data never went there).
func (s *Casework) validateRecipients(c *request.Case, in StaffInput) []request.FieldError {
	if in.Action != request.ActDecide {
		return nil
	}
	var errs []request.FieldError
	named := map[string]bool{}
	for _, e := range in.Recipients {
		if _, code := s.resolveRecipient(e); code != "" && !named[code] {
			named[code] = true
			errs = append(errs, request.FieldError{Field: "recipients", Code: code})
		}
	}
	confirmed := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(in.RecipientAddresses)) {
		addr := strings.TrimSpace(in.RecipientAddresses[name])
		if addr == "" {
			continue
		}
		if _, code := s.addressed(name, addr); code != "" {
			errs = append(errs, request.FieldError{Field: AddressField(name), Code: code})
		}
		// An organisation given a wrong address is named at it, not again as unconfirmed.
		if r, ok := s.d.Profile.Recipient(name); ok {
			confirmed[r.Key()] = true
		}
	}
	if !informs(c.Type, in.Outcome) || strings.TrimSpace(in.RecipientsNote) != "" {
		return errs
	}
	for _, n := range s.notices(in.Recipients) {
		confirmed[n.reg.Key()] = true
	}
	for _, r := range s.namedRecipients(c) {
		if !confirmed[r.id] {
			return append(errs, request.FieldError{Field: "recipientsNote", Code: "recipients_unconfirmed"})
		}
	}
	return errs
}

// art19Letters writes the notices of c's decision d, one to each confirmed recipient, and
// returns them with the recipients as the decision letter names them in c's language, and the
// confirmed ones not told because nothing could be changed in what they received.
func (s *core) art19Letters(c *request.Case, d *request.Decision, now time.Time) (labels, unchanged []string, out []*outbox.Letter) {
	if !informs(c.Type, d.Outcome) {
		return nil, nil, nil
	}
	for _, r := range s.notices(d.Recipients) {
		if r.reg.NL != "" && s.changedNowhere(c, r.reg) {
			// No system that gave it the data changed anything: there is nothing to tell it,
			// and the decision says so.
			unchanged = append(unchanged, r.reg.In(c.Lang))
			continue
		}
		labels = append(labels, r.label(c.Lang))
		n := s.newLetter(c, letter.CorrectionNotice, r.email, "", now)
		if r.email == "" {
			// By post (docs/contract.md §3): printed at the desk, to the organisation's address.
			n = s.newLetter(c, letter.CorrectionNotice, "", r.reg.Key(), now)
			n.Data.ByPost = true
		}
		// Notices are in Dutch, to the organisation, about the person: never to the requester.
		n.Lang, n.Data.RecipientName, n.Data.Representative, n.Data.Org = "nl", "", nil, s.orgIn("nl")
		n.Data.Correction = &letter.CorrectionInfo{Summary: d.CorrectionSummary, SubjectName: c.Subject.Name}
		if n.Data.ByPost {
			n.Data.Correction.Recipient, n.Data.Correction.RecipientAddress = r.reg.NL, r.address
		}
		out = append(out, n)
	}
	return labels, unchanged, out
}

// changedNowhere reports whether every system of the register that names recipient reg and
// held c's data answered its carry-out task "not possible": GDPR 19 tells a recipient of a
// change carried out, and none was in the data it received. A system without a carry-out task
// (none was made, or it was waived) does not count as unchanged.
func (s *core) changedNowhere(c *request.Case, reg policy.Recipient) bool {
	naming := 0
	for i := range c.Searches {
		t := &c.Searches[i]
		if t.Phase != request.PhaseCarryOut || t.Name != "" {
			continue
		}
		sys, ok := s.d.Profile.System(t.System)
		if !ok || !slices.ContainsFunc(sys.Recipients, func(r policy.Recipient) bool { return r.Key() == reg.Key() }) {
			continue
		}
		if t.State != request.TaskAnswered || t.Result != request.ResultNotPossible {
			return false
		}
		naming++
	}
	return naming > 0
}
