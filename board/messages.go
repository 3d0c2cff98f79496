package board

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Message limits.
const (
	subjectMax  = 72
	listedMax   = 5000 // messages a list loads
	threadDepth = 4    // deepest indent shown
	// TopicMessage: a message or letter was posted or deleted (Data: its
	// ID, int64).
	TopicMessage = "message"
)

// mailArea is the read-pointer "area" of a user's private mail.
const mailArea = ""

// place is a message area or the caller's mailbox.
type place struct {
	area  string // "" for mail
	title string
}

func (p place) query(c *Call) store.MessageQuery {
	if p.area == mailArea {
		return store.MessageQuery{To: c.User.Handle}
	}
	return store.MessageQuery{Area: p.area}
}

// newCounts returns how many unread messages the caller has in the
// public areas and in their mail.
func (b *Board) newCounts(ctx context.Context, c *Call) (public, private int, err error) {
	if c.Anonymous() {
		return 0, 0, nil
	}
	for _, a := range b.Areas {
		n, err := b.unread(ctx, c, place{area: a})
		if err != nil {
			return 0, 0, err
		}
		public += n
	}
	private, err = b.unread(ctx, c, place{area: mailArea})
	return public, private, err
}

func (b *Board) unread(ctx context.Context, c *Call, p place) (int, error) {
	last, err := b.Store.Messages.LastRead(ctx, c.User.Handle, p.area)
	if err != nil {
		return 0, err
	}
	q := p.query(c)
	q.AfterID = last
	n, err := b.Store.Messages.CountAfter(ctx, q)
	if err != nil {
		return 0, err
	}
	// Less what the caller read out of order this call and is still
	// there (a message can be deleted after it was read).
	r := c.readState(p.area)
	for id := range r.seen {
		if id <= last {
			continue
		}
		switch _, err := b.Store.Messages.Message(ctx, id); {
		case errors.Is(err, store.ErrNotFound):
			delete(r.seen, id)
		case err != nil:
			return 0, err
		default:
			n--
		}
	}
	return max(n, 0), nil
}

// messageAreas lists the areas and the caller's mail, with new counts.
func messageAreas(ctx context.Context, c *Call) error {
	b := c.Board
	if c.Anonymous() {
		return notForAnonymous(ctx, c, "Log in with an account to read and write messages.")
	}
	msg := ""
	for {
		c.SetActivity("message areas")
		places := []place{{area: mailArea, title: "Your mail"}}
		for _, a := range b.Areas {
			places = append(places, place{area: a, title: a})
		}
		items := make([]ui.MenuItem, len(places), len(places)+1)
		for i := range places {
			items[i].Key = rune('1' + i - 1)
		}
		items[0].Key = 'm'
		items = append(items, ui.MenuItem{Key: 'w', Label: "Write a letter"})
		// recount labels each place with its messages and new ones.
		recount := func() error {
			for i, p := range places {
				total, err := b.Store.Messages.CountAfter(ctx, p.query(c))
				if err != nil {
					return err
				}
				unread, err := b.unread(ctx, c, p)
				if err != nil {
					return err
				}
				items[i].Label = fmt.Sprintf("%-14s %4d, %d new", ui.Truncate(p.title, 14), total, unread)
			}
			return nil
		}
		if err := recount(); err != nil {
			return err
		}
		m := &ui.Menu{Items: items}
		// Counts follow posts and deletions; notices show at once.
		var eventErr error
		m.OnEvent = func(ev events.Event) bool {
			switch ev.Topic {
			case events.TopicNotice:
				redraw, err := b.showNotices(ctx, c)
				eventErr = cmp.Or(eventErr, err)
				return redraw
			case TopicMessage:
				eventErr = cmp.Or(eventErr, recount())
			}
			return false
		}
		layout := func() (int, int, int) {
			c.WriteString(ui.ClearScreen)
			say(c.Session, 1, styleTitle, "Messages on "+clean(b.Name))
			say(c.Session, c.Size().Rows, "", keyHelp("arrows", "choose", "Enter", "open", "q", "back"))
			if msg != "" {
				say(c.Session, c.Size().Rows-1, styleError, msg)
			}
			m.Rows = len(items)
			return 3, 3, c.Size().Cols - 4
		}
		m.Relayout = layout
		if _, err := b.showNotices(ctx, c); err != nil {
			return err
		}
		m.Top, m.Left, m.Width = layout()
		stop := c.Watch(b.Events, TopicMessage)
		i, err := m.Run(ctx, c.Session)
		stop()
		if eventErr != nil {
			return eventErr
		}
		if errors.Is(err, ui.ErrCancel) {
			return nil
		}
		if err != nil {
			return err
		}
		msg = ""
		if i == len(places) {
			if msg, err = compose(ctx, c, draft{area: mailArea}); err != nil {
				return err
			}
			continue
		}
		if err := messageList(ctx, c, places[i]); err != nil {
			return err
		}
	}
}

