package community

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/store"
)

// Config configures the community services. Store, Events and Presence
// are required.
type Config struct {
	Store    *store.Store
	Events   events.Bus
	Presence Presence
	// Rooms keeps the chat rooms. Default: LocalRooms on Events.
	Rooms Rooms
	// ChatCrowd is the size above which a chat room sums up arrivals and
	// departures in a line every ChatCrowdEvery instead of one line each.
	// Defaults 20 callers and a second.
	ChatCrowd      int
	ChatCrowdEvery time.Duration
	// OnelinerLength is the longest one-liner, in characters. Default 60.
	OnelinerLength int
	// OnelinerInterval is how long a caller waits between one-liners.
	// Default one minute; negative means no wait.
	OnelinerInterval time.Duration
	// Areas are the public message areas' tags. Default "general",
	// "x84".
	Areas []string
	// AreaNeeds are what areas require of their readers and writers, by
	// tag; an area not listed requires nothing.
	AreaNeeds map[string]access.Need
	// Logger receives the services' log. Default: none.
	Logger *slog.Logger
}

// Services are the community services of one board.
type Services struct {
	Oneliners  *Oneliners
	Chat       *Chat
	Pages      *Pages
	Broadcasts *Broadcasts
	Messages   *Messages
	Polls      *Polls
	// Presence is who is online (Config.Presence).
	Presence Presence
}

// New builds the services.
func New(cfg Config) (*Services, error) {
	if cfg.Store == nil || cfg.Events == nil || cfg.Presence == nil {
		return nil, errors.New("community: Config.Store, Events and Presence are required")
	}
	defaults.Positive(&cfg.OnelinerLength, 60)
	if cfg.OnelinerInterval == 0 {
		cfg.OnelinerInterval = time.Minute
	}
	cfg.OnelinerInterval = max(cfg.OnelinerInterval, 0)
	if len(cfg.Areas) == 0 {
		cfg.Areas = []string{"general", "x84"}
	}
	if cfg.Rooms == nil {
		cfg.Rooms = NewLocalRooms(cfg.Events)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	defaults.Positive(&cfg.ChatCrowd, defaultChatCrowd)
	defaults.Positive(&cfg.ChatCrowdEvery, defaultChatCrowdEvery)
	chat := &Chat{rooms: cfg.Rooms, log: log, crowd: crowds{rooms: cfg.Rooms, size: cfg.ChatCrowd, every: cfg.ChatCrowdEvery}}
	oneliners := &Oneliners{store: cfg.Store.Oneliners, bus: cfg.Events, length: cfg.OnelinerLength, interval: cfg.OnelinerInterval, log: log}
	if bus, ok := cfg.Events.(ArrivalBus); ok {
		// Before any subscriber hears of it: a screen woken by another
		// node's one-liner must not read the wall as it was.
		rooms, _ := cfg.Rooms.(*LocalRooms)
		bus.SetArrive(func(ev events.Event) (events.Event, bool) {
			if _, ok := ev.Data.(events.OnelinerPosted); ok {
				oneliners.wall.stale()
			}
			if rooms != nil && rooms.shared {
				return rooms.arrive(ev)
			}
			return ev, true
		})
	}
	return &Services{
		Oneliners:  oneliners,
		Chat:       chat,
		Pages:      &Pages{chat: chat, presence: cfg.Presence, bus: cfg.Events, log: log, last: map[string]time.Time{}},
		Broadcasts: &Broadcasts{bus: cfg.Events, presence: cfg.Presence, log: log},
		Messages:   &Messages{store: cfg.Store.Messages, bus: cfg.Events, areas: cfg.Areas, needs: maps.Clone(cfg.AreaNeeds), log: log},
		Polls:      &Polls{store: cfg.Store.Polls, bus: cfg.Events, log: log},
		Presence:   cfg.Presence,
	}, nil
}

// Errors of the services; match them with errors.Is.
var (
	// ErrAnonymous means the caller has no account, and the service is
	// for those who have one.
	ErrAnonymous = errors.New("community: log in with an account first")
	// ErrEmpty means there is nothing to post once spaces and control
	// sequences are gone.
	ErrEmpty = errors.New("community: nothing to post")
	// ErrTooLong means a text is longer than the service takes.
	ErrTooLong = errors.New("community: too long")
	// ErrNotAllowed means the caller may not do that (a sysop's power,
	// someone else's message).
	ErrNotAllowed = errors.New("community: not allowed")
)

// WaitError means the caller acted too recently; Wait says how long is
// left.
type WaitError struct{ Wait time.Duration }

func (e *WaitError) Error() string {
	return "Not so fast: you may post again in " + WaitText(e.Wait) + "."
}

// WaitText says how long is left to wait, rounded up: "1 second",
// "40 seconds", "2 minutes", "1 hour".
func WaitText(d time.Duration) string {
	switch s := int((d + time.Second - 1) / time.Second); {
	case s <= 90:
		return count(s, "second")
	case s <= 90*60:
		return count((s+59)/60, "minute")
	default:
		return count((s+3599)/3600, "hour")
	}
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// anonymous reports whether u is a caller without an account.
func anonymous(u *store.User) bool { return u == nil || u.ID == 0 }
