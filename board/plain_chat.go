package board

import (
	"context"
	"errors"
	"strings"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/ui"
)

// runChatPlain is RunChat in accessible mode: the room's recent lines,
// then a line to type on; what others say comes as lines as it is said,
// above the caller's line, which is written again after them with what
// the caller had typed (ui.Field.Interject). Notices come the same way.
// The commands are RunChat's.
func (c *Call) runChatPlain(ctx context.Context, m *community.Member, title string) error {
	visit := c.enterChat(m.Room(), title)
	defer visit.leave()
	recent := m.Recent()
	seen := lastSeq(recent)
	dropped := c.Inbox().Dropped()
	c.WriteString("\r\n")
	c.Line(c.N("chat.plain_intro", m.Count(), "title", title))
	for _, l := range recent {
		c.Line(chatSentence(c.Lang(), l))
	}
	keep := ""
	for {
		f := &ui.Field{Prompt: c.T("chat.say_prompt"), Max: community.ChatLineMax, Value: keep}
		keep = ""
		f.OnEvent = func(ev events.Event) {
			l, ok := ev.Data.(events.ChatLine)
			switch {
			case !ok:
			case c.Inbox().Dropped() != dropped:
				dropped = c.Inbox().Dropped()
				latest := m.Recent()
				var said []string
				for _, l := range append(latest, skippedLine(c, seen, latest)...) {
					if l.Seq == 0 || l.Seq > seen {
						said = append(said, chatSentence(c.Lang(), l))
					}
				}
				seen = max(seen, lastSeq(latest))
				f.Interject(c.Session, said...)
			case l.Seq <= seen:
			default:
				seen = l.Seq
				f.Interject(c.Session, chatSentence(c.Lang(), l))
			}
		}
		f.OnNotice = func() {
			visit.takeNotices(func(l events.ChatLine) { c.Line(chatSentence(c.Lang(), l)) })
		}
		text, err := f.Read(ctx, c.Session)
		if errors.Is(err, ui.ErrCancel) {
			return nil
		}
		if err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		var said error
		switch {
		case text == "":
		case text == "/quit" || text == "/q":
			c.Line(c.T("chat.left"))
			return nil
		case text == "/who":
			c.Line(c.T("chat.here", "handles", strings.Join(m.Members(), ", ")) + ".")
		case text == "/help" || text == "/?":
			c.Line(c.T("chat.plain_help"))
		case text == "/me":
			c.Line(c.T("chat.me_usage"))
		case strings.HasPrefix(text, "/me "):
			said = m.Act(text[4:])
		case strings.HasPrefix(text, "/"):
			c.Line(c.T("chat.unknown"))
		default:
			said = m.Say(text)
		}
		if errors.Is(said, community.ErrTooFast) {
			c.Line(c.T("chat.plain_too_fast"))
			keep = text
		}
	}
}

// chatSentence is a chat line as accessible mode says it: who, then
// what, with no time and no colour; joins and leaves in p's language.
func chatSentence(p *lang.Printer, l events.ChatLine) string {
	switch l.Act {
	case events.ChatJoin:
		return crowdText(p, l, true) + "."
	case events.ChatLeave:
		return crowdText(p, l, false) + "."
	case events.ChatMe:
		return clean(l.Handle) + " " + clean(l.Text)
	case events.ChatSystem:
		return clean(l.Text)
	case events.ChatDecline:
		return p.T("chat.declined", "handle", clean(l.Handle))
	}
	return clean(l.Handle) + ": " + clean(l.Text)
}
