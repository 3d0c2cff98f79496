package board

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Chat limits.
const (
	chatHistory   = 50  // lines a newcomer sees
	chatLineMax   = 200 // characters in one line
	chatRateEvery = time.Second
	chatRateBurst = 5
	// PublicRoom is the chat everyone can join from the menu.
	PublicRoom = "lounge"
)

// ChatLine is one line of a chat room, as published on the event bus
// (topic "chat:" + room).
type ChatLine struct {
	Room   string
	Handle string
	Text   string
	// Kind is "say", "me", "join" or "leave".
	Kind string
	At   time.Time
	// Seq numbers the board's chat lines in the order they were said,
	// so that a screen holding a room's history can tell a line it
	// already has from a new one.
	Seq uint64
}

// chatHub keeps each room's recent lines and who is in it.
type chatHub struct {
	mu      sync.Mutex
	seq     uint64
	history map[string][]ChatLine
	members map[string]map[string]int // room → handle → sessions in it
}

func chatTopic(room string) string { return "chat:" + room }

// post records a line and publishes it. Publishing under the lock keeps
// the events in the order of the history (the bus never blocks).
func (b *Board) chatPost(l ChatLine) {
	h := &b.chat
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	l.Seq = h.seq
	if h.history == nil {
		h.history = make(map[string][]ChatLine)
	}
	hist := append(h.history[l.Room], l)
	if len(hist) > chatHistory {
		hist = slices.Clone(hist[len(hist)-chatHistory:])
	}
	h.history[l.Room] = hist
	b.Events.Publish(events.Event{Topic: chatTopic(l.Room), Data: l})
}

// chatEnter and chatExit keep the member list of a room; a session
// counts once per entry, so one user on two nodes stays listed until both
// leave.
func (b *Board) chatEnter(room, handle string) {
	h := &b.chat
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.members == nil {
		h.members = make(map[string]map[string]int)
	}
	m := h.members[room]
	if m == nil {
		m = make(map[string]int)
		h.members[room] = m
	}
	m[handle]++
}

func (b *Board) chatExit(room, handle string) {
	h := &b.chat
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.members[room]
	if m == nil {
		return
	}
	if m[handle]--; m[handle] <= 0 {
		delete(m, handle)
	}
	if len(m) == 0 {
		delete(h.members, room)
		if isPrivateRoom(room) {
			delete(h.history, room) // a private chat leaves nothing behind
		}
	}
}

