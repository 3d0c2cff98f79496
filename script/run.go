package script

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/dop251/goja"
	"golang.org/x/time/rate"

	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Why a script was stopped: the values its runtime is interrupted with.
type stopReason int

const (
	stopTime stopReason = iota + 1
	stopMemory
)

func (s stopReason) Error() string {
	if s == stopMemory {
		return "script: used too much memory"
	}
	return "script: ran too long"
}

// callOver interrupts a script whose call is over (the caller hung up,
// the session closed): err is what Run returns.
type callOver struct{ err error }

func (c callOver) Error() string { return c.err.Error() }
func (c callOver) Unwrap() error { return c.err }

// Caps on what a failure puts on the caller's screen and in the log.
const (
	maxShownError = 200
	maxLogError   = 2000
)

// run is one run of a script for one caller. Its methods are called on
// the goroutine running the script, but for the watchdog's and the
// event subscriptions' (see their types).
type run struct {
	e    *Engine
	ctx  context.Context
	c    *Call
	name string
	log  *slog.Logger
	vm   *goja.Runtime
	dog  *watchdog

	// errorCtor is the global Error as the runtime started, which API
	// errors are made with whatever the script does to the global.
	errorCtor *goja.Object
	// Object.freeze, JSON.parse and JSON.stringify as they were.
	jsFreeze, jsParse, jsStringify goja.Callable
	// over is why the call ended, once an API call saw it end; the
	// runtime is interrupted with it.
	over error
	// redrawDue: something drew over the script's screen (a notice, a
	// resize during a prompt); the next bbs.key returns "redraw".
	redrawDue bool
	// typed are keys typed during a bbs.sleep, for the next bbs.key.
	typed []term.Key
	// curRow and curCol are where bbs.moveTo (or bbs.clear) last put the
	// cursor, for bbs.art and bbs.form; zero when unknown.
	curRow, curCol int
	// midLine: the script's last output did not end a line, which a
	// question in accessible mode then does; plainRow is the row
	// bbs.moveTo last went to there, whose line the output is on
	// (plain.go).
	midLine  bool
	plainRow int

	logLimit   *rate.Limiter
	logDropped int
	pubLimit   *rate.Limiter
	events     *eventQueue // nil until bbs.events.listen
	id         uint64      // the run's id on the bus, 0 until needed
}

// run runs a compiled script and turns how it ended into what the caller
// sees and what Run returns.
func (e *Engine) run(ctx context.Context, c *Call, name string, prg *goja.Program, log *slog.Logger) error {
	c.SetActivity(name)
	r := &run{e: e, ctx: ctx, c: c, name: name, log: log,
		logLimit: rate.NewLimiter(logRate, logRate), pubLimit: rate.NewLimiter(publishRate, publishRate)}
	r.vm = goja.New()
	r.vm.SetMaxCallStackSize(e.cfg.Limits.CallStack)
	r.dog = startWatchdog(ctx, r.vm, e.cfg.Limits)
	end := r.explain(r.start(prg))
	r.close() // before the caller is told, which waits for a key
	return r.finish(end)
}

// start sets the runtime up and runs the script.
func (r *run) start(prg *goja.Program) error {
	return r.contain(func() error {
		if err := r.setup(); err != nil {
			return err
		}
		return r.exec(prg)
	})
}

// exec runs the script, its time and memory watched.
func (r *run) exec(prg *goja.Program) error {
	r.dog.begin()
	defer r.dog.wait()
	_, err := r.vm.RunProgram(prg)
	return err
}

// contain runs f, returning a Go panic in it (in an API call) as a
// *panicError instead of passing it on: the runtime is dropped after it
// anyway, and the call goes on.
func (r *run) contain(f func() error) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = &panicError{val: x, stack: debug.Stack()}
		}
	}()
	return f()
}

// close stops what the run started: the watchdog and the event
// subscriptions. Every goroutine of the run has ended when it returns.
func (r *run) close() {
	r.dog.stop()
	if r.events != nil {
		r.events.close()
	}
	if r.logDropped > 0 {
		r.log.Warn("script log lines dropped", "script", r.name, "node", r.c.Node(), "dropped", r.logDropped)
	}
}

// panicError is a Go panic in an API call.
type panicError struct {
	val   any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.val) }

// ending is how a run ended: what Run returns, what the caller is told
// and what the log gets.
type ending struct {
	err   error  // the call is over: returned as it is, nothing told
	shown string // what the caller reads; "" when the script just ended
	level slog.Level
	msg   string
	attrs []any
}

