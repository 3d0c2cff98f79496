// Package logcap bounds what callers can put in the server's log: a
// slog.Handler wrapper that cuts every string value (attributes, groups,
// errors and other values logged by their text) to a fixed number of
// bytes, saying how long it was.
//
// The front ends log what callers send (handles, terminal types, paths)
// in many places; cutting them at the one handler every record passes
// through means no new log line can forget to, however long the value.
// Rate limits stay with the loggers that know what a flood is (refused
// connections, sftp refusals).
package logcap

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"unicode/utf8"
)

// Handler cuts string values to Max bytes before passing records on.
type Handler struct {
	next slog.Handler
	max  int
}

// New wraps next so that no value it logs is longer than max bytes
// (plus a short note of the original length).
func New(next slog.Handler, max int) *Handler {
	return &Handler{next: next, max: max}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

// Trusted is text the server made itself (a panic's stack), which the
// handler passes whole.
type Trusted string

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	long := len(r.Message) > h.max
	r.Attrs(func(a slog.Attr) bool {
		long = long || len(a.Key) > h.max || h.tooLong(a.Value)
		return !long
	})
	if !long {
		return h.next.Handle(ctx, r)
	}
	out := slog.NewRecord(r.Time, r.Level, Cut(r.Message, h.max), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(as []slog.Attr) slog.Handler {
	cut := make([]slog.Attr, len(as))
	for i, a := range as {
		cut[i] = h.attr(a)
	}
	return &Handler{next: h.next.WithAttrs(cut), max: h.max}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{next: h.next.WithGroup(Cut(name, h.max)), max: h.max}
}

// tooLong reports whether v, as the log writes it, may be longer than
// max; values of other kinds than these are short.
func (h *Handler) tooLong(v slog.Value) bool {
	switch v.Kind() {
	case slog.KindString:
		return len(v.String()) > h.max
	case slog.KindGroup:
		for _, a := range v.Group() {
			if len(a.Key) > h.max || h.tooLong(a.Value) {
				return true
			}
		}
		return false
	case slog.KindAny, slog.KindLogValuer:
		_, trusted := v.Any().(Trusted)
		return !trusted // measured (and cut) in attr
	}
	return false
}

func (h *Handler) attr(a slog.Attr) slog.Attr {
	a.Key = Cut(a.Key, h.max)
	a.Value = h.value(a.Value)
	return a
}

func (h *Handler) value(v slog.Value) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(Cut(v.String(), h.max))
	case slog.KindGroup:
		as := v.Group()
		out := make([]slog.Attr, len(as))
		for i, a := range as {
			out[i] = h.attr(a)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		x := v.Any()
		if t, ok := x.(Trusted); ok {
			return slog.StringValue(string(t))
		}
		if b, ok := x.([]byte); ok {
			return slog.StringValue(Cut(string(b), h.max))
		}
		// As the log would write it; fmt recovers from a panicking
		// Error or String method (a typed nil), as slog does.
		if s := fmt.Sprint(x); len(s) > h.max {
			return slog.StringValue(Cut(s, h.max))
		}
	}
	return v
}

// Cut shortens s to at most limit bytes, the note of the length it had
// included ("…(30009 bytes)"), cutting on a rune boundary; a string cut
// once passes a second Cut with the same limit unchanged. limit <= 0 keeps s
// whole.
func Cut(s string, limit int) string {
	if limit <= 0 || len(s) <= limit {
		return s
	}
	note := "…(" + strconv.Itoa(len(s)) + " bytes)"
	n := max(limit-len(note), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + note
}
