package request

import (
	"strings"

	"cloud.google.com/go/civil"
)

// PastConfirmMonths is how far back a receipt date may lie before staff must confirm it: a
// request received long ago is possible (a letter found late) but more often a typing error.
const PastConfirmMonths = 3

// Intake is a request that staff register at the desk: received by phone, by letter, at the
// counter or by plain e-mail (docs/contract.md §3 "The desk"). It has the form's fields, except that
// the e-mail address is optional when a postal address is given and there is no signature or
// declaration (the requester did not fill in our form).
type Intake struct {
	Submission
	Channel    string `json:"channel"`
	ReceivedOn string `json:"receivedOn"`
	// ConfirmPast: staff confirm a receipt date more than PastConfirmMonths ago.
	ConfirmPast bool `json:"confirmPast"`
	// ConfirmDuplicate: staff saw the open cases that look like the same person and go ahead.
	ConfirmDuplicate bool `json:"confirmDuplicate"`
}

// ValidatedIntake is an intake that passed validation.
type ValidatedIntake struct {
	*Validated
	Channel    Channel
	ReceivedOn civil.Date
}

// Validate checks the intake against the form's rules and its own, naming every problem at
// once. today is the day of registration in Europe/Amsterdam; pastLimit is the earliest
// receipt date accepted without ConfirmPast.
func (in Intake) Validate(today, pastLimit civil.Date) (*ValidatedIntake, []FieldError) {
	var errs []FieldError
	add := func(field, code string) { errs = append(errs, FieldError{Field: field, Code: code}) }
	out := &ValidatedIntake{Channel: Channel(strings.TrimSpace(in.Channel))}
	switch {
	case out.Channel == "":
		add("channel", "required")
	case !out.Channel.Valid() || out.Channel == ChannelWeb:
		add("channel", "channel")
	}
	received, ok := date(strings.TrimSpace(in.ReceivedOn), "receivedOn", today, add)
	if ok && received.Before(pastLimit) && !in.ConfirmPast {
		add("receivedOn", "confirm_past")
	}
	out.ReceivedOn = received

	sub := in.Submission
	// Staff register what the requester asked; the form's own confirmations do not apply.
	sub.Signature, sub.Declaration, sub.Website = "desk", true, ""
	postal := strings.TrimSpace(sub.Address) != ""
	noEmail := strings.TrimSpace(sub.Email) == ""
	day := today
	if ok {
		day = received // the under-16 rule is judged on the day of receipt
	}
	v, ferrs := sub.Validate(day)
	for _, e := range ferrs {
		if postal && e.Code == "required" && (e.Field == "email" && noEmail ||
			e.Field == "representative.email" && sub.Representative != nil && strings.TrimSpace(sub.Representative.Email) == "") {
			continue // a letter by post reaches them
		}
		if e.Field == "email" && e.Code == "required" {
			errs = append(errs, FieldError{Field: "email", Code: "email_or_address"})
			continue
		}
		errs = append(errs, e)
	}
	v.Signature, v.Bot = "", false
	out.Validated = v
	return out, errs
}
