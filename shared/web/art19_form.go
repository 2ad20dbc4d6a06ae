package web

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// NamedRecipients are, on the decide form of a rectification, erasure or restriction, the
// organisations that the systems holding the data name as receiving it (GDPR 19): ticked, so that
// staff confirm them, or untick one and say why in the note. An organisation the register names
// without an address gets a field for the e-mail address staff find for it, which confirms it
// (app.AddressField); left empty, staff inform it themselves and note it.
type NamedRecipients struct {
	Legend    string
	Checks    []Check
	Addresses []AddressInput
}

// Check is the box of one recipient with an address: its value confirms it in recipients.
type Check struct {
	ID, Value, Label string
	Checked          bool
}

// AddressInput is the field of a recipient the register gives no address: where its notice goes.
type AddressInput struct {
	ID, Name, Label, Hint, Value, Error string
}

// Aria is the accessibility attributes of the field: its hint, and its error when refused.
func (in AddressInput) Aria() template.HTMLAttr { return aria(in.ID, true, in.Error != "") }

// recipientsField is the decide form's recipients field f with the recipients the systems of v
// name above it; when they name none, f as it is. A refusal is set at its input later
// (StaffPage.refuse).
func recipientsField(lang string, v *app.StaffView, f ActionField, form string) ActionField {
	named := v.Casework.Recipients
	if len(named) == 0 {
		return f
	}
	f.Label = T(lang, "field.recipients.other")
	f.Named = &NamedRecipients{Legend: T(lang, "field.recipients.named")}
	for _, r := range named {
		by := fmt.Sprintf(T(lang, "art19.named_by"), strings.Join(r.Systems, ", "))
		if !r.Reachable() {
			f.Named.Addresses = append(f.Named.Addresses, AddressInput{ID: fmt.Sprintf("%s-recipientAddresses-%d", form, len(f.Named.Addresses)),
				Name: app.AddressField(r.Key), Label: fmt.Sprintf(T(lang, "art19.address"), r.Name) + " (" + by + ")", Hint: T(lang, "art19.address.hint")})
			continue
		}
		label := r.Name
		switch {
		case r.Email != "":
			label += " — " + r.Email
		case r.PostalAddress != "":
			label += " — " + fmt.Sprintf(T(lang, "art19.by_post"), r.PostalAddress)
		}
		f.Named.Checks = append(f.Named.Checks, Check{ID: fmt.Sprintf("%s-recipients-%d", form, len(f.Named.Checks)), Value: r.Key,
			Label: label + " (" + by + ")", Checked: true})
	}
	return f
}

// keep shows on the boxes and fields what a refused post sent (values, by field name): a box
// ticked only when it was, each address as typed; and returns the other recipients typed,
// one per line, for the field below.
func (n *NamedRecipients) keep(values url.Values) string {
	posted := values["recipients"]
	for i := range n.Checks {
		n.Checks[i].Checked = slices.Contains(posted, n.Checks[i].Value)
	}
	for i := range n.Addresses {
		n.Addresses[i].Value = values.Get(n.Addresses[i].Name)
	}
	var other []string
	for _, v := range posted {
		if v = strings.TrimSpace(v); v != "" && !slices.ContainsFunc(n.Checks, func(c Check) bool { return c.Value == v }) {
			other = append(other, v)
		}
	}
	return strings.Join(other, "\n")
}

// RecipientJSON is one organisation the systems holding a case's data name, in a staff member's
// case JSON ("recipientsNamed"): key is what confirms it in decide's recipients.
type RecipientJSON struct {
	Key           string   `json:"key"`
	Name          string   `json:"name"`
	Email         string   `json:"email,omitempty"`
	PostalAddress string   `json:"postalAddress,omitempty"`
	Systems       []string `json:"systems"`
	Reachable     bool     `json:"reachable"`
}

// addNamedRecipients adds to a case JSON of a rectification, erasure or restriction the
// recipients its systems name (docs/contract.md "Where the product deviates").
func addNamedRecipients(out map[string]any, v *app.StaffView) {
	if !request.Corrects(v.Case.Type) {
		return
	}
	rows := make([]RecipientJSON, 0, len(v.Casework.Recipients))
	for _, r := range v.Casework.Recipients {
		rows = append(rows, RecipientJSON{Key: r.Key, Name: r.Name, Email: r.Email, PostalAddress: r.PostalAddress, Systems: r.Systems, Reachable: r.Reachable()})
	}
	out["recipientsNamed"] = rows
}
