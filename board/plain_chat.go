package board

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
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
	c.Line(fmt.Sprintf("Chat: %s, %s here. Type a line and Enter to say it; /who, /me, /help; /quit or Esc leaves.", title, count(m.Count(), "caller")))
	for _, l := range recent {
		c.Line(chatSentence(l))
	}
	keep := ""
	for {
		f := &ui.Field{Prompt: "Say: ", Max: community.ChatLineMax, Value: keep}
		keep = ""
		f.OnEvent = func(ev events.Event) {
			l, ok := ev.Data.(events.ChatLine)
			switch {
			case !ok:
			case c.Inbox().Dropped() != dropped:
				dropped = c.Inbox().Dropped()
				latest := m.Recent()
				var said []string
				for _, l := range append(latest, skippedLine(seen, latest)...) {
					if l.Seq == 0 || l.Seq > seen {
						said = append(said, chatSentence(l))
					}
				}
				seen = max(seen, lastSeq(latest))
				f.Interject(c.Session, said...)
			case l.Seq <= seen:
			default:
				seen = l.Seq
				f.Interject(c.Session, chatSentence(l))
			}
		}
		f.OnNotice = func() {
			visit.takeNotices(func(l events.ChatLine) { c.Line(chatSentence(l)) })
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
			c.Line("You left the chat.")
			return nil
		case text == "/who":
			c.Line("Here: " + strings.Join(m.Members(), ", ") + ".")
		case text == "/help" || text == "/?":
			c.Line("/me does something, /who says who is here, /quit or Esc leaves.")
		case text == "/me":
			c.Line("Say what you do: /me waves")
		case strings.HasPrefix(text, "/me "):
			said = m.Act(text[4:])
		case strings.HasPrefix(text, "/"):
			c.Line("Unknown command; /help lists them.")
		default:
			said = m.Say(text)
		}
		if errors.Is(said, community.ErrTooFast) {
			c.Line("Not so fast: one line a second, please. Press Enter to say it again.")
			keep = text
		}
	}
}

// chatSentence is a chat line as accessible mode says it: who, then
// what, with no time and no colour.
func chatSentence(l events.ChatLine) string {
	switch l.Act {
	case events.ChatJoin:
		return crowdText(l, "joins", "join") + "."
	case events.ChatLeave:
		return crowdText(l, "leaves", "leave") + "."
	case events.ChatMe:
		return clean(l.Handle) + " " + clean(l.Text)
	case events.ChatSystem:
		return clean(l.Text)
	}
	return clean(l.Handle) + ": " + clean(l.Text)
}
