package community

import (
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// BroadcastMax is the longest broadcast, in characters.
const BroadcastMax = 1000

// Broadcasts shows the sysop's messages to every caller.
type Broadcasts struct {
	bus      events.Bus
	presence Presence
	log      *slog.Logger
}

// Send shows text to every caller on the board, at the next safe point of
// whatever screen they are on, and returns how many sessions are online
// to see it. from is the sysop sending it; nil means the sysop at the
// console (`x84 broadcast`). It returns ErrNotAllowed for a caller who is
// not a sysop, ErrEmpty, or ErrTooLong.
func (b *Broadcasts) Send(from *store.User, text string) (int, error) {
	if from != nil && (anonymous(from) || !from.InGroup(store.GroupSysop)) {
		return 0, ErrNotAllowed
	}
	text = strings.TrimSpace(term.Sanitize(text))
	switch {
	case text == "":
		return 0, ErrEmpty
	case utf8.RuneCountInString(text) > BroadcastMax:
		return 0, ErrTooLong
	}
	b.bus.Publish(events.Event{Topic: events.TopicBroadcast, Data: events.Broadcast{Text: text}})
	n := len(b.presence.Online())
	b.log.Info("broadcast", "sessions", n, "text", text)
	return n, nil
}
