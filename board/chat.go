package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/ui"
)

// chatScreen is the public chat on the menu.
func chatScreen(ctx context.Context, c *Call) error {
	m := c.Board.cfg.Community.Chat.Join(community.PublicRoom, c.User.Handle)
	return c.RunChat(ctx, m, c.T("chat.lounge"))
}

// RunChat runs a chat room for the caller, who has joined it, until they
// type /quit or press Esc, and then leaves it: the conversation scrolls
// above, the input line stays at the bottom, and lines from others
// appear as they are said.
func (c *Call) RunChat(ctx context.Context, m *community.Member, title string) error {
	defer m.Leave()
	if c.Accessible() {
		return c.runChatPlain(ctx, m, title)
	}
	// Pages that came meanwhile are told in the room, and asked again
	// once the caller has left it.
	visit := c.enterChat(m.Room(), title)
	defer visit.leave()
	lines := m.Recent()
	// Lines said since the watch began are both in the history and on
	// their way as events: seen is the newest line held.
	seen := lastSeq(lines)
	dropped := c.Inbox().Dropped()
	var undrawn []events.ChatLine // lines not on the screen yet
	var status, keep string
	draw := func() (int, int) {
		sz := c.Size()
		c.WriteString(ui.ClearScreen)
		drawChatLines(c, lines)
		drawChatBar(c, m, title, status)
		c.WriteString(ui.MoveTo(sz.Rows, 1) + c.Theme.Label + "> " + ui.Reset)
		return sz.Rows, 3
	}
	row, col := draw()
	for {
		// As wide as the window allows (the field follows resizes).
		f := &ui.Field{Row: row, Col: col, Max: community.ChatLineMax, Width: community.ChatLineMax, Style: c.Theme.Text, Value: keep}
		keep = ""
		f.Relayout = func() (int, int) { row, col = draw(); return row, col }
		f.OnEvent = func(ev events.Event) {
			l, ok := ev.Data.(events.ChatLine)
			switch {
			case !ok:
			case c.Inbox().Dropped() != dropped:
				// Lines were lost to a full inbox while this caller
				// was slow: the room's history has the newest, and
				// a line below them says how many are gone for good.
				dropped = c.Inbox().Dropped()
				recent := m.Recent()
				lines = append(recent, skippedLine(c, seen, recent)...)
				seen = lastSeq(lines)
				undrawn = undrawn[:0]
				drawChatLines(c, lines)
				drawChatBar(c, m, title, status)
			case l.Seq <= seen:
			default:
				seen = l.Seq
				lines = append(lines, l)
				undrawn = append(undrawn, l)
				if len(lines) > community.ChatHistory {
					lines = lines[len(lines)-community.ChatHistory:]
				}
				// Draw once for a burst (a busy room, many arrivals), and
				// then only the new lines.
				if c.Inbox().Updates() == 0 {
					scrollChatLines(c, lines, undrawn)
					if l.Act == events.ChatJoin || l.Act == events.ChatLeave {
						drawChatBar(c, m, title, status)
					}
					undrawn = undrawn[:0]
				}
			}
		}
		f.OnNotice = func() {
			visit.takeNotices(func(l events.ChatLine) { lines = append(lines, l) })
			drawChatLines(c, lines)
			undrawn = undrawn[:0]
		}
		text, err := f.Read(ctx, c.Session)
		if errors.Is(err, ui.ErrCancel) {
			return nil
		}
		if err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		status = ""
		var said error
		switch {
		case text == "":
		case text == "/quit" || text == "/q":
			return nil
		case text == "/who":
			status = c.T("chat.here", "handles", strings.Join(m.Members(), ", "))
		case text == "/help" || text == "/?":
			status = c.T("chat.help")
		case text == "/me":
			status = c.T("chat.me_usage")
		case strings.HasPrefix(text, "/me "):
			said = m.Act(text[4:])
		case strings.HasPrefix(text, "/"):
			status = c.T("chat.unknown")
		default:
			said = m.Say(text)
		}
		if errors.Is(said, community.ErrTooFast) {
			status = c.T("chat.too_fast")
			keep = text // to send again, not to type again
		}
		row, col = c.Size().Rows, 3
		c.WriteString(ui.MoveTo(row, 1) + ui.ClearEOL + c.Theme.Label + "> " + ui.Reset)
		drawChatBar(c, m, title, status)
	}
}

// lastSeq returns the newest chat line's sequence number in lines.
func lastSeq(lines []events.ChatLine) uint64 {
	for _, l := range slices.Backward(lines) {
		if l.Seq != 0 {
			return l.Seq
		}
	}
	return 0
}

