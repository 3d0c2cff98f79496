package script

import (
	"errors"
	"strconv"
	"time"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/store"
)

// Bounds of the community API.
const (
	// maxOneliners is the most one-liners bbs.oneliners.list returns.
	maxOneliners = 100
	// maxMessages is the most messages bbs.messages.list returns.
	maxMessages = 100
)

// fail turns an error of a service or the store into what the script
// sees: the end of the script when the call is over, else a JavaScript
// error with the rule's message (or a general one, the error logged).
func (r *run) fail(err error) goja.Value {
	if r.c.Over(r.ctx, err) {
		return r.end(err)
	}
	var wait *community.WaitError
	switch {
	case errors.As(err, &wait):
		r.throw(wait.Error())
	case errors.Is(err, community.ErrAnonymous):
		r.throw(r.c.T("script.api.anonymous"))
	case errors.Is(err, community.ErrEmpty):
		r.throw(r.c.T("script.api.nothing"))
	case errors.Is(err, community.ErrNoSubject):
		r.throw(r.c.T("script.api.no_subject"))
	case errors.Is(err, community.ErrNoArea):
		r.throw(r.c.T("script.api.no_area"))
	case errors.Is(err, community.ErrNotAllowed):
		r.throw(r.c.T("script.api.not_allowed"))
	case errors.Is(err, access.ErrUnvalidated):
		r.throw(err.Error())
	case store.Unavailable(err):
		r.throw(r.c.T("script.api.unavailable"))
	}
	// A script may retry in a loop: the log takes its share of lines.
	if r.logLimit.Allow() {
		r.log.Warn("script: a board call failed", "script", r.name, "node", r.c.Node(), "err", err)
	} else {
		r.logDropped++
	}
	r.throw(r.c.T("script.api.failed"))
	return nil
}

// millis is a time as JavaScript counts it: milliseconds since 1970.
func millis(t time.Time) int64 { return t.UnixMilli() }

// onelinersObject is bbs.oneliners.
func (r *run) onelinersObject() *goja.Object {
	o := r.vm.NewObject()
	o.Set("list", r.fn(r.onelinersList))
	o.Set("post", r.fn(r.onelinersPost))
	return o
}

// bbs.oneliners.list(n) → [{handle, text, posted}], newest first
func (r *run) onelinersList(call goja.FunctionCall) goja.Value {
	n := int(intArg(call.Argument(0), 20, 1, maxOneliners))
	list, err := r.c.Community.Oneliners.List(r.ctx, n)
	if err != nil {
		return r.fail(err)
	}
	items := make([]any, len(list))
	for i, ol := range list {
		o := r.vm.NewObject()
		o.Set("handle", ol.Handle)
		o.Set("text", ol.Text)
		o.Set("posted", millis(ol.Posted))
		items[i] = o
	}
	return r.vm.NewArray(items...)
}

// bbs.oneliners.post(text)
func (r *run) onelinersPost(call goja.FunctionCall) goja.Value {
	svc := r.c.Community.Oneliners
	_, err := svc.Post(r.ctx, r.c.User, text(call.Argument(0)))
	if errors.Is(err, community.ErrTooLong) {
		r.throw(r.c.T("script.api.oneliner_long", "max", strconv.Itoa(svc.MaxLength())))
	}
	if err != nil {
		return r.fail(err)
	}
	return goja.Undefined()
}

// messagesObject is bbs.messages.
func (r *run) messagesObject() *goja.Object {
	o := r.vm.NewObject()
	o.Set("areas", r.fn(r.messageAreas))
	o.Set("list", r.fn(r.messagesList))
	o.Set("read", r.fn(r.messagesRead))
	o.Set("post", r.fn(r.messagesPost))
	return o
}

// bbs.messages.areas() → the tags of the public areas open to the caller
func (r *run) messageAreas(goja.FunctionCall) goja.Value {
	areas := r.c.Community.Messages.Reading(r.c.User).Areas()
	items := make([]any, len(areas))
	for i, a := range areas {
		items[i] = a
	}
	return r.vm.NewArray(items...)
}

