package board

import (
	"slices"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
)

// chatVisit is what both chat screens (full and accessible) hold while
// the caller is in a room: the activity to go back to, the watch on the
// room, and the pages that came meanwhile.
type chatVisit struct {
	c     *Call
	room  string
	back  session.Activity // the activity of the screen that called
	stop  func()
	pages []events.Event
}

// enterChat shows the caller as chatting in the room and watches it;
// leave undoes both.
func (c *Call) enterChat(room, title string) *chatVisit {
	v := &chatVisit{c: c, room: room, back: c.CurrentActivity()}
	// Each viewer of who's online reads the activity in their language;
	// title is in the caller's.
	switch {
	case community.IsPrivateRoom(room):
		c.SetActivityMessage("activity.chat_private") // who with is their business
	case room == community.PublicRoom:
		c.SetActivityMessage("activity.chat_lounge")
	default:
		c.SetActivityMessage("activity.chat_in", "room", title)
	}
	v.stop = c.Inbox().WatchUpdates(c.Board.cfg.Events, events.ChatTopic(room))
	return v
}

// leave stops watching the room, asks again the pages that came
// meanwhile (the newest from each pager, if they still wait), and puts
// the caller's activity back.
func (v *chatVisit) leave() {
	v.stop()
	for _, ev := range v.pages {
		if v.c.Board.cfg.Community.Pages.Waiting(ev.Data.(events.Page)) {
			v.c.Inbox().PostNotice(ev)
		}
	}
	v.c.SetCurrentActivity(v.back)
}

// takeNotices tells the caller's waiting notices in the room, each as a
// line given to say; pages for another node are passed over, and pages
// from outside the room are kept for leave.
func (v *chatVisit) takeNotices(say func(events.ChatLine)) {
	for _, n := range v.c.Inbox().TakeNotices() {
		p, isPage := n.Data.(events.Page)
		if isPage && !community.ForNode(p, v.c.Node()) {
			continue
		}
		say(noticeLine(v.c, n))
		if isPage && p.Room != v.room {
			v.pages = slices.DeleteFunc(v.pages, func(ev events.Event) bool {
				return ev.Data.(events.Page).From == p.From
			})
			v.pages = append(v.pages, n)
		}
	}
}
