package web

import (
	"fmt"
	"strings"

	"github.com/privacyloket/privacyloket/shared/app"
	"github.com/privacyloket/privacyloket/shared/request"
)

// NamedRecipients are, on the decide form of a rectification, erasure or restriction, the
// organisations that the systems holding the data name as receiving it (GDPR 19): ticked, so that
// staff confirm them, or untick one and say why in the note. An organisation the register names
// without an address is listed without a box: staff inform it themselves and note it.
type NamedRecipients struct {
	Legend      string
	Checks      []Option // value: what confirms it in recipients (its e-mail address or name)
	Unreachable []string
}

// recipientsField is the decide form's recipients field f with the recipients the systems of v
// name above it; when they name none, f as it is.
func recipientsField(lang string, v *app.StaffView, f ActionField) ActionField {
	named := v.Casework.Recipients
	if len(named) == 0 {
		return f
	}
	f.Label = T(lang, "field.recipients.other")
	f.Named = &NamedRecipients{Legend: T(lang, "field.recipients.named")}
	for _, r := range named {
		label := r.Name
		switch {
		case r.Email != "":
			label += " — " + r.Email
		case r.PostalAddress != "":
			label += " — " + fmt.Sprintf(T(lang, "art19.by_post"), r.PostalAddress)
		}
		label += " (" + fmt.Sprintf(T(lang, "art19.named_by"), strings.Join(r.Systems, ", ")) + ")"
		if r.Reachable() {
			f.Named.Checks = append(f.Named.Checks, Option{Value: r.Key, Label: label})
		} else {
			f.Named.Unreachable = append(f.Named.Unreachable, label+": "+T(lang, "art19.no_address"))
		}
	}
	return f
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
