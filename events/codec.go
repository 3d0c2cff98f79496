package events

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxEncoded is the largest encoded event, in bytes, so that an event
// that travels inside one process can travel between nodes too. (A
// PostgreSQL NOTIFY carries under 8000 bytes; the cluster's bus sends
// larger events through a table.)
const MaxEncoded = 64 << 10

// Errors of Marshal and Unmarshal; match them with errors.Is.
var (
	// ErrMalformed means the bytes are not an encoded event.
	ErrMalformed = errors.New("events: malformed event")
	// ErrTooLarge means an event is longer than MaxEncoded encoded.
	ErrTooLarge = errors.New("events: event too large")
	// ErrTopic means an event's payload does not belong on its topic
	// (or it has none).
	ErrTopic = errors.New("events: payload does not fit the topic")
)

// envelope is an event's encoding: JSON, with the payload's kind.
type envelope struct {
	Topic string          `json:"topic"`
	Node  string          `json:"node,omitempty"`
	Kind  kind            `json:"kind"`
	Data  json.RawMessage `json:"data"`
}

// Marshal encodes an event as bytes, for a bus between processes.
func Marshal(ev Event) ([]byte, error) {
	if ev.Data == nil {
		return nil, fmt.Errorf("%w: %q has no payload", ErrTopic, ev.Topic)
	}
	k := ev.Data.payload()
	if !fits(ev.Topic, k) {
		return nil, fmt.Errorf("%w: %s on %q", ErrTopic, k, ev.Topic)
	}
	data, err := json.Marshal(ev.Data)
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	b, err := json.Marshal(envelope{Topic: ev.Topic, Node: ev.Node, Kind: k, Data: data})
	if err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	if len(b) > MaxEncoded {
		return nil, fmt.Errorf("%w: %d bytes on %q", ErrTooLarge, len(b), ev.Topic)
	}
	return b, nil
}

// Unmarshal decodes an event encoded by Marshal. Bytes from elsewhere are
// checked: at most MaxEncoded of them, a known payload kind that fits the
// topic, and nothing after the event.
func Unmarshal(b []byte) (Event, error) {
	if len(b) > MaxEncoded {
		return Event{}, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	var env envelope
	if err := decodeOne(b, &env); err != nil {
		return Event{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	into, value := decodeInto(env.Kind)
	if into == nil {
		return Event{}, fmt.Errorf("%w: unknown kind %q", ErrMalformed, env.Kind)
	}
	if !fits(env.Topic, env.Kind) {
		return Event{}, fmt.Errorf("%w: %s on %q", ErrTopic, env.Kind, env.Topic)
	}
	if err := decodeOne(env.Data, into); err != nil {
		return Event{}, fmt.Errorf("%w: %s: %v", ErrMalformed, env.Kind, err)
	}
	return Event{Topic: env.Topic, Node: env.Node, Data: value()}, nil
}

// decodeOne decodes exactly one JSON value into v, with nothing but
// white space after it. Unknown fields are allowed, so that a newer node
// can add one without breaking older ones.
func decodeOne(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if len(bytes.TrimSpace(b[dec.InputOffset():])) > 0 {
		return errors.New("data after the value")
	}
	return nil
}

// Encoded is a Bus that sends every event through its byte encoding
// before delivering it: subscribers get what Unmarshal makes of Marshal's
// bytes, as they would from another process. Use it to prove that nothing
// depends on sharing memory with the publisher. The zero value is ready
// to use.
type Encoded struct {
	// Local delivers the decoded events; its Node is stamped on them.
	Local Local
	// OnError, if non-nil, hears of an event that could not be encoded
	// or decoded, which is then not delivered. If nil, Publish panics:
	// an event that cannot be encoded is a bug.
	OnError func(ev Event, err error)
}

// Publish encodes ev, decodes it, and delivers the copy.
func (b *Encoded) Publish(ev Event) {
	ev.Node = b.Local.Node
	p, err := Marshal(ev)
	var back Event
	if err == nil {
		back, err = Unmarshal(p)
	}
	if err != nil {
		if b.OnError == nil {
			panic(err)
		}
		b.OnError(ev, err)
		return
	}
	b.Local.Deliver(back)
}

// Subscribe registers deliver for topic.
func (b *Encoded) Subscribe(topic string, deliver func(Event)) (cancel func()) {
	return b.Local.Subscribe(topic, deliver)
}
