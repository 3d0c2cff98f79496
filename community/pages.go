package community

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
)

// PageEvery is how often a caller may page: enough to retry, not to
// pester.
const PageEvery = 10 * time.Second

// Reasons Page refuses.
var (
	ErrNobodyThere = errors.New("community: no one is on that node")
	ErrPageSelf    = errors.New("community: that is you")
	ErrNotLoggedIn = errors.New("community: that node has not logged in yet")
)

// Pages pages callers to private chats.
type Pages struct {
	chat     *Chat
	presence Presence
	bus      events.Bus
	log      *slog.Logger

	mu   sync.Mutex
	last map[string]time.Time // handle key → when they last paged
}

// Page pages the caller on node toNode to a private chat with from (on
// fromNode), who is put in the room and waits there: the returned
// membership. It refuses with ErrAnonymous, ErrNobodyThere, ErrPageSelf,
// ErrNotLoggedIn, or a *WaitError within PageEvery of from's last page.
func (p *Pages) Page(from *store.User, fromNode, toNode int) (*Member, error) {
	if anonymous(from) {
		return nil, ErrAnonymous
	}
	target, ok := p.presence.Lookup(toNode)
	switch {
	case !ok:
		return nil, ErrNobodyThere
	case toNode == fromNode:
		return nil, ErrPageSelf
	case target.User == "":
		return nil, ErrNotLoggedIn
	}
	if err := p.pageNow(from.Handle); err != nil {
		return nil, err
	}
	now := time.Now()
	room := fmt.Sprintf("%s%d:%d:%d", privatePrefix, fromNode, toNode, now.UnixNano())
	// In the room before the page goes out: the callee checks that
	// someone waits there.
	m := p.chat.Join(room, from.Handle)
	p.bus.Publish(events.Event{Topic: events.UserTopic(store.HandleKey(target.User)),
		Data: events.Page{From: from.Handle, FromNode: fromNode, Room: room, ToNode: toNode}})
	p.log.Info("page", "from", from.Handle, "to", target.User, "node", toNode)
	return m, nil
}

// pageNow records a page by handle, or returns how long to wait.
func (p *Pages) pageNow(handle string) error {
	key := store.HandleKey(handle)
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	if wait := p.last[key].Add(PageEvery).Sub(now); wait > 0 {
		return &WaitError{Wait: wait}
	}
	// Forget pages too old to matter, so the table stays small.
	for k, t := range p.last {
		if now.Sub(t) >= PageEvery {
			delete(p.last, k)
		}
	}
	p.last[key] = now
	return nil
}

// Waiting reports whether the pager still waits in the page's room.
func (p *Pages) Waiting(pg events.Page) bool { return len(p.chat.Members(pg.Room)) > 0 }

// Answer puts the paged caller in the page's room.
func (p *Pages) Answer(pg events.Page, handle string) *Member { return p.chat.Join(pg.Room, handle) }

// Decline tells the pager, in the room, that the paged caller cannot
// chat now; a room the pager has left is told nothing (Rooms.Say).
func (p *Pages) Decline(pg events.Page, handle string) {
	p.chat.rooms.Say(events.ChatLine{Room: pg.Room, Handle: handle, Act: events.ChatDecline, At: time.Now(),
		Text: handle + " cannot chat now."})
}

// ForNode reports whether a page is for the session on node: a page goes
// to all the paged user's sessions, and only the one paged answers.
func ForNode(pg events.Page, node int) bool { return pg.ToNode == 0 || pg.ToNode == node }
