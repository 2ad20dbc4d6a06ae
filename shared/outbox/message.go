package outbox

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Message is what is published on the mail topic for each letter: only its id. The letter
// itself stays in the outbox, so a message holds no personal data.
type Message struct {
	LetterID string `json:"letterId"`
}

// ErrMalformed is returned by DecodeMessage for data that is not a mail message.
var ErrMalformed = errors.New("outbox: malformed mail message")

// Encode writes the message as published on the mail topic.
func (m Message) Encode() []byte {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err) // cannot happen: a struct of one string always marshals
	}
	return b
}

// DecodeMessage reads a mail-topic message; it refuses anything without a letter id.
func DecodeMessage(data []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(data, &m); err != nil {
		return Message{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if m.LetterID == "" {
		return Message{}, fmt.Errorf("%w: no letterId", ErrMalformed)
	}
	return m, nil
}