// chatMembers returns the handles in a room, sorted.
func (b *Board) chatMembers(room string) []string {
	b.chat.mu.Lock()
	defer b.chat.mu.Unlock()
	names := make([]string, 0, len(b.chat.members[room]))
	for n := range b.chat.members[room] {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// isPrivateRoom tells the rooms of pages from public ones.
func isPrivateRoom(room string) bool { return strings.HasPrefix(room, "page:") }

func (b *Board) chatRecent(room string) []ChatLine {
	b.chat.mu.Lock()
	defer b.chat.mu.Unlock()
	return slices.Clone(b.chat.history[room])
}

// chatScreen is the public chat on the menu.
func chatScreen(ctx context.Context, c *Call) error {
	return c.Board.RunChat(ctx, c, PublicRoom, "the lounge")
}

// RunChat runs a chat room for the caller until they type /quit or press
// Esc: the conversation scrolls above, the input line stays at the
// bottom, and lines from others appear as they are said.
func (b *Board) RunChat(ctx context.Context, c *Call, room, title string) error {
	defer c.SetActivity(c.Activity()) // back to the screen that called
	// Pages that came meanwhile are told in the room, and asked again
	// once the caller has left it: the newest from each pager, if they
	// still wait.
	var pages []events.Event
	defer func() {
		for _, ev := range pages {
			if len(b.chatMembers(ev.Data.(events.Page).Room)) > 0 {
				c.Notify(ev)
			}
		}
	}()
	if isPrivateRoom(room) {
		c.SetActivity("chatting privately") // who with is their business
	} else {
		c.SetActivity("chatting in " + title)
	}
	stop := c.Watch(b.Events, chatTopic(room))
	defer stop()
	handle := c.User.Handle
	b.chatEnter(room, handle)
	b.chatPost(ChatLine{Room: room, Handle: handle, Kind: "join", At: time.Now()})
	defer func() {
		// The line goes before the exit, which forgets an empty private
		// room's history, this line with it.
		b.chatPost(ChatLine{Room: room, Handle: handle, Kind: "leave", At: time.Now()})
		b.chatExit(room, handle)
	}()
	lines := b.chatRecent(room)
	// Lines said since the watch began are both in the history and on
	// their way as events: seen is the newest line held.
	seen := lastSeq(lines)
	dropped := c.Dropped()
	var undrawn []ChatLine // lines not on the screen yet
	limiter := rate.NewLimiter(rate.Every(chatRateEvery), chatRateBurst)
	var status, keep string
	draw := func() (int, int) {
		sz := c.Size()
		c.WriteString(ui.ClearScreen)
		b.drawChatLines(c, lines)
		b.drawChatBar(c, room, title, status)
		c.WriteString(ui.MoveTo(sz.Rows, 1) + styleLabel + "> " + ui.Reset)
		return sz.Rows, 3
	}
	row, col := draw()
	for {
		// As wide as the window allows (the field follows resizes).
		f := &ui.Field{Row: row, Col: col, Max: chatLineMax, Width: chatLineMax, Style: "\x1b[0;37m", Value: keep}
		keep = ""
		f.Relayout = func() (int, int) { row, col = draw(); return row, col }
		f.OnEvent = func(ev events.Event) {
			switch l, ok := ev.Data.(ChatLine); {
			case ok && c.Dropped() != dropped:
				// Lines were lost to a full mailbox while this caller
				// was slow: the room's history has them.
				dropped = c.Dropped()
				lines = b.chatRecent(room)
				seen = lastSeq(lines)
				undrawn = undrawn[:0]
				b.drawChatLines(c, lines)
				b.drawChatBar(c, room, title, status)
			case ok && l.Seq <= seen:
			case ok:
				seen = l.Seq
				lines = append(lines, l)
				undrawn = append(undrawn, l)
				if len(lines) > chatHistory {
					lines = lines[len(lines)-chatHistory:]
				}
				// Draw once for a burst (a busy room, many arrivals), and
				// then only the new lines.
				if c.PendingEvents() == 0 {
					b.scrollChatLines(c, lines, undrawn)
					if l.Kind == "join" || l.Kind == "leave" {
						b.drawChatBar(c, room, title, status)
					}
					undrawn = undrawn[:0]
				}
			case ev.Topic == events.TopicNotice:
				for _, n := range c.TakeNotices() {
					if p, ok := n.Data.(events.Page); ok && !pagedHere(c, p) {
						continue
					}
					lines = append(lines, noticeLine(n))
					if p, ok := n.Data.(events.Page); ok && p.Room != room {
						pages = slices.DeleteFunc(pages, func(ev events.Event) bool {
							return ev.Data.(events.Page).From == p.From
						})
						pages = append(pages, n)
					}
				}
				b.drawChatLines(c, lines)
				undrawn = undrawn[:0]
			}
		}
		text, err := f.Read(ctx, c.Session)
		if errors.Is(err, ui.ErrCancel) {
			return nil
		}
		if err != nil {
			return err
		}
		text = strings.TrimSpace(term.Sanitize(text))
		status = ""
		switch {
		case text == "":
		case text == "/quit" || text == "/q":
			return nil
		case text == "/who":
			status = "Here: " + strings.Join(b.chatMembers(room), ", ")
		case text == "/help" || text == "/?":
			status = "/me does something · /who · /quit (or Esc)"
		case !limiter.Allow():
			status = "Not so fast: one line a second, please."
			keep = text // to send again, not to type again
		case text == "/me":
			status = "Say what you do: /me waves"
		case strings.HasPrefix(text, "/me "):
			b.chatPost(ChatLine{Room: room, Handle: handle, Text: strings.TrimSpace(text[4:]), Kind: "me", At: time.Now()})
		case strings.HasPrefix(text, "/"):
			status = "Unknown command; /help lists them."
		default:
			b.chatPost(ChatLine{Room: room, Handle: handle, Text: text, Kind: "say", At: time.Now()})
		}
		row, col = c.Size().Rows, 3
		c.WriteString(ui.MoveTo(row, 1) + ui.ClearEOL + styleLabel + "> " + ui.Reset)
		b.drawChatBar(c, room, title, status)
	}
}

// lastSeq returns the newest chat line's sequence number in lines.
func lastSeq(lines []ChatLine) uint64 {
	for _, l := range slices.Backward(lines) {
		if l.Seq != 0 {
			return l.Seq
		}
	}
	return 0
}

// noticeLine shows a page or broadcast inside a chat.
func noticeLine(n events.Event) ChatLine {
	l := ChatLine{Handle: "*", Kind: "system", At: time.Now()}
	switch d := n.Data.(type) {
	case events.Page:
		l.Text = fmt.Sprintf("%s (node %d) is paging you: leave this chat to answer.", clean(d.From), d.FromNode)
	case string:
		l.Text = "Broadcast: " + clean(d)
	case Notice:
		l.Text = clean(d.Title) + " " + clean(d.Text)
	}
	return l
}

// scrollChatLines brings new lines in at the bottom of the conversation
// by scrolling it (a scrolling region), which costs one row of output per
// row, however many people are in the room; if there are more new rows
// than fit, it redraws all.
func (b *Board) scrollChatLines(c *Call, lines, fresh []ChatLine) {
	sz := c.Size()
	height := max(sz.Rows-2, 1)
	width := max(sz.Cols-1, 10)
	var rows []string
	for _, l := range fresh {
		rows = append(rows, formatChatLine(l, width)...)
	}
	if len(rows) >= height {
		b.drawChatLines(c, lines)
		return
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\x1b7\x1b[1;%dr%s", height, ui.MoveTo(height, 1))
	for _, r := range rows {
		out.WriteString("\n\r" + ui.Reset + ui.ClearEOL + r)
	}
	out.WriteString(ui.Reset + "\x1b[r\x1b8")
	c.WriteString(out.String())
}

// drawChatLines draws the newest lines that fit above the bar, wrapped to
// the window.
func (b *Board) drawChatLines(c *Call, lines []ChatLine) {
	sz := c.Size()
	height := max(sz.Rows-2, 1)
	width := max(sz.Cols-1, 10)
	var rows []string
	for _, l := range lines {
		rows = append(rows, formatChatLine(l, width)...)
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

func formatChatLine(l ChatLine, width int) []string {
	when := styleDim + l.At.Local().Format("15:04") + " "
	var text string
	switch l.Kind {
	case "join":
		text = styleDim + "-- " + clean(l.Handle) + " joins"
	case "leave":
		text = styleDim + "-- " + clean(l.Handle) + " leaves"
	case "me":
		text = styleKey + "* " + clean(l.Handle) + " " + clean(l.Text)
	case "system":
		text = styleError + "** " + clean(l.Text)
	default:
		text = styleValue + "<" + clean(l.Handle) + "> " + styleText + clean(l.Text)
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

func (b *Board) drawChatBar(c *Call, room, title, status string) {
	sz := c.Size()
	members := b.chatMembers(room)
	bar := fmt.Sprintf(" %s · %d here · /who /me /quit ", title, len(members))
	if status != "" {
		bar = " " + status + " "
	}
	c.WriteString("\x1b7" + ui.MoveTo(sz.Rows-1, 1) + "\x1b[0;1;37;44m" + ui.Pad(bar, sz.Cols) + ui.Reset + "\x1b8")
}