// notForAnonymous explains why a screen is closed to visitors.
func notForAnonymous(ctx context.Context, c *Call, text string) error {
	c.WriteString(ui.ClearScreen)
	say(c.Session, 2, styleText, text)
	say(c.Session, 4, "", keyHelp("any key", "back"))
	_, err := c.ReadKey(ctx)
	return err
}

// threadOrder sorts messages into threads: each reply right after its
// parent, replies in order of posting; a reply whose parent is gone
// starts a thread of its own. It returns the depth of each.
func threadOrder(msgs []store.Message) ([]store.Message, []int) {
	byID := make(map[int64]bool, len(msgs))
	for _, m := range msgs {
		byID[m.ID] = true
	}
	children := map[int64][]store.Message{}
	var roots []store.Message
	for _, m := range msgs {
		if m.Parent != 0 && byID[m.Parent] && m.Parent != m.ID {
			children[m.Parent] = append(children[m.Parent], m)
		} else {
			roots = append(roots, m)
		}
	}
	out := make([]store.Message, 0, len(msgs))
	depths := make([]int, 0, len(msgs))
	seen := make(map[int64]bool, len(msgs))
	var walk func(m store.Message, depth int)
	walk = func(m store.Message, depth int) {
		if seen[m.ID] {
			return
		}
		seen[m.ID] = true
		out = append(out, m)
		depths = append(depths, depth)
		for _, ch := range children[m.ID] {
			walk(ch, depth+1)
		}
	}
	for _, r := range roots {
		walk(r, 0)
	}
	return out, depths
}

// messageList shows a place's messages in threads with a cursor.
func messageList(ctx context.Context, c *Call, p place) error {
	b := c.Board
	var msgs []store.Message
	var depths []int
	reading := c.readState(p.area)
	cursor, offset := 0, 0
	msg := ""
	// load reads the list again (after a screen on top of it, or a post
	// or deletion elsewhere); the cursor stays on its message.
	load := func() error {
		c.SetActivity("reading " + p.title)
		var at int64
		if cursor < len(msgs) {
			at = msgs[cursor].ID
		}
		q := p.query(c)
		q.Limit = listedMax
		all, err := b.Store.Messages.ListMessages(ctx, q)
		if err != nil {
			return err
		}
		msgs, depths = threadOrder(all)
		reading.last, err = b.Store.Messages.LastRead(ctx, c.User.Handle, p.area)
		if i := slices.IndexFunc(msgs, func(m store.Message) bool { return m.ID == at }); i >= 0 {
			cursor = i
		}
		cursor = min(cursor, max(len(msgs)-1, 0))
		return err
	}
	if err := load(); err != nil {
		return err
	}
	// Messages posted while the list is up appear in it.
	defer c.Watch(b.Events, TopicMessage)()
	// Start at the first unread message.
	for i, m := range msgs {
		if reading.unread(m.ID) {
			cursor = i
			break
		}
	}
	draw := func() {
		sz := c.Size()
		c.WriteString(ui.ClearScreen)
		say(c.Session, 1, styleTitle, p.title+": "+count(len(msgs), "message"))
		height := max(sz.Rows-4, 1)
		if cursor < offset {
			offset = cursor
		}
		if cursor >= offset+height {
			offset = cursor - height + 1
		}
		for i := range height {
			row := 3 + i
			c.WriteString(ui.MoveTo(row, 1) + ui.Reset + ui.ClearEOL)
			n := offset + i
			if n >= len(msgs) {
				continue
			}
			c.WriteString(listRow(msgs[n], depths[n], reading.unread(msgs[n].ID), n == cursor, sz.Cols))
		}
		if len(msgs) == 0 {
			say(c.Session, 3, styleDim, "No messages yet.")
		}
		say(c.Session, sz.Rows, "", keyHelp("Enter", "read", "u", "next unread", "n", "new", "q", "back"))
		if msg != "" {
			say(c.Session, sz.Rows-1, styleError, msg)
		}
	}
	draw()
	for {
		k, err := b.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		page := max(c.Size().Rows-5, 1)
		msg = ""
		switch {
		case k.Code == term.KeyEvent:
			if c.Event().Topic != TopicMessage {
				continue
			}
			if err := load(); err != nil {
				return err
			}
		case isQuit(k) && k.Code != term.KeyEnter:
			return nil
		case k.Code == term.KeyUp:
			cursor = max(cursor-1, 0)
		case k.Code == term.KeyDown:
			cursor = min(cursor+1, max(len(msgs)-1, 0))
		case k.Code == term.KeyPgUp:
			cursor = max(cursor-page, 0)
		case k.Code == term.KeyPgDn:
			cursor = min(cursor+page, max(len(msgs)-1, 0))
		case k.Code == term.KeyHome:
			cursor = 0
		case k.Code == term.KeyEnd:
			cursor = max(len(msgs)-1, 0)
		case k.Code == term.KeyEnter && len(msgs) > 0:
			if cursor, err = readMessages(ctx, c, p, msgs, cursor, reading); err != nil {
				return err
			}
			if err := load(); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'u':
			i := slices.IndexFunc(msgs, func(m store.Message) bool { return reading.unread(m.ID) })
			if i < 0 {
				msg = "No unread messages here."
				break
			}
			if cursor, err = readMessages(ctx, c, p, msgs, i, reading); err != nil {
				return err
			}
			if err := load(); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'n':
			if msg, err = compose(ctx, c, draft{area: p.area}); err != nil {
				return err
			}
			if err := load(); err != nil {
				return err
			}
		default:
			continue
		}
		draw()
	}
}

