package community

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Message limits.
const (
	// SubjectMax is the longest subject, in characters.
	SubjectMax = 72
	// BodyMax is the longest message body, in bytes.
	BodyMax = 64 << 10
	// ListMax is the most messages a list holds.
	ListMax = 5000
	// MailArea is the "area" of a user's private mail (letters).
	MailArea = ""
)

// Reasons Post refuses a message.
var (
	ErrNoSubject   = errors.New("community: a message needs a subject")
	ErrNoRecipient = errors.New("community: that user or message no longer exists")
	ErrNoArea      = errors.New("community: no such message area")
)

// Messages are the public message areas and private mail.
type Messages struct {
	store store.Messages
	bus   events.Bus
	areas []string
	needs map[string]access.Need // by area; see MayRead
	log   *slog.Logger
}

// Areas returns the public areas' tags.
func (m *Messages) Areas() []string { return slices.Clone(m.areas) }

// Reading is one caller's reading of the messages during a call: where
// they are in each area, and what they read out of order.
//
// The stored read pointer of each area (MailArea for letters) is a
// high-water mark, so it only moves over messages read without a gap: a
// caller who jumps to the newest message still finds the ones between
// unread. What was read out of order counts as read until the call ends.
// A caller's own post counts as read by them.
type Reading struct {
	m     *Messages
	user  *store.User
	areas map[string]*readState
}

// readState is the reading of one area.
type readState struct {
	last int64          // the stored pointer
	seen map[int64]bool // read in this call, past last
}

// Reading starts u's reading for a call; nil is an anonymous caller, who
// reads nothing and may post nothing.
func (m *Messages) Reading(u *store.User) *Reading {
	if u == nil {
		u = &store.User{}
	}
	return &Reading{m: m, user: u, areas: map[string]*readState{}}
}

func (r *Reading) state(area string) *readState {
	st := r.areas[area]
	if st == nil {
		st = &readState{seen: map[int64]bool{}}
		r.areas[area] = st
	}
	return st
}

func (r *Reading) query(area string) store.MessageQuery {
	if area == MailArea {
		return store.MessageQuery{To: r.user.Handle}
	}
	return store.MessageQuery{Area: area}
}

// Counts returns how many messages an area holds, and how many of them
// are unread.
func (r *Reading) Counts(ctx context.Context, area string) (total, unread int, err error) {
	if !r.mayRead(area) {
		return 0, 0, ErrNoArea
	}
	if anonymous(r.user) {
		return 0, 0, nil
	}
	total, err = r.m.store.CountAfter(ctx, r.query(area))
	if err != nil {
		return 0, 0, fmt.Errorf("community: %w", err)
	}
	unread, err = r.unread(ctx, area)
	return total, unread, err
}

// NewCounts returns how many unread messages the caller has in the
// public areas, and how many letters.
func (r *Reading) NewCounts(ctx context.Context) (public, private int, err error) {
	if anonymous(r.user) {
		return 0, 0, nil
	}
	for _, a := range r.Areas() {
		n, err := r.unread(ctx, a)
		if err != nil {
			return 0, 0, err
		}
		public += n
	}
	private, err = r.unread(ctx, MailArea)
	return public, private, err
}

func (r *Reading) unread(ctx context.Context, area string) (int, error) {
	last, err := r.m.store.LastRead(ctx, r.user.Handle, area)
	if err != nil {
		return 0, fmt.Errorf("community: %w", err)
	}
	q := r.query(area)
	q.AfterID = last
	n, err := r.m.store.CountAfter(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("community: %w", err)
	}
	// Less what the caller read out of order this call and is still
	// there (a message can be deleted after it was read).
	st := r.state(area)
	for id := range st.seen {
		if id <= last {
			continue
		}
		switch _, err := r.m.store.Message(ctx, id); {
		case errors.Is(err, store.ErrNotFound):
			delete(st.seen, id)
		case err != nil:
			return 0, fmt.Errorf("community: %w", err)
		default:
			n--
		}
	}
	return max(n, 0), nil
}

// List returns an area's messages in threads (each reply after its
// parent, replies in order of posting) with the depth of each, and
// brings the caller's read pointer up to date.
func (r *Reading) List(ctx context.Context, area string) ([]store.Message, []int, error) {
	if !r.mayRead(area) {
		return nil, nil, ErrNoArea
	}
	q := r.query(area)
	q.Limit = ListMax
	all, err := r.m.store.ListMessages(ctx, q)
	if err != nil {
		return nil, nil, fmt.Errorf("community: %w", err)
	}
	last, err := r.m.store.LastRead(ctx, r.user.Handle, area)
	if err != nil {
		return nil, nil, fmt.Errorf("community: %w", err)
	}
	r.state(area).last = last
	msgs, depths := ThreadOrder(all)
	return msgs, depths, nil
}

// Unread reports whether the caller has yet to read message id of area.
func (r *Reading) Unread(area string, id int64) bool {
	st := r.state(area)
	return id > st.last && !st.seen[id]
}

// MarkRead marks a message of area read; msgs is the area as the caller
// sees it, over which the stored pointer moves past every message read
// in a row.
func (r *Reading) MarkRead(ctx context.Context, area string, id int64, msgs []store.Message) error {
	if !r.mayRead(area) {
		return ErrNoArea
	}
	if to := r.state(area).read(id, msgs); to > 0 {
		if err := r.m.store.SetLastRead(ctx, r.user.Handle, area, to); err != nil {
			return fmt.Errorf("community: %w", err)
		}
	}
	return nil
}