// skippedLine returns a line saying how many lines were said between the
// one numbered seen and the room's recent history, if any were; it goes
// below the history, where the caller looks, in the caller's language.
func skippedLine(c *Call, seen uint64, recent []events.ChatLine) []events.ChatLine {
	if len(recent) == 0 || seen == 0 || recent[0].Seq <= seen+1 {
		return nil
	}
	n := recent[0].Seq - seen - 1
	return []events.ChatLine{{Handle: "*", Act: events.ChatSystem, At: time.Now(),
		Text: c.N("chat.skipped", int(n))}}
}

// noticeLine shows a page, broadcast or letter inside a chat, in the
// caller's language.
func noticeLine(c *Call, n events.Event) events.ChatLine {
	l := events.ChatLine{Handle: "*", Act: events.ChatSystem, At: time.Now()}
	switch d := n.Data.(type) {
	case events.Page:
		l.Text = c.T("chat.notice_page", "handle", clean(d.From), "node", strconv.Itoa(d.FromNode))
	case events.Broadcast:
		l.Text = c.T("chat.notice_broadcast", "text", clean(d.Text))
	case events.Mail:
		l.Text = c.T("chat.notice_mail", "from", clean(d.From), "subject", clean(d.Subject))
	}
	return l
}

// scrollChatLines brings new lines in at the bottom of the conversation
// by scrolling it (a scrolling region), which costs one row of output per
// row, however many people are in the room; if there are more new rows
// than fit, it redraws all.
func scrollChatLines(c *Call, lines, fresh []events.ChatLine) {
	sz := c.Size()
	height := max(sz.Rows-2, 1)
	width := max(sz.Cols-1, 10)
	if len(fresh) == 1 {
		// The usual case in a busy room: one new line, whose output is
		// the same for every caller with a window this size.
		if out, ok := c.Board.chatRows.scroll(fresh[0], c.Theme, c.Lang(), width, height); ok {
			c.WriteString(out)
			return
		}
	}
	var rows []string
	for _, l := range fresh {
		rows = append(rows, c.Board.chatRows.format(l, c.Theme, c.Lang(), width)...)
	}
	if len(rows) >= height {
		drawChatLines(c, lines)
		return
	}
	c.WriteString(scrollOutput(rows, height))
}

// scrollOutput is what brings rows in at the bottom of a conversation
// height rows tall.
func scrollOutput(rows []string, height int) string {
	var out strings.Builder
	fmt.Fprintf(&out, "\x1b7\x1b[1;%dr%s", height, ui.MoveTo(height, 1))
	for _, r := range rows {
		out.WriteString("\n\r" + ui.Reset + ui.ClearEOL + r)
	}
	out.WriteString(ui.Reset + "\x1b[r\x1b8")
	return out.String()
}

// drawChatLines draws the newest lines that fit above the bar, wrapped to
// the window.
func drawChatLines(c *Call, lines []events.ChatLine) {
	sz := c.Size()
	height := max(sz.Rows-2, 1)
	width := max(sz.Cols-1, 10)
	var rows []string
	for _, l := range lines {
		rows = append(rows, c.Board.chatRows.format(l, c.Theme, c.Lang(), width)...)
	}
	if len(rows) > height {
		rows = rows[len(rows)-height:]
	}
	var out strings.Builder
	out.WriteString("\x1b7") // keep the caller's cursor in the input line
	for i := range height {
		out.WriteString(ui.MoveTo(1+i, 1) + ui.Reset + ui.ClearEOL)
		if j := i - (height - len(rows)); j >= 0 {
			out.WriteString(rows[j])
		}
	}
	out.WriteString(ui.Reset + "\x1b8")
	c.WriteString(out.String())
}

// chatRowCache keeps the rows of the newest chat lines, formatted for a
// theme, a language and a width: in a room of thousands, the callers
// whose windows are as wide would each format the same line.
type chatRowCache struct {
	mu   sync.Mutex
	rows [64]chatRows // a ring: the newest lines of the busiest rooms
	next int
}

type chatRows struct {
	room  string
	seq   uint64
	at    time.Time // with room and seq, names the line even if a room is made anew
	theme *Theme
	lang  string // the language's tag: joins and leaves are told in it
	width int
	rows  []string // shared: never changed once made
	// The line's scrollOutput for a conversation height rows tall (the
	// last height asked for); "" until asked.
	height int
	out    string
}

