package community

import (
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/time/rate"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
)

// Chat limits.
const (
	// ChatLineMax is the longest line, in characters.
	ChatLineMax = 200
	// A caller says at most chatRateBurst lines at once, then one every
	// chatRateEvery.
	chatRateEvery = time.Second
	chatRateBurst = 5
	// PublicRoom is the chat everyone can join from the menu.
	PublicRoom = "lounge"
)

// ErrTooFast means a caller said lines faster than the room allows.
var ErrTooFast = errors.New("community: one line a second, please")

// Chat runs the chat rooms.
type Chat struct {
	rooms Rooms
	log   *slog.Logger
	crowd crowds
}

// Join puts a caller in a room, with a line saying so (in a crowded room,
// a line a while later naming the first of those who came meanwhile), and
// returns their membership; call Leave when they go.
func (c *Chat) Join(room, handle string) *Member {
	c.rooms.Enter(room, handle)
	c.crowd.arrive(room, handle, events.ChatJoin)
	return &Member{chat: c, room: room, handle: handle, limiter: rate.NewLimiter(rate.Every(chatRateEvery), chatRateBurst)}
}

// Members returns the handles in a room, sorted.
func (c *Chat) Members(room string) []string { return c.rooms.Members(room) }

// Member is one caller in one chat room. It belongs to the caller's
// goroutine.
type Member struct {
	chat    *Chat
	room    string
	handle  string
	limiter *rate.Limiter
	left    bool
}

// Room returns the room's name; its lines are published on
// events.ChatTopic(Room()).
func (m *Member) Room() string { return m.room }

// Say says a line in the room. Terminal control sequences are stripped;
// it returns ErrEmpty, ErrTooLong, or ErrTooFast when the caller talks
// faster than a line a second (a burst of five is fine).
func (m *Member) Say(text string) error { return m.say(events.ChatSay, text) }

// Act says what the caller does ("/me waves": "* erin waves").
func (m *Member) Act(text string) error { return m.say(events.ChatMe, text) }

func (m *Member) say(act, text string) error {
	text = strings.TrimSpace(term.Sanitize(text))
	switch {
	case text == "":
		return ErrEmpty
	case utf8.RuneCountInString(text) > ChatLineMax:
		return ErrTooLong
	case !m.limiter.Allow():
		return ErrTooFast
	}
	m.chat.rooms.Say(events.ChatLine{Room: m.room, Handle: m.handle, Text: text, Act: act, At: time.Now()})
	return nil
}

// Recent returns the room's last lines, oldest first.
func (m *Member) Recent() []events.ChatLine { return m.chat.rooms.Recent(m.room) }

// Members returns the handles in the room, sorted.
func (m *Member) Members() []string { return m.chat.rooms.Members(m.room) }

// Count returns how many are in the room: cheaper than Members in a
// large room, for a status bar drawn on every arrival.
func (m *Member) Count() int { return m.chat.rooms.Count(m.room) }

// Leave takes the caller out of the room, with a line saying so. Calling
// it again does nothing.
func (m *Member) Leave() {
	if m.left {
		return
	}
	m.left = true
	// The line goes before the exit, which forgets an empty private
	// room's history, this line with it.
	m.chat.crowd.arrive(m.room, m.handle, events.ChatLeave)
	m.chat.rooms.Leave(m.room, m.handle)
}