// readState is the caller's reading of one place during a call. The
// stored read pointer is a high-water mark, so it only moves over
// messages read without a gap: a caller who jumps to the newest message
// still finds the ones between unread. What was read out of order is
// remembered until the call ends.
type readState struct {
	last int64          // the stored pointer
	seen map[int64]bool // read in this call
}

// readState returns the caller's reading of an area ("" for mail).
func (c *Call) readState(area string) *readState {
	if c.reading == nil {
		c.reading = make(map[string]*readState)
	}
	r := c.reading[area]
	if r == nil {
		r = &readState{seen: make(map[int64]bool)}
		c.reading[area] = r
	}
	return r
}

func (r *readState) unread(id int64) bool { return id > r.last && !r.seen[id] }

// read marks a message read, and returns where the stored pointer moves
// to, 0 if it stays: past every message of msgs read in a row after it.
func (r *readState) read(id int64, msgs []store.Message) int64 {
	r.seen[id] = true
	ids := make([]int64, 0, len(msgs))
	for _, m := range msgs {
		if m.ID > r.last {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	to := r.last
	for _, id := range ids {
		if !r.seen[id] {
			break
		}
		to = id
	}
	if to == r.last {
		return 0
	}
	r.last = to
	return to
}

// readOwn marks the caller's own new message in a public area read, so
// that it is not new to its author, and moves the stored pointer past it
// when everything before it was read too.
func (b *Board) readOwn(ctx context.Context, c *Call, area string, id int64) error {
	r := c.readState(area)
	last, err := b.Store.Messages.LastRead(ctx, c.User.Handle, area)
	if err != nil {
		return err
	}
	r.last = max(r.last, last)
	// The pointer can pass at most the messages already seen, and this
	// one: no need to load more than that.
	msgs, err := b.Store.Messages.ListMessages(ctx, store.MessageQuery{Area: area, AfterID: r.last, Limit: len(r.seen) + 1})
	if err != nil {
		return err
	}
	if to := r.read(id, msgs); to > 0 {
		return b.Store.Messages.SetLastRead(ctx, c.User.Handle, area, to)
	}
	return nil
}

// mayDelete reports whether the caller may delete m: the sysop, its
// author (not someone who later registered the author's freed handle),
// or the recipient of a letter (a letter is deleted with its recipient's
// account, so its handle's next owner never sees it).
func (c *Call) mayDelete(m store.Message) bool {
	if c.Sysop() {
		return true
	}
	if c.Anonymous() {
		return false
	}
	me := store.HandleKey(c.User.Handle)
	return store.HandleKey(m.From) == me && !c.User.Created.After(m.Created) ||
		m.To != "" && store.HandleKey(m.To) == me
}

// listRow formats one message in a list.
func listRow(m store.Message, depth int, unread, selected bool, width int) string {
	mark := " "
	if unread {
		mark = styleKey + "*" + styleText
	}
	who := m.From
	subject := strings.Repeat("  ", min(depth, threadDepth)) + clean(m.Subject)
	line := fmt.Sprintf("%s%s%s %6d  %s %s %s", styleText, mark, styleText, m.ID,
		ui.Pad(subject, max(width-42, 10)), ui.Pad(clean(who), 16), m.Created.Local().Format("Jan 02 15:04"))
	if selected {
		line = "\x1b[0;1;37;44m" + ui.Pad(stripSGR(line), width) + ui.Reset
	}
	return ui.Truncate(line, width)
}

// readMessages shows msgs[i] and lets the caller move through the list;
// it returns where they stopped.
func readMessages(ctx context.Context, c *Call, p place, msgs []store.Message, i int, reading *readState) (int, error) {
	b := c.Board
	msg, msgStyle := "", ""
	for {
		m := msgs[i]
		if to := reading.read(m.ID, msgs); to > 0 {
			if err := b.Store.Messages.SetLastRead(ctx, c.User.Handle, p.area, to); err != nil {
				return i, err
			}
		}
		scroll := 0
		var body []string
		draw := func() {
			sz := c.Size()
			c.WriteString(ui.ClearScreen)
			head := [][2]string{{"From", clean(m.From)}, {"Date", m.Created.Local().Format("Mon Jan 02 2006 15:04")}}
			if m.To != "" {
				head = append(head, [2]string{"To", clean(m.To)})
			} else {
				head = append(head, [2]string{"Area", clean(m.Area)})
			}
			if m.Parent != 0 {
				head = append(head, [2]string{"Reply to", fmt.Sprintf("#%d", m.Parent)})
			}
			head = append(head, [2]string{"Subject", clean(m.Subject)})
			for j, h := range head {
				c.WriteString(ui.MoveTo(1+j, 2) + styleLabel + ui.Pad(h[0], 9) + styleValue + ui.Truncate(h[1], sz.Cols-12) + ui.Reset)
			}
			c.WriteString(ui.MoveTo(1, max(sz.Cols-10, 1)) + styleDim + fmt.Sprintf("#%d", m.ID) + ui.Reset)
			top := len(head) + 2
			c.WriteString(ui.MoveTo(top-1, 1) + styleDim + strings.Repeat("─", sz.Cols) + ui.Reset)
			body = ui.Wrap(term.SanitizeText(m.Body), sz.Cols-2)
			height := max(sz.Rows-top-1, 1)
			scroll = max(0, min(scroll, len(body)-height))
			for j := range height {
				c.WriteString(ui.MoveTo(top+j, 2) + ui.ClearEOL)
				if n := scroll + j; n < len(body) {
					style := styleText
					if strings.HasPrefix(body[n], ">") {
						style = "\x1b[0;36m"
					}
					c.WriteString(style + body[n] + ui.Reset)
				}
			}
			more := ""
			if scroll+height < len(body) {
				more = "  (more: PgDn)"
			}
			keys := []string{"n", "next", "p", "previous", "r", "reply", "q", "list"}
			if c.mayDelete(m) {
				keys = append(keys[:6], "d", "delete", "q", "list")
			}
			say(c.Session, sz.Rows, "", keyHelp(keys...)+styleDim+more)
			if msg != "" {
				say(c.Session, sz.Rows, msgStyle, msg)
				msg = ""
			}
		}
		draw()
	next:
		for {
			k, err := b.nextKey(ctx, c, draw)
			if err != nil {
				return i, err
			}
			height := max(c.Size().Rows-8, 1)
			switch {
			case k.Code == term.KeyUp:
				scroll = max(scroll-1, 0)
			case k.Code == term.KeyDown:
				scroll++
			case k.Code == term.KeyPgUp:
				scroll = max(scroll-height, 0)
			case k.Code == term.KeyPgDn || k.Code == term.KeyRune && k.Rune == ' ':
				scroll += height
			case isQuit(k):
				return i, nil
			case k.Code == term.KeyRight || k.Code == term.KeyRune && k.Rune == 'n':
				if i+1 < len(msgs) {
					i++
					break next
				}
				msg, msgStyle = "That was the last one.", styleDim
			case k.Code == term.KeyLeft || k.Code == term.KeyRune && k.Rune == 'p':
				if i > 0 {
					i--
					break next
				}
				msg, msgStyle = "That was the first one.", styleDim
			case k.Code == term.KeyRune && k.Rune == 'r':
				d := draft{area: m.Area, parent: &m}
				if m.Area == "" {
					d.to = m.From
				}
				if msg, err = compose(ctx, c, d); err != nil {
					return i, err
				}
				msgStyle = styleError
				if msg == "" {
					msg, msgStyle = "Your reply is posted.", styleOK
				}
			case k.Code == term.KeyRune && k.Rune == 'd' && c.mayDelete(m):
				sure, err := confirm(ctx, c.Session, c.Size().Rows, fmt.Sprintf("Delete message #%d?", m.ID))
				if err != nil {
					return i, err
				}
				if sure {
					if err := b.Store.Messages.DeleteMessage(ctx, m.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
						return i, err
					}
					b.Log.Info("message deleted", "id", m.ID, "by", c.User.Handle)
					b.Events.Publish(events.Event{Topic: TopicMessage, Data: m.ID})
					return i, nil
				}
			default:
				continue
			}
			draw()
		}
	}
}

// draft is a message about to be written.
type draft struct {
	area   string         // the area, or "" for a letter
	to     string         // a letter's recipient; asked for when empty
	parent *store.Message // the message answered, if any
}

// compose writes and posts a message or letter. It returns a message for
// the caller when nothing was posted for a reason they should know.
func compose(ctx context.Context, c *Call, d draft) (string, error) {
	b := c.Board
	c.SetActivity("writing a message")
	sz := c.Size()
	c.WriteString(ui.ClearScreen)
	say(c.Session, 1, styleTitle, "New message")
	if d.area == mailArea && d.to == "" {
		u, m, err := askHandle(ctx, c, 3, "To: ", func() { c.WriteString(ui.ClearScreen) })
		if errors.Is(err, ui.ErrCancel) {
			return "", nil
		}
		if err != nil || m != "" {
			return m, err
		}
		d.to = u.Handle
	}
	subject := ""
	if d.parent != nil {
		subject = d.parent.Subject
		if !strings.HasPrefix(strings.ToLower(subject), "re: ") {
			subject = "Re: " + subject
		}
	}
	c.WriteString(ui.MoveTo(4, 2) + ui.ClearEOL + styleLabel + "Subject: " + ui.Reset)
	f := &ui.Field{Row: 4, Col: 11, Max: subjectMax, Width: min(subjectMax, sz.Cols-12), Value: ui.Truncate(subject, subjectMax)}
	subject, err := f.Read(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	subject = strings.TrimSpace(term.Sanitize(subject))
	if subject == "" {
		return "A message needs a subject.", nil
	}
	start := ""
	if d.parent != nil {
		start = ui.Quote(d.parent.From, d.parent.Body, d.parent.Created.Local(), sz.Cols-1) + "\n"
	}
	title := subject
	if d.to != "" {
		title = "To " + d.to + ": " + subject
	}
	ed := &ui.Editor{Text: start, Title: ui.Truncate(title, sz.Cols/2)}
	body, err := ed.Run(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return "Nothing was posted.", nil
	}
	if err != nil {
		return "", err
	}
	body = strings.TrimRight(term.SanitizeText(body), " \n")
	if body == "" || body == strings.TrimRight(start, " \n") {
		return "An empty message was not posted.", nil
	}
	m := &store.Message{Area: d.area, To: d.to, From: c.User.Handle, Subject: subject, Body: body, Created: time.Now()}
	if d.parent != nil {
		m.Parent = d.parent.ID
	}
	if err := b.Store.Messages.PostMessage(ctx, m); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "That user or message no longer exists.", nil
		}
		return "", err
	}
	b.Log.Info("message posted", "id", m.ID, "area", m.Area, "to", m.To, "from", m.From)
	if m.To == "" {
		// The message is posted; failing to mark it read is no reason to
		// end the call.
		if err := b.readOwn(ctx, c, m.Area, m.ID); err != nil && !sessionOver(ctx, err) {
			b.Log.Warn("marking one's own message read", "id", m.ID, "err", err)
		}
	}
	b.Events.Publish(events.Event{Topic: TopicMessage, Data: m.ID})
	if m.To != "" {
		b.Events.Publish(events.Event{Topic: events.UserTopic(store.HandleKey(m.To)),
			Data: Notice{Title: "You have mail.", Text: "A new letter from " + m.From + ": " + m.Subject}})
	}
	return "", nil
}