// format returns formatChatLine(l, t, p, width), made once for every
// caller. Lines that are not the room's (Seq 0: notices) are not kept.
func (c *chatRowCache) format(l events.ChatLine, t *Theme, p *lang.Printer, width int) []string {
	if l.Seq == 0 {
		return formatChatLine(l, t, p, width)
	}
	tag := p.Tag()
	c.mu.Lock()
	for _, r := range c.rows {
		if r.seq == l.Seq && r.width == width && r.theme == t && r.lang == tag && r.room == l.Room && r.at.Equal(l.At) {
			c.mu.Unlock()
			return r.rows
		}
	}
	c.mu.Unlock()
	rows := formatChatLine(l, t, p, width)
	c.mu.Lock()
	c.rows[c.next] = chatRows{room: l.Room, seq: l.Seq, at: l.At, theme: t, lang: tag, width: width, rows: rows}
	c.next = (c.next + 1) % len(c.rows)
	c.mu.Unlock()
	return rows
}

// scroll returns scrollOutput for the one line l, made once for every
// caller with the same window; false when it does not fit (the caller
// redraws) or l is not the room's.
func (c *chatRowCache) scroll(l events.ChatLine, t *Theme, p *lang.Printer, width, height int) (string, bool) {
	rows := c.format(l, t, p, width)
	if len(rows) >= height || l.Seq == 0 {
		return "", false
	}
	tag := p.Tag()
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.rows {
		r := &c.rows[i]
		if r.seq == l.Seq && r.width == width && r.theme == t && r.lang == tag && r.room == l.Room && r.at.Equal(l.At) {
			if r.height != height || r.out == "" {
				r.height, r.out = height, scrollOutput(r.rows, height)
			}
			return r.out, true
		}
	}
	return scrollOutput(rows, height), true // pushed out of the ring meanwhile
}

// formatChatLine formats a chat line in theme t, its joins and leaves in
// p's language, wrapped to width.
func formatChatLine(l events.ChatLine, t *Theme, p *lang.Printer, width int) []string {
	when := t.Dim + l.At.Local().Format("15:04") + " "
	var text string
	switch l.Act {
	case events.ChatJoin:
		text = t.Dim + "-- " + crowdText(p, l, true)
	case events.ChatLeave:
		text = t.Dim + "-- " + crowdText(p, l, false)
	case events.ChatMe:
		text = t.Key + "* " + clean(l.Handle) + " " + clean(l.Text)
	case events.ChatSystem:
		text = t.Error + "** " + clean(l.Text)
	case events.ChatDecline:
		text = t.Error + "** " + p.T("chat.declined", "handle", clean(l.Handle))
	default:
		text = t.Value + "<" + clean(l.Handle) + "> " + t.Text + clean(l.Text)
	}
	// Wrap by cells; colours restart on each wrapped row.
	plain := ui.Wrap(stripSGR(text), width-6)
	out := make([]string, len(plain))
	for i, p := range plain {
		if i == 0 {
			out[i] = when + leadStyle(text) + p
		} else {
			out[i] = "      " + leadStyle(text) + p
		}
	}
	return out
}

// crowdText names who came (join) or went: one caller, or in a crowded
// room the first of many ("ann and 212 others join"), in p's language.
func crowdText(p *lang.Printer, l events.ChatLine, join bool) string {
	h := clean(l.Handle)
	switch {
	case l.Others <= 0 && join:
		return p.T("chat.joins", "handle", h)
	case l.Others <= 0:
		return p.T("chat.leaves", "handle", h)
	case join:
		return p.N("chat.crowd_joins", l.Others, "handle", h)
	}
	return p.N("chat.crowd_leaves", l.Others, "handle", h)
}

// leadStyle returns the SGR sequence a formatted line starts with.
func leadStyle(s string) string {
	if strings.HasPrefix(s, "\x1b[") {
		if i := strings.IndexByte(s, 'm'); i > 0 {
			return s[:i+1]
		}
	}
	return ""
}

// stripSGR removes colour sequences (the chat's own; user text has none).
func stripSGR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			if j := strings.IndexByte(s[i:], 'm'); j > 0 {
				i += j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func drawChatBar(c *Call, m *community.Member, title, status string) {
	sz := c.Size()
	bar := " " + c.T("chat.bar", "title", title, "count", strconv.Itoa(m.Count())) + " "
	if status != "" {
		bar = " " + status + " "
	}
	c.WriteString("\x1b7" + ui.MoveTo(sz.Rows-1, 1) + c.Theme.Bar + ui.Pad(bar, sz.Cols) + ui.Reset + "\x1b8")
}