// explain works out how the script ended. Describing a thrown value may
// run the script's own code (a getter of message, a toString), so it is
// done watched, as the script was, and a description that fails or is
// stopped gives way to a plain one.
func (r *run) explain(res error) (end ending) {
	var over callOver
	switch {
	case r.over != nil:
		return ending{err: r.over}
	case errors.As(res, &over):
		return ending{err: over.err}
	case r.ctx.Err() != nil:
		return ending{err: r.ctx.Err()}
	case res == nil:
		return ending{}
	}
	var (
		intr  *goja.InterruptedError
		stack *goja.StackOverflowError
		ex    *goja.Exception
		pe    *panicError
		stop  stopReason
	)
	who := []any{"script", r.name, "node", r.c.Node(), "user", r.c.User.Handle}
	switch {
	case errors.As(res, &intr) && errors.As(res, &stop):
		end = ending{level: slog.LevelWarn, msg: "script stopped", attrs: append(who, "why", stop.Error(), "at", where(intr.Stack())),
			shown: r.c.T("script.stopped_time", "name", r.name)}
		if stop == stopMemory {
			end.shown = r.c.T("script.stopped_memory", "name", r.name)
		}
	case errors.As(res, &stack):
		end = ending{level: slog.LevelWarn, msg: "script stopped", attrs: append(who, "why", "calls nested too deep", "at", where(stack.Stack())),
			shown: r.c.T("script.stopped_nesting", "name", r.name)}
	case errors.As(res, &pe):
		end = ending{level: slog.LevelError, msg: "script failed: panic in the API",
			attrs: append(who, "panic", fmt.Sprint(pe.val), "stack", logcap.Trusted(pe.stack)),
			shown: r.c.T("script.failed_board", "name", r.name)}
	case errors.As(res, &ex):
		m := r.describe(ex)
		shown := capText(m, maxShownError)
		if m == anError {
			shown = r.c.T("script.an_error")
		}
		end = ending{level: slog.LevelWarn, msg: "script failed", attrs: append(who, "err", m, "at", where(ex.Stack())),
			shown: r.c.T("script.failed", "name", r.name, "error", shown)}
	default:
		end = ending{level: slog.LevelWarn, msg: "script failed", attrs: append(who, "err", capText(res.Error(), maxLogError)),
			shown: r.c.T("script.failed", "name", r.name, "error", capText(term.Sanitize(res.Error()), maxShownError))}
	}
	return end
}

// finish logs how the script ended, and tells the caller.
func (r *run) finish(end ending) error {
	if end.err != nil || end.shown == "" {
		return end.err
	}
	r.log.Log(r.ctx, end.level, end.msg, end.attrs...)
	return tell(r.ctx, r.c, end.shown)
}

// where says where in the script a stack's innermost frame is, as
// file:line:column, without running anything of the script's.
func where(stack []goja.StackFrame) string {
	for _, f := range stack {
		if p := f.Position(); p.Filename != "" {
			return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
		}
	}
	return "?"
}

// describe returns what a thrown value says, cleaned and capped. It
// runs watched, as the script did: a getter of message or a toString of
// the script's may run. One that fails or is stopped gives "an error".
func (r *run) describe(ex *goja.Exception) (msg string) {
	r.dog.begin()
	defer r.dog.wait()
	defer func() {
		if recover() != nil {
			msg = anError
		}
	}()
	return capText(term.Sanitize(errorMessage(ex)), maxLogError)
}

// anError is what a thrown value that says nothing is described as, in
// the log; the caller reads it in their language (script.an_error).
const anError = "an error"

// errorMessage is what a thrown value says: an Error's message, or the
// value as a string. It may run the script's code.
func errorMessage(ex *goja.Exception) string {
	v := ex.Value()
	if o, ok := v.(*goja.Object); ok {
		if m := o.Get("message"); m != nil && !goja.IsUndefined(m) {
			if s := m.String(); s != "" {
				return strings.TrimSuffix(s, ".")
			}
		}
	}
	if v == nil {
		return anError
	}
	return strings.TrimSuffix(v.String(), ".")
}

// tell shows the caller why a script ended, on a clear screen, and waits
// for a key. It returns an error only when the call is over.
func tell(ctx context.Context, c *Call, msg string) error {
	theme := c.Style
	if c.Accessible() {
		// Plain lines: the message on a line of its own, then AnyKey's
		// question; a resize has nothing to redraw.
		draw := func() {}
		c.WriteString("\r\n" + term.Sanitize(msg) + "\r\n")
		return afterTell(ctx, c, c.AnyKey(ctx, draw))
	}
	draw := func() {
		sz := c.Size()
		var b strings.Builder
		b.WriteString(ui.ClearScreen)
		lines := ui.Wrap(msg, max(sz.Cols-3, 10))
		for i, l := range lines {
			b.WriteString(ui.MoveTo(2+i, 2) + theme.Error + ui.Truncate(l, sz.Cols-2))
		}
		b.WriteString(ui.MoveTo(3+len(lines), 2) + theme.Dim + theme.PressKey + ui.Reset)
		c.WriteString(b.String())
	}
	draw()
	return afterTell(ctx, c, c.AnyKey(ctx, draw))
}

// afterTell is tell's result after the key: an error only when the call
// is over, since a failure to read a key is no reason to end it.
func afterTell(ctx context.Context, c *Call, err error) error {
	if err != nil && !c.Over(ctx, err) {
		return nil
	}
	return err
}

// capText cuts s to at most n bytes, at a character boundary, marking
// the cut with "…".
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n - len("…")
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
