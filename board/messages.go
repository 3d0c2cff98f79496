package board

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// threadDepth is the deepest indent a list shows.
const threadDepth = 4

// mailArea is the "area" of a user's private mail.
const mailArea = community.MailArea

// place is a message area or the caller's mailbox.
type place struct {
	area  string // "" for mail
	title string
}

// messageAreas lists the areas and the caller's mail, with new counts.
func messageAreas(ctx context.Context, c *Call) error {
	b := c.Board
	if c.Anonymous() {
		return notForAnonymous(ctx, c, c.T("messages.anonymous"))
	}
	msg := ""
	for {
		c.SetActivityMessage("activity.message_areas")
		// placeTitle says the mailbox's title in the caller's language.
		places := []place{{area: mailArea}}
		for _, a := range c.reading.Areas() { // those open to the caller
			places = append(places, place{area: a, title: a})
		}
		items := make([]ui.MenuItem, len(places), len(places)+1)
		for i := range places {
			items[i].Key = rune('1' + i - 1)
		}
		items[0].Key = 'm'
		items = append(items, ui.MenuItem{Key: 'w', Label: c.T("messages.write_letter")})
		// recount labels each place with its messages and new ones.
		recount := func() error {
			for i, p := range places {
				total, unread, err := c.reading.Counts(ctx, p.area)
				if err != nil {
					return err
				}
				title := placeTitle(c, p)
				items[i].Label = c.T("messages.area_row", "title", fmt.Sprintf("%-14s", ui.Truncate(title, 14)),
					"total", fmt.Sprintf("%4d", total), "new", strconv.Itoa(unread))
				if c.Accessible() {
					items[i].Label = c.N("messages.area_row_plain", total, "title", title, "new", strconv.Itoa(unread))
				}
			}
			return nil
		}
		if err := recount(); err != nil {
			return err
		}
		m := &ui.Menu{Items: items}
		// Counts follow posts and deletions; notices show at once.
		var eventErr error
		m.OnNotice = func() bool {
			redraw, err := c.ShowNotices(ctx)
			eventErr = cmp.Or(eventErr, err)
			return redraw
		}
		m.OnEvent = func(ev events.Event) bool {
			if ev.Topic == events.TopicMessage {
				eventErr = cmp.Or(eventErr, recount())
			}
			return false
		}
		layout := func() (int, int, int) {
			c.Clear()
			c.Say(1, c.Theme.Title, c.T("messages.title", "board", clean(b.cfg.Name)))
			c.Say(c.Size().Rows, "", c.KeyHelp("arrows", c.Theme.Strings.Choose, "Enter", c.T("messages.key_open"), "q", c.Theme.Strings.Back))
			if msg != "" {
				c.Say(c.Size().Rows-1, c.Theme.Error, msg)
			}
			m.Rows = len(items)
			return 3, 3, c.Size().Cols - 4
		}
		m.Relayout = layout
		if _, err := c.ShowNotices(ctx); err != nil {
			return err
		}
		c.Theme.styleMenu(m)
		m.Top, m.Left, m.Width = layout()
		stop := c.Inbox().WatchUpdates(b.cfg.Events, events.TopicMessage)
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

// placeTitle is a place's title in the caller's language.
func placeTitle(c *Call, p place) string {
	if p.area == mailArea {
		return c.T("messages.your_mail")
	}
	return p.title
}

// notForAnonymous explains why a screen is closed to visitors.
func notForAnonymous(ctx context.Context, c *Call, text string) error {
	draw := func() {
		c.Clear()
		c.Say(2, c.Theme.Text, text)
		c.Say(4, "", c.KeyHelp(c.Theme.Strings.AnyKey, c.Theme.Strings.Back))
	}
	draw()
	return c.AnyKey(ctx, draw)
}

// messageList shows a place's messages in threads with a cursor.
func messageList(ctx context.Context, c *Call, p place) error {
	if c.Accessible() {
		return messageListPlain(ctx, c, p)
	}
	b := c.Board
	var msgs []store.Message
	var depths []int
	reading := c.reading
	cursor, offset := 0, 0
	msg := ""
	// load reads the list again (after a screen on top of it, or a post
	// or deletion elsewhere); the cursor stays on its message.
	load := func() error {
		c.readingActivity(p)
		var at int64
		if cursor < len(msgs) {
			at = msgs[cursor].ID
		}
		var err error
		msgs, depths, err = reading.List(ctx, p.area)
		if err != nil {
			return err
		}
		if i := slices.IndexFunc(msgs, func(m store.Message) bool { return m.ID == at }); i >= 0 {
			cursor = i
		}
		cursor = min(cursor, max(len(msgs)-1, 0))
		return nil
	}
	if err := load(); err != nil {
		return err
	}
	// Messages posted while the list is up appear in it.
	defer c.Inbox().WatchUpdates(b.cfg.Events, events.TopicMessage)()
	// Start at the first unread message.
	for i, m := range msgs {
		if reading.Unread(p.area, m.ID) {
			cursor = i
			break
		}
	}
	draw := func() {
		sz := c.Size()
		c.WriteString(ui.ClearScreen)
		c.Say(1, c.Theme.Title, c.N("messages.list_title", len(msgs), "title", placeTitle(c, p)))
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
			c.WriteString(listRow(c.Lang(), c.Theme, msgs[n], depths[n], reading.Unread(p.area, msgs[n].ID), n == cursor, sz.Cols))
		}
		if len(msgs) == 0 {
			c.Say(3, c.Theme.Dim, c.T("messages.none"))
		}
		c.Say(sz.Rows, "", c.KeyHelp("Enter", c.T("messages.key_read"), "u", c.T("messages.key_next_unread"), "n", c.T("messages.key_new"), "q", c.Theme.Strings.Back))
		if msg != "" {
			c.Say(sz.Rows-1, c.Theme.Error, msg)
		}
	}
	draw()
	for {
		k, err := c.NextKey(ctx, draw)
		if err != nil {
			return err
		}
		page := max(c.Size().Rows-5, 1)
		msg = ""
		switch {
		case k.Code == term.KeyEvent:
			if c.Event().Topic != events.TopicMessage {
				continue
			}
			if err := load(); err != nil {
				return err
			}
		case IsQuit(k) && k.Code != term.KeyEnter:
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
			if cursor, err = readMessages(ctx, c, p, msgs, cursor); err != nil {
				return err
			}
			if err := load(); err != nil {
				return err
			}
		case k.Code == term.KeyRune && k.Rune == 'u':
			i := slices.IndexFunc(msgs, func(m store.Message) bool { return reading.Unread(p.area, m.ID) })
			if i < 0 {
				msg = c.T("messages.no_unread")
				break
			}
			if cursor, err = readMessages(ctx, c, p, msgs, i); err != nil {
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

// listRow formats one message in a list.
func listRow(p *lang.Printer, t *Theme, m store.Message, depth int, unread, selected bool, width int) string {
	mark := " "
	if unread {
		mark = t.Key + "*" + t.Text
	}
	who := m.From
	subject := strings.Repeat("  ", min(depth, threadDepth)) + clean(m.Subject)
	line := fmt.Sprintf("%s%s%s %6d  %s %s %s", t.Text, mark, t.Text, m.ID,
		ui.Pad(subject, max(width-42, 10)), ui.Pad(clean(who), 16), dateIn(p, m.Created.Local(), "Jan 02 15:04"))
	if selected {
		line = t.Bar + ui.Pad(stripSGR(line), width) + ui.Reset
	}
	return ui.Truncate(line, width)
}

// readMessages shows msgs[i] and lets the caller move through the list;
// it returns where they stopped.
func readMessages(ctx context.Context, c *Call, p place, msgs []store.Message, i int) (int, error) {
	reading := c.reading
	msg, msgStyle := "", ""
	for {
		m := msgs[i]
		if err := reading.MarkRead(ctx, p.area, m.ID, msgs); err != nil {
			return i, err
		}
		scroll := 0
		var body []string
		draw := func() {
			if c.Accessible() {
				showMessagePlain(ctx, c, m, reading.MayDelete(m), msg)
				msg = ""
				return
			}
			sz := c.Size()
			c.WriteString(ui.ClearScreen)
			labels := headerLabels(c)
			head := [][2]string{{labels[0], clean(m.From)}, {labels[1], c.date(m.Created.Local(), "Mon Jan 02 2006 15:04")}}
			if m.To != "" {
				head = append(head, [2]string{labels[2], clean(m.To)})
			} else {
				head = append(head, [2]string{labels[3], clean(m.Area)})
			}
			if m.Parent != 0 {
				head = append(head, [2]string{labels[4], fmt.Sprintf("#%d", m.Parent)})
			}
			head = append(head, [2]string{labels[5], clean(m.Subject)})
			// The labels' column is as wide as the longest label, and one more.
			labelW := 0
			for _, l := range labels {
				labelW = max(labelW, ui.Width(l))
			}
			labelW++
			for j, h := range head {
				c.WriteString(ui.MoveTo(1+j, 2) + c.Theme.Label + ui.Pad(h[0], labelW) + c.Theme.Value + ui.Truncate(h[1], sz.Cols-3-labelW) + ui.Reset)
			}
			c.WriteString(ui.MoveTo(1, max(sz.Cols-10, 1)) + c.Theme.Dim + fmt.Sprintf("#%d", m.ID) + ui.Reset)
			top := len(head) + 2
			c.WriteString(ui.MoveTo(top-1, 1) + c.Theme.Dim + strings.Repeat(c.Theme.Box.Horizontal, sz.Cols) + ui.Reset)
			body = ui.Wrap(term.SanitizeText(m.Body), sz.Cols-2)
			height := max(sz.Rows-top-1, 1)
			scroll = max(0, min(scroll, len(body)-height))
			for j := range height {
				c.WriteString(ui.MoveTo(top+j, 2) + ui.ClearEOL)
				if n := scroll + j; n < len(body) {
					style := c.Theme.Text
					if strings.HasPrefix(body[n], ">") {
						style = c.Theme.Label
					}
					c.WriteString(style + body[n] + ui.Reset)
				}
			}
			more := ""
			if scroll+height < len(body) {
				more = "  " + c.T("messages.more")
			}
			c.Say(sz.Rows, "", c.KeyHelp(readerKeys(c, reading.MayDelete(m))...)+c.Theme.Dim+more)
			if msg != "" {
				c.Say(sz.Rows, msgStyle, msg)
				msg = ""
			}
		}
		draw()
	next:
		for {
			k, err := c.NextKey(ctx, draw)
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
			case c.choiceQuit(k):
				return i, nil
			case k.Code == term.KeyRight || k.Code == term.KeyRune && k.Rune == 'n':
				if i+1 < len(msgs) {
					i++
					break next
				}
				msg, msgStyle = c.T("messages.last"), c.Theme.Dim
			case k.Code == term.KeyLeft || k.Code == term.KeyRune && k.Rune == 'p':
				if i > 0 {
					i--
					break next
				}
				msg, msgStyle = c.T("messages.first"), c.Theme.Dim
			case k.Code == term.KeyRune && k.Rune == 'r':
				d := draft{area: m.Area, parent: &m}
				if m.Area == "" {
					d.to = m.From
				}
				if msg, err = compose(ctx, c, d); err != nil {
					return i, err
				}
				msgStyle = c.Theme.Error
				if msg == "" {
					msg, msgStyle = c.T("messages.reply_posted"), c.Theme.OK
				}
			case k.Code == term.KeyRune && k.Rune == 'd' && reading.MayDelete(m):
				sure, err := c.Confirm(ctx, c.Size().Rows, c.T("messages.delete_confirm", "id", strconv.FormatInt(m.ID, 10)))
				if err != nil {
					return i, err
				}
				if sure {
					return i, reading.Delete(ctx, m)
				}
			case c.Accessible(): // the keys again, rather than silence
				msg, msgStyle = c.noSuchKey(k), ""
			default:
				continue
			}
			draw()
		}
	}
}

// headerLabels are the labels of a message's header in the reader:
// from, date, to, area, reply to, subject.
func headerLabels(c *Call) [6]string {
	return [6]string{c.T("messages.label_from"), c.T("messages.label_date"), c.T("messages.label_to"),
		c.T("messages.label_area"), c.T("messages.label_reply_to"), c.T("messages.label_subject")}
}

// readerKeys are the reader's keys and their meanings, d among them when
// the caller may delete the message.
func readerKeys(c *Call, mayDelete bool) []string {
	keys := []string{"n", c.T("messages.key_next"), "p", c.T("messages.key_previous"), "r", c.T("messages.key_reply")}
	if mayDelete {
		keys = append(keys, "d", c.T("messages.key_delete"))
	}
	return append(keys, "q", c.T("messages.key_list"))
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
	// Said before the caller writes anything: the service would refuse
	// the post (access.ErrUnvalidated).
	if err := access.CheckValidated(c.User); err != nil {
		return err.Error(), nil
	}
	c.SetActivityMessage("activity.writing_message")
	sz := c.Size()
	c.Clear()
	c.Say(1, c.Theme.Title, c.T("messages.new_title"))
	if d.area == mailArea && d.to == "" {
		u, m, err := askHandle(ctx, c, 3, c.T("messages.to_prompt"), c.Clear)
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
	label := c.T("messages.subject_prompt")
	col := 2 + ui.Width(label)
	if !c.Accessible() {
		c.WriteString(ui.MoveTo(4, 2) + ui.ClearEOL + c.Theme.Label + label + ui.Reset)
	}
	f := &ui.Field{Row: 4, Col: col, Max: community.SubjectMax, Width: min(community.SubjectMax, sz.Cols-col-1), Value: ui.Truncate(subject, community.SubjectMax), Style: c.Theme.Bar,
		Prompt: label}
	subject, err := f.Read(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(subject) == "" {
		return c.T("messages.need_subject"), nil
	}
	start := ""
	if d.parent != nil {
		start = ui.QuoteIn(c.Lang(), d.parent.From, d.parent.Body, d.parent.Created.Local(), sz.Cols-1) + "\n"
	}
	title := subject
	if d.to != "" {
		title = c.T("messages.editor_title", "to", d.to, "subject", subject)
	}
	ed := &ui.Editor{Text: start, Title: ui.Truncate(title, sz.Cols/2)}
	body, err := ed.Run(ctx, c.Session)
	if errors.Is(err, ui.ErrCancel) {
		return c.T("messages.not_posted"), nil
	}
	if err != nil {
		return "", err
	}
	if strings.TrimRight(term.SanitizeText(body), " \n") == strings.TrimRight(start, " \n") {
		return c.T("messages.empty"), nil
	}
	_, err = c.reading.Post(ctx, community.Draft{Area: d.area, To: d.to, Subject: subject, Body: body, Parent: d.parent})
	switch {
	case errors.Is(err, community.ErrNoSubject):
		return c.T("messages.need_subject"), nil
	case errors.Is(err, community.ErrEmpty):
		return c.T("messages.empty"), nil
	case errors.Is(err, community.ErrNoRecipient):
		return c.T("messages.no_recipient"), nil
	case errors.Is(err, community.ErrTooLong):
		return c.T("messages.too_long"), nil
	case errors.Is(err, access.ErrUnvalidated):
		return err.Error(), nil
	}
	return "", err
}