// message is a message as scripts see it; with body, its text too.
func (r *run) message(m store.Message, body bool) *goja.Object {
	o := r.vm.NewObject()
	o.Set("id", m.ID)
	o.Set("area", m.Area)
	o.Set("from", m.From)
	o.Set("to", m.To)
	o.Set("subject", m.Subject)
	o.Set("posted", millis(m.Created))
	if body {
		o.Set("body", m.Body)
		o.Set("parent", m.Parent)
	}
	return o
}

// publicArea checks that area is a public area the caller may read.
func (r *run) publicArea(area string) {
	if r.c.Anonymous() {
		r.throw(r.c.T("script.api.anonymous"))
	}
	// An area closed to the caller (its level or group) is answered as
	// one that does not exist.
	if area == community.MailArea || !r.c.Community.Messages.MayRead(r.c.User, area) {
		r.throw(r.c.T("script.api.unknown_area", "area", strconv.Quote(area)))
	}
}

// bbs.messages.list(area, n) → the newest n messages, oldest first
func (r *run) messagesList(call goja.FunctionCall) goja.Value {
	area := text(call.Argument(0))
	n := int(intArg(call.Argument(1), 20, 1, maxMessages))
	r.publicArea(area)
	// The store lists oldest first: the area's newest are at the end of
	// the list the message screens read.
	all, err := r.c.Store.Messages.ListMessages(r.ctx, store.MessageQuery{Area: area, Limit: community.ListMax})
	if err != nil {
		return r.fail(err)
	}
	all = all[max(len(all)-n, 0):]
	items := make([]any, len(all))
	for i, m := range all {
		items[i] = r.message(m, false)
	}
	return r.vm.NewArray(items...)
}

// bbs.messages.read(id) → the message with its body, if the caller may
// read it: one of a public area, or a letter to or from them.
func (r *run) messagesRead(call goja.FunctionCall) goja.Value {
	if r.c.Anonymous() {
		r.throw(r.c.T("script.api.anonymous"))
	}
	id := intArg(call.Argument(0), 0, 0, math53)
	m, err := r.c.Store.Messages.Message(r.ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		r.throw(r.c.T("script.api.no_message", "id", strconv.FormatInt(id, 10)))
	}
	if err != nil {
		return r.fail(err)
	}
	me := store.HandleKey(r.c.User.Handle)
	public := m.To == "" && m.Area != community.MailArea && r.c.Community.Messages.MayRead(r.c.User, m.Area)
	letter := m.To != "" && (store.HandleKey(m.To) == me || store.HandleKey(m.From) == me)
	if !public && !letter {
		// The same answer as for a missing message: what others' letters
		// exist is none of the script's business.
		r.throw(r.c.T("script.api.no_message", "id", strconv.FormatInt(id, 10)))
	}
	return r.message(*m, true)
}

// math53 is the largest integer a JavaScript number holds exactly.
const math53 = 1<<53 - 1

// bbs.messages.post({area, subject, body}) → the new message's id
func (r *run) messagesPost(call goja.FunctionCall) goja.Value {
	o := r.objectArg(call.Argument(0))
	if o == nil {
		r.throw("bbs.messages.post takes {area, subject, body}")
	}
	area := text(o.Get("area"))
	if area == "" {
		r.throw(r.c.T("script.api.no_area_given"))
	}
	reading := r.c.Community.Messages.Reading(r.c.User)
	m, err := reading.Post(r.ctx, community.Draft{Area: area, Subject: text(o.Get("subject")), Body: text(o.Get("body"))})
	if errors.Is(err, community.ErrTooLong) {
		r.throw(r.c.T("script.api.too_long", "subject", strconv.Itoa(community.SubjectMax),
			"body", strconv.Itoa(community.BodyMax>>10)))
	}
	if err != nil {
		return r.fail(err)
	}
	return r.vm.ToValue(m.ID)
}

// bbs.who() → [{node, handle, activity, idle, host}]
func (r *run) who(goja.FunctionCall) goja.Value {
	online := r.c.Community.Presence.Online()
	now := time.Now()
	items := make([]any, len(online))
	for i, s := range online {
		o := r.vm.NewObject()
		o.Set("node", s.Node)
		o.Set("handle", s.User)
		o.Set("activity", s.Activity)
		o.Set("idle", int64(max(now.Sub(s.LastInput), 0)/time.Second))
		o.Set("host", s.Host)
		items[i] = o
	}
	return r.vm.NewArray(items...)
}
