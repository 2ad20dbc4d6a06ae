// Package outbox is the durable queue of letters: a letter is written in the same transaction
// as the state change that causes it, then published for sending, and marked sent exactly once.
package outbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"cloud.google.com/go/civil"

	"github.com/privacyloket/privacyloket/shared/letter"
	"github.com/privacyloket/privacyloket/shared/linktoken"
)

// Status is where a letter is in its delivery.
type Status string

const (
	Pending Status = "pending" // written, not yet sent
	Sending Status = "sending" // claimed by one sender until LeaseUntil
	Sent    Status = "sent"
	Failed  Status = "failed" // refused for good by the mail service; shown to staff
	// ToPost: a letter to a requester without e-mail, waiting on the desk to be printed; no
	// sender claims it. Posted: staff printed and posted it (at SentAt).
	ToPost Status = "to_post"
	Posted Status = "posted"
)

// Link is a signed link the letter carries. It is signed when the letter is rendered, so no
// token is ever stored.
type Link struct {
	Key      string           `json:"key"`      // the template's name for it: "confirm", "staff", ...
	Function string           `json:"function"` // the HTTP function it opens: "ConfirmRequest", ...
	Claims   linktoken.Claims `json:"claims"`
}

// Letter is one e-mail to one recipient.
type Letter struct {
	ID        string
	Reference string
	Kind      letter.Kind
	Lang      string
	To        string
	Data      letter.Data
	Links     []Link
	DueDate   civil.Date // stated in the letter (custom_args.dueDate); zero when none
	Status    Status
	Attempts  int
	CreatedAt time.Time
	SentAt    time.Time
	// LeaseUntil bounds a claim: a sender that dies mid-send frees the letter when it passes.
	LeaseUntil time.Time
	LastError  string
	// AttemptedAt is when a sender last claimed the letter.
	AttemptedAt time.Time
	// RetainUntil is the TTL safety net; the Tick deletes a case's letters with the case.
	RetainUntil time.Time
}

// ID derives a letter's id from what makes it unique: the case, the kind, the recipient and a
// discriminator (e.g. the due moment of a reminder). Creating the same letter twice then writes
// the same document, so a retried event or a second tick sends nothing twice. The hash is keyed
// (the pseudonym key, HMAC-SHA256): ids appear in logs, and whoever reads them must not be able
// to confirm a guessed address.
func ID(key []byte, reference string, kind letter.Kind, to, discriminator string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(reference + "\x00" + string(kind) + "\x00" + to + "\x00" + discriminator))
	return reference + "-" + string(kind) + "-" + hex.EncodeToString(m.Sum(nil)[:6])
}

// ReferenceOf returns the case a letter id made by ID belongs to, and "" for a letter of no
// case or an id ID did not make. A kind never holds a "-", so the reference is what precedes
// the last two.
func ReferenceOf(id string) string {
	i := strings.LastIndexByte(id, '-')
	if i <= 0 {
		return ""
	}
	j := strings.LastIndexByte(id[:i], '-')
	if j <= 0 || strings.ContainsRune(id[j+1:i], '-') {
		return ""
	}
	return id[:j]
}
