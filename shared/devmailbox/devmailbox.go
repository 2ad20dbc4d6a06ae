// Package devmailbox is the local mailbox of scripts/dev: a stand-in for SendGrid's v3
// mail/send endpoint that keeps the letters in memory and shows them on a small page, so a
// person running the product locally can read every e-mail and follow its links.
package devmailbox

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultLimit is how many messages a Mailbox keeps when New is given no limit. A developer
// reads the last few letters; an unbounded list would grow for as long as scripts/dev runs.
const DefaultLimit = 500

// Message is one delivered e-mail: one personalization of one mail/send call, the way
// SendGrid turns each personalization into its own e-mail.
type Message struct {
	ID          string            `json:"id"`
	Received    time.Time         `json:"received"`
	From        string            `json:"from"`
	To          []string          `json:"to"`
	Cc          []string          `json:"cc,omitempty"`
	Bcc         []string          `json:"bcc,omitempty"`
	Subject     string            `json:"subject"`
	Categories  []string          `json:"categories"`
	CustomArgs  map[string]string `json:"customArgs"`
	Text        string            `json:"text"`
	HTML        string            `json:"html"`
	Attachments []Attachment      `json:"attachments,omitempty"`
}

// Attachment describes an attached file; the mailbox keeps its size, not its content.
type Attachment struct {
	Filename string `json:"filename"`
	Type     string `json:"type"`
	Size     int    `json:"size"`
}

// Kind is the letter kind (docs/contract.md §5): custom_args.letter, else the first category.
func (m Message) Kind() string {
	if k := m.CustomArgs["letter"]; k != "" {
		return k
	}
	if len(m.Categories) > 0 {
		return m.Categories[0]
	}
	return ""
}

// Mailbox is an http.Handler that accepts SendGrid v3 mail/send calls and shows what it got.
type Mailbox struct {
	limit int
	now   func() time.Time
	mux   *http.ServeMux

	mu      sync.Mutex
	msgs    []Message // oldest first
	seq     int
	arrived chan struct{} // closed and replaced whenever a message arrives
}

// New returns an empty mailbox that keeps the last limit messages (DefaultLimit if limit ≤ 0).
func New(limit int) *Mailbox {
	if limit <= 0 {
		limit = DefaultLimit
	}
	m := &Mailbox{limit: limit, now: time.Now, arrived: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v3/mail/send", m.send)
	mux.HandleFunc("GET /{$}", m.list)
	mux.HandleFunc("GET /m/{id}", m.show)
	mux.HandleFunc("GET /api/messages", m.api)
	m.mux = mux
	return m
}

// ServeHTTP implements http.Handler.
func (m *Mailbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

// Messages returns every kept message, newest first.
func (m *Mailbox) Messages() []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Message, len(m.msgs))
	for i, msg := range m.msgs {
		out[len(m.msgs)-1-i] = msg
	}
	return out
}

// Message returns the kept message with the given id.
func (m *Mailbox) Message(id string) (Message, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, msg := range m.msgs {
		if msg.ID == id {
			return msg, true
		}
	}
	return Message{}, false
}

// Wait returns the newest message that match accepts, waiting for one to arrive until ctx ends.
func (m *Mailbox) Wait(ctx context.Context, match func(Message) bool) (Message, error) {
	for {
		m.mu.Lock()
		arrived := m.arrived
		m.mu.Unlock()
		// Read the list after taking the channel, so a message that arrives in between
		// closes the channel we wait on.
		for _, msg := range m.Messages() {
			if match(msg) {
				return msg, nil
			}
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return Message{}, fmt.Errorf("devmailbox: no matching message: %w", ctx.Err())
		}
	}
}

func (m *Mailbox) add(msgs []Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, msg := range msgs {
		m.seq++
		msg.ID = strconv.Itoa(m.seq)
		m.msgs = append(m.msgs, msg)
	}
	if over := len(m.msgs) - m.limit; over > 0 {
		m.msgs = append([]Message(nil), m.msgs[over:]...)
	}
	close(m.arrived)
	m.arrived = make(chan struct{})
}