// read marks a message read, and returns where the stored pointer moves
// to, 0 if it stays.
func (st *readState) read(id int64, msgs []store.Message) int64 {
	st.seen[id] = true
	ids := make([]int64, 0, len(msgs))
	for _, m := range msgs {
		if m.ID > st.last {
			ids = append(ids, m.ID)
		}
	}
	slices.Sort(ids)
	to := st.last
	for _, id := range ids {
		if !st.seen[id] {
			break
		}
		to = id
	}
	if to == st.last {
		return 0
	}
	st.last = to
	return to
}

// Draft is a message about to be posted.
type Draft struct {
	// Area is a public area's tag, or MailArea for a letter to To.
	Area    string
	To      string
	Subject string
	Body    string
	// Parent is the message answered, if any.
	Parent *store.Message
}

// Post posts a message or letter by the caller: terminal control
// sequences are stripped from the subject and body (the body keeps its
// lines), a subject is needed (at most SubjectMax characters), an empty
// body is not posted. The live screens hear of it, and a letter's
// recipient gets a notice. It returns ErrAnonymous, ErrNoSubject,
// ErrEmpty, ErrTooLong, ErrNoArea, ErrNoRecipient when the recipient
// or the parent is gone, or access.ErrUnvalidated for an account
// awaiting a sysop's validation, which posts neither messages nor
// letters.
func (r *Reading) Post(ctx context.Context, d Draft) (*store.Message, error) {
	if anonymous(r.user) {
		return nil, ErrAnonymous
	}
	if err := access.CheckValidated(r.user); err != nil {
		return nil, err
	}
	subject := strings.TrimSpace(term.Sanitize(d.Subject))
	body := strings.TrimRight(term.SanitizeText(d.Body), " \n")
	switch {
	case subject == "":
		return nil, ErrNoSubject
	case utf8.RuneCountInString(subject) > SubjectMax, len(body) > BodyMax:
		return nil, ErrTooLong
	case strings.TrimSpace(body) == "":
		return nil, ErrEmpty
	case d.Area == MailArea && d.To == "":
		return nil, ErrNoRecipient
	case !r.mayRead(d.Area):
		return nil, ErrNoArea
	}
	msg := &store.Message{Area: d.Area, From: r.user.Handle, Subject: subject, Body: body, Created: time.Now()}
	if d.Area == MailArea {
		msg.To = d.To
	}
	if d.Parent != nil {
		msg.Parent = d.Parent.ID
	}
	if err := r.m.store.PostMessage(ctx, msg); errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoRecipient
	} else if err != nil {
		return nil, fmt.Errorf("community: %w", err)
	}
	r.m.log.Info("message posted", "id", msg.ID, "area", msg.Area, "to", msg.To, "from", msg.From)
	if msg.To == "" {
		// The message is posted; failing to mark it read is no reason to
		// fail the post.
		if err := r.readOwn(ctx, msg.Area, msg.ID); err != nil && ctx.Err() == nil {
			r.m.log.Warn("marking one's own message read", "id", msg.ID, "err", err)
		}
	}
	r.m.bus.Publish(events.Event{Topic: events.TopicMessage, Data: events.MessageChanged{ID: msg.ID}})
	if msg.To != "" {
		r.m.bus.Publish(events.Event{Topic: events.UserTopic(store.HandleKey(msg.To)),
			Data: events.Mail{ID: msg.ID, From: msg.From, Subject: msg.Subject}})
	}
	return msg, nil
}

// readOwn marks the caller's own new message in a public area read, and
// moves the stored pointer past it when everything before it was read
// too.
func (r *Reading) readOwn(ctx context.Context, area string, id int64) error {
	st := r.state(area)
	last, err := r.m.store.LastRead(ctx, r.user.Handle, area)
	if err != nil {
		return err
	}
	st.last = max(st.last, last)
	// The pointer can pass at most the messages already seen, and this
	// one: no need to load more than that.
	msgs, err := r.m.store.ListMessages(ctx, store.MessageQuery{Area: area, AfterID: st.last, Limit: len(st.seen) + 1})
	if err != nil {
		return err
	}
	if to := st.read(id, msgs); to > 0 {
		return r.m.store.SetLastRead(ctx, r.user.Handle, area, to)
	}
	return nil
}

// MayDelete reports whether the caller may delete m: a sysop, its author
// (not someone who later registered the author's freed handle), or the
// recipient of a letter (a letter is deleted with its recipient's
// account, so its handle's next owner never sees it).
func (r *Reading) MayDelete(m store.Message) bool {
	if anonymous(r.user) {
		return false
	}
	if r.user.InGroup(store.GroupSysop) {
		return true
	}
	me := store.HandleKey(r.user.Handle)
	return store.HandleKey(m.From) == me && !r.user.Created.After(m.Created) ||
		m.To != "" && store.HandleKey(m.To) == me
}

// Delete deletes a message the caller may delete (ErrNotAllowed
// otherwise); one already gone is no error.
func (r *Reading) Delete(ctx context.Context, m store.Message) error {
	if !r.MayDelete(m) {
		return ErrNotAllowed
	}
	if err := r.m.store.DeleteMessage(ctx, m.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("community: %w", err)
	}
	r.m.log.Info("message deleted", "id", m.ID, "by", r.user.Handle)
	r.m.bus.Publish(events.Event{Topic: events.TopicMessage, Data: events.MessageChanged{ID: m.ID}})
	return nil
}

// ThreadOrder sorts messages into threads: each reply right after its
// parent, replies in order of posting; a reply whose parent is gone
// starts a thread of its own. It returns the depth of each.
func ThreadOrder(msgs []store.Message) ([]store.Message, []int) {
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
	// Messages whose parents answer each other (which the store cannot
	// make, but a list is data) start threads of their own.
	for _, m := range msgs {
		walk(m, 0)
	}
	return out, depths
}
