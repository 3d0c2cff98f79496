package webadmin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// caller is one live session as the who's online page shows it; every
// text is free of terminal control sequences (html/template escapes the
// rest).
type caller struct {
	Host      string `json:"host,omitempty"`
	Node      int    `json:"node"`
	User      string `json:"user"`
	Kind      string `json:"kind"`
	Remote    string `json:"remote"`
	Term      string `json:"term"`
	Size      string `json:"size"`
	Activity  string `json:"activity"`
	Connected string `json:"connected"`
	Idle      string `json:"idle"`
	// Since is when the call started, in Unix nanoseconds: the
	// disconnect button sends it, so that it ends that call and not a
	// later one on the same node.
	Since string `json:"since"`
}

func callerOf(s session.Snapshot, now time.Time) caller {
	return caller{
		Host: term.Sanitize(s.Host), Node: s.Node, User: term.Sanitize(s.User), Kind: string(s.Kind),
		Remote: term.Sanitize(s.RemoteAddr), Term: term.Sanitize(s.Term),
		Size:     fmt.Sprintf("%d×%d", s.Size.Cols, s.Size.Rows),
		Activity: term.Sanitize(s.Activity), Connected: s.ConnectedAt.UTC().Format("2006-01-02 15:04:05"),
		Idle: span(now.Sub(s.LastInput)), Since: strconv.FormatInt(s.ConnectedAt.UnixNano(), 10),
	}
}

// span writes a duration as a sysop reads it: "42s", "3m", "2h05m".
func span(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
	return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

func (h *Handler) online() []caller {
	if h.cfg.Presence == nil {
		return nil
	}
	now := time.Now()
	snaps := h.cfg.Presence.Online()
	out := make([]caller, len(snaps))
	for i, s := range snaps {
		out[i] = callerOf(s, now)
	}
	return out
}

type whoData struct {
	Callers      []caller
	Disconnect   bool
	Broadcast    bool
	BroadcastMax int
}

// who is the home page: who is online, with a button to end each call
// and a form to send everyone a notice. admin.js refreshes the table.
func (h *Handler) who(q *request) {
	q.render(http.StatusOK, "who", "Who's online", whoData{Callers: h.online(), Disconnect: h.cfg.Presence != nil,
		Broadcast: h.cfg.Broadcasts != nil, BroadcastMax: community.BroadcastMax})
}

// whoJSON is the table's data for admin.js.
func (h *Handler) whoJSON(q *request) {
	b, err := json.Marshal(struct {
		Callers []caller `json:"callers"`
	}{h.online()})
	if err != nil {
		q.internal(err)
		return
	}
	q.w.Header().Set("Content-Type", "application/json")
	q.w.Write(append(b, '\n'))
}

// disconnect ends the call on a node that started at since: the call
// the sysop saw. A call that ended, leaving its node to a later caller,
// stays where it is.
func (h *Handler) disconnect(q *request) {
	node, err := strconv.Atoi(q.form("node"))
	if err != nil || node < 0 {
		q.refused(Prefix, "No such node.")
		return
	}
	s, ok := h.cfg.Presence.Lookup(node)
	if !ok {
		q.refused(Prefix, fmt.Sprintf("Nobody is on node %d.", node))
		return
	}
	if since, err := strconv.ParseInt(q.form("since"), 10, 64); err != nil || since != s.ConnectedAt.UnixNano() {
		q.refused(Prefix, fmt.Sprintf("The call you saw on node %d has ended; another caller is there now. Nobody was disconnected.", node))
		return
	}
	if !h.cfg.Presence.Disconnect(node, session.MessageLine("who.disconnected_line")) {
		q.refused(Prefix, fmt.Sprintf("Nobody is on node %d.", node))
		return
	}
	h.log.Info("admin: disconnected a caller", "node", node, "by", q.user.Handle)
	q.done(Prefix, fmt.Sprintf("Node %d disconnected.", node))
}

// broadcast sends every caller a notice.
func (h *Handler) broadcast(q *request) {
	n, err := h.cfg.Broadcasts.Send(q.user, q.form("text"))
	switch {
	case errors.Is(err, community.ErrEmpty):
		q.refused(Prefix, "Nothing to broadcast.")
	case errors.Is(err, community.ErrTooLong):
		q.refused(Prefix, fmt.Sprintf("A broadcast has at most %d characters.", community.BroadcastMax))
	case err != nil:
		q.internal(err)
	default:
		q.done(Prefix, fmt.Sprintf("Broadcast sent to %d sessions.", n))
	}
}
