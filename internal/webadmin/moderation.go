package webadmin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

type onelinerRow struct {
	ID                   int64
	Handle, Text, Posted string
}

type onelinersData struct {
	Oneliners []onelinerRow
	Limit     int
}

// oneliners lists the newest one-liners, a page of them.
func (h *Handler) oneliners(q *request) {
	list, err := h.cfg.Oneliners.List(q.r.Context(), h.cfg.PageSize)
	if err != nil {
		q.internal(err)
		return
	}
	rows := make([]onelinerRow, len(list))
	for i, o := range list {
		rows[i] = onelinerRow{ID: o.ID, Handle: term.Sanitize(o.Handle), Text: term.Sanitize(o.Text), Posted: since(o.Posted)}
	}
	q.render(http.StatusOK, "oneliners", "One-liners", onelinersData{Oneliners: rows, Limit: h.cfg.PageSize})
}

// onelinerDelete removes a one-liner.
func (h *Handler) onelinerDelete(q *request) {
	id, err := strconv.ParseInt(q.form("id"), 10, 64)
	if err == nil {
		err = h.cfg.Oneliners.Delete(q.r.Context(), q.user, id)
	} else {
		err = store.ErrNotFound
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		q.refused(Prefix+"oneliners", "That one-liner is gone already.")
	case err != nil:
		q.internal(err)
	default:
		q.done(Prefix+"oneliners", fmt.Sprintf("One-liner %d deleted.", id))
	}
}

type messageRow struct {
	ID                           int64
	From, Subject, Body, Created string
	Reply                        bool
}

type messagesData struct {
	Areas []areaLink
	Area  string
	// Messages are a page of the area, oldest first; Left how many
	// follow them.
	Messages []messageRow
	Left     int
	After    int64
	First    string // link to the first page, "" on it
	Next     string // link to the next page, "" for none
}

type areaLink struct {
	Name, Link string
	Current    bool
}

// excerpt is how much of a message's body the list shows.
const excerpt = 160

// messages lists a public area's messages, a page at a time.
func (h *Handler) messages(q *request) {
	areas := h.cfg.Messages.Areas()
	area := q.r.URL.Query().Get("area")
	if area == "" && len(areas) > 0 {
		area = areas[0]
	}
	after, _ := strconv.ParseInt(q.r.URL.Query().Get("after"), 10, 64)
	d := messagesData{Area: term.Sanitize(area), After: max(after, 0)}
	for _, a := range areas {
		d.Areas = append(d.Areas, areaLink{Name: term.Sanitize(a), Link: areaPage(a, 0), Current: a == area})
	}
	if len(areas) == 0 {
		q.render(http.StatusOK, "messages", "Messages", d)
		return
	}
	list, total, err := h.cfg.Messages.Page(q.r.Context(), q.user, area, d.After, h.cfg.PageSize)
	switch {
	case errors.Is(err, community.ErrNoArea):
		q.fail(http.StatusNotFound, "No such area", fmt.Sprintf("There is no message area %q.", term.Sanitize(area)))
		return
	case err != nil:
		q.internal(err)
		return
	}
	for _, m := range list {
		body := term.Sanitize(m.Body)
		if utf8.RuneCountInString(body) > excerpt {
			body = string([]rune(body)[:excerpt]) + "…"
		}
		d.Messages = append(d.Messages, messageRow{ID: m.ID, From: term.Sanitize(m.From), Subject: term.Sanitize(m.Subject),
			Body: body, Created: since(m.Created), Reply: m.Parent != 0})
	}
	d.Left = total - len(list)
	if d.After > 0 {
		d.First = areaPage(area, 0)
	}
	if d.Left > 0 && len(list) > 0 {
		d.Next = areaPage(area, list[len(list)-1].ID)
	}
	q.render(http.StatusOK, "messages", "Messages", d)
}

// areaPage is the address of a page of an area.
func areaPage(area string, after int64) string {
	v := url.Values{"area": {area}}
	if after > 0 {
		v.Set("after", strconv.FormatInt(after, 10))
	}
	return Prefix + "messages?" + v.Encode()
}

// messageDelete removes a message, back to the page it was listed on.
func (h *Handler) messageDelete(q *request) {
	back := areaPage(q.form("area"), 0)
	if after, err := strconv.ParseInt(q.form("after"), 10, 64); err == nil {
		back = areaPage(q.form("area"), after)
	}
	id, err := strconv.ParseInt(q.form("id"), 10, 64)
	if err == nil {
		err = h.cfg.Messages.Delete(q.r.Context(), q.user, id)
	} else {
		err = store.ErrNotFound
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		q.refused(back, "That message is gone already.")
	case err != nil:
		q.internal(err)
	default:
		q.done(back, fmt.Sprintf("Message %d deleted.", id))
	}
}
