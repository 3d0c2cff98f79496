package script

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/art"
	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// Bounds of the screen API.
const (
	// maxWrite is the most text one bbs.write takes, in bytes.
	maxWrite = 1 << 20
	// maxSleep is the longest bbs.sleep. minWait is the shortest sleep
	// or key timeout: a wait lets the script's time start again, so a
	// loop of waits that do not wait would never be stopped.
	maxSleep = 5 * time.Second
	minWait  = 10 * time.Millisecond
	// maxField is the most characters a prompt or form field takes.
	maxField = 1000
	// defaultField is a prompt's length when the script names none.
	defaultField = 80
	// maxFormFields is the most fields one form has.
	maxFormFields = 20
	// maxLogLine is the most bytes of one bbs.log line; logRate is how
	// many lines a second a run may log (more are dropped, and counted).
	maxLogLine = 200
	logRate    = 10
	// maxRowCol bounds bbs.moveTo's row and column.
	maxRowCol = 1000
	// maxTyped is how many keys typed during a bbs.sleep are kept for
	// the next bbs.key (or confirm, or pause); more are dropped.
	maxTyped = 64
)

// apiFunc is an API function as the runtime calls it.
type apiFunc = func(goja.FunctionCall) goja.Value

// fn wraps an API function that does not wait for the caller. Once the
// call is over every API function returns at once: the runtime stops at
// its next instruction, but a built-in such as Array.forEach may call
// a function many times before that.
func (r *run) fn(f apiFunc) apiFunc {
	return func(call goja.FunctionCall) goja.Value {
		if r.over != nil {
			return goja.Undefined()
		}
		return f(call)
	}
}

// wait runs f, a wait for the caller: its time and what the heap does
// meanwhile are not the script's. No JavaScript may run in f (the
// watchdog does not look), so a wait function converts its arguments
// before, and makes its result after, and f only reads and writes.
func (r *run) wait(f func()) {
	r.dog.pause()
	defer r.dog.resume()
	f()
}

// setup builds the script's global environment: the standard ECMAScript
// globals goja provides, bbs, and console (whose functions are bbs.log).
func (r *run) setup() error {
	vm := r.vm
	global := vm.GlobalObject()
	ctor, ok := global.Get("Error").(*goja.Object)
	if !ok {
		return errors.New("script: the runtime has no Error")
	}
	r.errorCtor = ctor
	// Guarded first: what the API calls is bounded as the script's is.
	if err := r.guardBuiltins(); err != nil {
		return err
	}
	if err := r.removeCompilers(); err != nil {
		return err
	}
	if err := r.captureBuiltins(); err != nil {
		return err
	}
	bbs := vm.NewObject()
	set := func(o *goja.Object, name string, v any) {
		if err := o.Set(name, v); err != nil {
			panic(err) // a fresh object takes any property
		}
	}
	set(bbs, "write", r.fn(r.write))
	set(bbs, "print", r.fn(r.print))
	set(bbs, "writePlain", r.fn(r.writePlain))
	set(bbs, "accessible", r.c.Accessible())
	set(bbs, "language", r.c.Lang().Tag())
	set(bbs, "text", r.fn(r.bbsText))
	set(bbs, "clear", r.fn(r.clear))
	set(bbs, "moveTo", r.fn(r.moveTo))
	set(bbs, "size", r.fn(r.size))
	set(bbs, "art", r.fn(r.art))
	set(bbs, "showArt", r.fn(r.showArt))
	set(bbs, "key", r.fn(r.key))
	set(bbs, "prompt", r.fn(r.prompt))
	set(bbs, "confirm", r.fn(r.confirm))
	set(bbs, "pause", r.fn(r.pause))
	set(bbs, "sleep", r.fn(r.sleep))
	set(bbs, "form", r.fn(r.form))
	set(bbs, "log", r.fn(r.logLine))
	set(bbs, "user", r.userObject())
	boardObj := vm.NewObject()
	set(boardObj, "name", r.c.BoardName)
	r.freeze(boardObj)
	set(bbs, "board", boardObj)
	set(bbs, "oneliners", r.onelinersObject())
	set(bbs, "messages", r.messagesObject())
	set(bbs, "who", r.fn(r.who))
	set(bbs, "events", r.eventsObject())
	set(bbs, "data", r.dataObject())
	console := vm.NewObject()
	for _, name := range []string{"log", "info", "warn", "error"} {
		set(console, name, r.fn(r.logLine))
	}
	set(global, "bbs", bbs)
	set(global, "console", console)
	return nil
}

// captureBuiltins keeps the built-in functions the API uses, as they
// are before the script can replace them.
func (r *run) captureBuiltins() error {
	get := func(obj, name string) (goja.Callable, error) {
		o, ok := r.vm.GlobalObject().Get(obj).(*goja.Object)
		if !ok {
			return nil, errors.New("script: the runtime has no " + obj)
		}
		f, ok := goja.AssertFunction(o.Get(name))
		if !ok {
			return nil, errors.New("script: the runtime has no " + obj + "." + name)
		}
		return f, nil
	}
	var err error
	if r.jsFreeze, err = get("Object", "freeze"); err != nil {
		return err
	}
	if r.jsParse, err = get("JSON", "parse"); err != nil {
		return err
	}
	r.jsStringify, err = get("JSON", "stringify")
	return err
}

// freeze makes an object read-only, as Object.freeze does.
func (r *run) freeze(o *goja.Object) {
	if _, err := r.jsFreeze(goja.Undefined(), o); err != nil {
		panic(err) // freezing a plain object cannot fail
	}
}

// throw raises a JavaScript Error with msg, which the script may catch.
func (r *run) throw(msg string) {
	o, err := r.vm.New(r.errorCtor, r.vm.ToValue(msg))
	if err != nil {
		panic(r.vm.NewGoError(errors.New(msg)))
	}
	panic(o)
}

// end records that the call is over and stops the script: the runtime
// is interrupted, which no try/catch can intercept, and Run returns err.
func (r *run) end(err error) goja.Value {
	if r.over == nil {
		r.over = err
	}
	r.vm.Interrupt(callOver{r.over})
	return goja.Undefined()
}

// text is an argument as text: "" for undefined and null, else the
// value as String() makes it.
func text(v goja.Value) string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return ""
	}
	return v.String()
}

// intArg is an argument as an integer, def when it is missing or not a
// number, clamped to [lo, hi].
func intArg(v goja.Value, def, lo, hi int64) int64 {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return def
	}
	f := v.ToFloat()
	if math.IsNaN(f) {
		return def
	}
	return int64(max(min(f, float64(hi)), float64(lo)))
}

// out writes to the caller. The time a slow connection makes it wait is
// not the script's; a failed write means the call is over.
func (r *run) out(s string) {
	if s != "" {
		r.midLine = !strings.HasSuffix(s, "\n")
	}
	r.dog.block()
	_, err := r.c.WriteString(s)
	r.dog.unblock()
	if err != nil {
		r.end(err)
	}
}

// render renders sysop text for the caller: pipe colours, @-codes, and
// nothing else that could move the cursor or reach the terminal.
func (r *run) render(s string) string {
	return markup.Render(s, r.c.Markup(s))
}

// writeText renders and writes text; the cursor's place is unknown after.
func (r *run) writeText(s string) {
	if len(s) > maxWrite {
		r.throw("bbs.write takes at most " + strconv.Itoa(maxWrite) + " bytes at a time")
	}
	r.curRow, r.curCol = 0, 0
	r.out(r.plainText(r.render(s)))
}

// bbs.write(text)
func (r *run) write(call goja.FunctionCall) goja.Value {
	r.writeText(text(call.Argument(0)))
	return goja.Undefined()
}

// bbs.print(text)
func (r *run) print(call goja.FunctionCall) goja.Value {
	r.writeText(text(call.Argument(0)) + "\n")
	return goja.Undefined()
}

// bbs.writePlain(text, colour) writes text as it is, with no pipe or
// @-codes (a caller's one-liner, a handle), in an optional colour given
// as pipe codes ("|15", "|14|17"); control sequences are removed and
// "\n" starts a new line.
func (r *run) writePlain(call goja.FunctionCall) goja.Value {
	s, spec := text(call.Argument(0)), ""
	if a := call.Argument(1); !goja.IsUndefined(a) && !goja.IsNull(a) {
		spec = text(a)
	}
	if len(s) > maxWrite {
		r.throw("bbs.writePlain takes at most " + strconv.Itoa(maxWrite) + " bytes at a time")
	}
	var b strings.Builder
	if r.c.Accessible() {
		spec = "" // plain lines: no colour
	}
	if spec != "" {
		sgr, err := markup.Colour(spec, r.c.Markup().Colors)
		if err != nil {
			r.throw("bbs.writePlain: " + err.Error())
		}
		b.WriteString(sgr)
	}
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString(term.Sanitize(strings.TrimSuffix(line, "\r")))
	}
	if spec != "" {
		b.WriteString(ui.Reset)
	}
	r.curRow, r.curCol = 0, 0
	r.out(r.plainText(b.String()))
	return goja.Undefined()
}

// bbs.clear()
func (r *run) clear(goja.FunctionCall) goja.Value {
	r.out(r.clearScreen())
	r.curRow, r.curCol = 1, 1
	return goja.Undefined()
}

// bbs.moveTo(row, col)
func (r *run) moveTo(call goja.FunctionCall) goja.Value {
	row := int(intArg(call.Argument(0), 1, 1, maxRowCol))
	col := int(intArg(call.Argument(1), 1, 1, maxRowCol))
	r.out(r.moveSequence(row, col))
	r.curRow, r.curCol = row, col
	return goja.Undefined()
}

// bbs.size() → {cols, rows}
func (r *run) size(goja.FunctionCall) goja.Value {
	sz := r.c.Size()
	o := r.vm.NewObject()
	o.Set("cols", sz.Cols)
	o.Set("rows", sz.Rows)
	return o
}

// bbs.art(name, maxRows) → rows drawn
func (r *run) art(call goja.FunctionCall) goja.Value {
	name := text(call.Argument(0))
	maxRows := int(intArg(call.Argument(1), 0, 0, maxRowCol))
	a, err := r.c.Art.LoadFor(name, r.c.Lang().Tag())
	if err != nil && !errors.Is(err, art.ErrNotFound) && !errors.Is(err, art.ErrBadName) {
		r.log.Warn("art", "script", r.name, "name", name, "err", err)
	}
	if a == nil || r.c.Accessible() { // plain lines have no pictures
		return r.vm.ToValue(0)
	}
	sz := r.c.Size()
	row, col := r.curRow, r.curCol
	rows, cols := sz.Rows, sz.Cols
	if row > 0 {
		rows, cols = max(sz.Rows-row+1, 0), max(sz.Cols-col+1, 0)
	}
	if maxRows > 0 {
		rows = min(rows, maxRows)
	}
	if rows == 0 || cols == 0 {
		return r.vm.ToValue(0)
	}
	lines := strings.Split(strings.TrimSuffix(a.Render(cols, rows), "\r\n"), "\r\n")
	if len(lines) == 1 && lines[0] == "" {
		return r.vm.ToValue(0)
	}
	var b strings.Builder
	if row == 0 {
		// Where the cursor is is not known: each row starts where the
		// first did, below it.
		b.WriteString("\x1b7")
	}
	for i, l := range lines {
		switch {
		case row > 0:
			b.WriteString(ui.MoveTo(row+i, col))
		case i > 0:
			b.WriteString("\x1b8\x1b[" + strconv.Itoa(i) + "B")
		}
		b.WriteString(l)
	}
	if row > 0 && row+len(lines) <= sz.Rows {
		b.WriteString(ui.MoveTo(row+len(lines), col))
		r.curRow = row + len(lines)
	} else {
		r.curRow, r.curCol = 0, 0
	}
	r.out(b.String())
	return r.vm.ToValue(len(lines))
}

// bbs.showArt(name)
func (r *run) showArt(call goja.FunctionCall) goja.Value {
	name := text(call.Argument(0))
	var err error
	r.wait(func() { err = r.c.ShowArt(r.ctx, name) })
	r.c.SetActivity(r.name)
	r.curRow, r.curCol = 0, 0
	switch {
	case err == nil:
	case r.c.Over(r.ctx, err):
		return r.end(err)
	default:
		r.throw(term.Sanitize(err.Error()))
	}
	return goja.Undefined()
}

// bbs.key(timeoutMs) → a key's name, "redraw", or null after the timeout
// (minWait at least)
func (r *run) key(call goja.FunctionCall) goja.Value {
	d := time.Duration(-1)
	if t := call.Argument(0); !goja.IsUndefined(t) && !goja.IsNull(t) {
		d = max(time.Duration(intArg(t, 0, 0, math.MaxInt32))*time.Millisecond, minWait)
	}
	if r.redrawDue {
		r.redrawDue = false
		return r.vm.ToValue("redraw")
	}
	for len(r.typed) > 0 {
		k := r.typed[0]
		r.typed = r.typed[1:]
		if name := keyName(k); name != "" {
			return r.vm.ToValue(name)
		}
	}
	var (
		name string
		err  error
	)
	r.wait(func() { name, err = r.readKeyName(d) })
	switch {
	case err != nil:
		return r.end(err)
	case name == "":
		return goja.Null()
	}
	return r.vm.ToValue(name)
}

// readKeyName waits for a key, for d at most if d >= 0, and returns its
// name, "redraw", or "" when the time is up.
func (r *run) readKeyName(d time.Duration) (string, error) {
	ctx := r.ctx
	if d >= 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(r.ctx, d)
		defer cancel()
	}
	for {
		// Notices wait for a safe point: this is one.
		if r.c.Inbox().Notices() > 0 {
			shown, err := r.c.ShowNotices(r.ctx)
			if err != nil {
				return "", err
			}
			if shown {
				return "redraw", nil
			}
		}
		k, err := r.c.ReadKey(ctx)
		if err != nil {
			if r.ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return "", nil
			}
			return "", err
		}
		switch k.Code {
		case term.KeyResize:
			return "redraw", nil
		case term.KeyNotice, term.KeyEvent:
			continue // notices are shown at the top of the loop
		}
		if name := keyName(k); name != "" {
			return name, nil
		}
	}
}

// nextKey is the next key: one typed during a bbs.sleep, else one read.
func (r *run) nextKey() (term.Key, error) {
	if len(r.typed) > 0 {
		k := r.typed[0]
		r.typed = r.typed[1:]
		return k, nil
	}
	return r.c.ReadKey(r.ctx)
}

// fieldOptions are a prompt's or a form field's options.
type fieldOptions struct {
	max      int
	password bool
	value    string
}

func (r *run) fieldOptions(o *goja.Object) fieldOptions {
	f := fieldOptions{max: defaultField}
	if o == nil {
		return f
	}
	f.max = int(intArg(o.Get("max"), defaultField, 1, maxField))
	if v := o.Get("password"); v != nil {
		f.password = v.ToBoolean()
	}
	f.value = term.Sanitize(text(o.Get("value")))
	return f
}

// readField lets the caller edit a field; a resize leaves it where it
// is and makes the next bbs.key say "redraw". It returns the text, or
// ok false on Esc.
func (r *run) readField(f *ui.Field, place func() (int, int)) (string, bool) {
	f.Relayout = func() (int, int) {
		r.redrawDue = true
		return place()
	}
	v, err := f.Read(r.ctx, r.c.Session)
	switch {
	case errors.Is(err, ui.ErrCancel):
		return "", false
	case err != nil:
		r.end(err)
		return "", false
	}
	return v, true
}

func (r *run) newField(o fieldOptions) *ui.Field {
	f := &ui.Field{Max: o.max, Value: o.value}
	if o.password {
		f.Mask = '*'
	}
	return f
}

// objectArg is an argument as an object, nil if it is not one.
func (r *run) objectArg(v goja.Value) *goja.Object {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok {
		r.throw("expected an object")
	}
	return o
}

// bbs.prompt(label, {max, password, value, row, col}) → text, or null on Esc
func (r *run) prompt(call goja.FunctionCall) goja.Value {
	label := r.render(term.Sanitize(text(call.Argument(0))))
	opts := r.objectArg(call.Argument(1))
	fo := r.fieldOptions(opts)
	row, col := 0, 2
	if opts != nil {
		row = int(intArg(opts.Get("row"), 0, 0, maxRowCol))
		col = int(intArg(opts.Get("col"), 2, 1, maxRowCol))
	}
	place := func() (int, int) {
		at := row
		if at == 0 {
			at = r.c.Size().Rows // the bottom row, wherever it is
		}
		if !r.c.Accessible() {
			r.out(ui.MoveTo(at, col) + ui.ClearEOL + label + ui.Reset)
		}
		return at, col + ui.Width(label)
	}
	f := r.newField(fo)
	f.Prompt = r.plainPrompt(label)
	r.freshLine()
	var (
		v  string
		ok bool
	)
	r.wait(func() {
		f.Row, f.Col = place()
		v, ok = r.readField(f, place)
	})
	r.curRow, r.curCol = 0, 0
	if !ok {
		return goja.Null()
	}
	return r.vm.ToValue(v)
}

// theme returns the call's theme.
func (r *run) theme() (text, key, dim, yesNo, pressKey string) {
	t := r.c.Style
	return t.Text, t.Key, t.Dim, t.YesNo, t.PressKey
}

// bbs.confirm(question) → true for y, false for anything else
func (r *run) confirm(call goja.FunctionCall) goja.Value {
	question := r.render(term.Sanitize(text(call.Argument(0))))
	textStyle, keyStyle, _, yesNo, _ := r.theme()
	draw := func() {
		r.out(ui.MoveTo(r.c.Size().Rows, 2) + ui.ClearEOL + textStyle + question + " " + keyStyle + yesNo + ui.Reset + " ")
	}
	r.curRow, r.curCol = 0, 0
	if r.c.Accessible() {
		return r.confirmPlain(question)
	}
	var (
		yes bool
		err error
	)
	r.wait(func() {
		draw()
		for {
			var k term.Key
			if k, err = r.nextKey(); err != nil {
				return
			}
			switch {
			case k.Code == term.KeyResize:
				r.redrawDue = true
				draw()
			case k.Code == term.KeyNotice, k.Code == term.KeyEvent:
				// for the next bbs.key
			default:
				yes = k.Code == term.KeyRune && r.c.Lang().Yes(string(k.Rune))
				return
			}
		}
	})
	if err != nil {
		return r.end(err)
	}
	return r.vm.ToValue(yes)
}

// bbs.pause()
func (r *run) pause(goja.FunctionCall) goja.Value {
	_, _, dim, _, pressKey := r.theme()
	row := 0
	draw := func() {
		row = r.c.Size().Rows
		sz := r.c.Size()
		r.out(ui.MoveTo(row, 2) + ui.ClearEOL + dim + ui.Truncate(pressKey, sz.Cols-2) + ui.Reset)
	}
	r.curRow, r.curCol = 0, 0
	if r.c.Accessible() {
		return r.pausePlain()
	}
	var err error
	r.wait(func() {
		draw()
		if len(r.typed) > 0 {
			r.typed = r.typed[1:] // typed during a sleep: the key pressed
		} else {
			err = r.c.AnyKey(r.ctx, func() { r.redrawDue = true; draw() })
		}
		if err == nil {
			r.out(ui.MoveTo(row, 1) + ui.ClearEOL)
		}
	})
	if err != nil {
		return r.end(err)
	}
	return goja.Undefined()
}

// bbs.sleep(ms), from minWait to maxSleep
func (r *run) sleep(call goja.FunctionCall) goja.Value {
	d := max(time.Duration(intArg(call.Argument(0), 0, 0, maxSleep.Milliseconds()))*time.Millisecond, minWait)
	var err error
	r.wait(func() { err = r.idle(d) })
	if err != nil {
		return r.end(err)
	}
	return goja.Undefined()
}

// idle waits for d, reading keys meanwhile: a read is what notices that
// the caller hung up. Keys typed are kept for the next bbs.key (at most
// maxTyped of them), a resize makes it say "redraw", and notices wait
// for it.
func (r *run) idle(d time.Duration) error {
	ctx, cancel := context.WithTimeout(r.ctx, d)
	defer cancel()
	for {
		k, err := r.c.ReadKey(ctx)
		if err != nil {
			if r.ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				return nil
			}
			return err
		}
		switch k.Code {
		case term.KeyResize:
			r.redrawDue = true
		case term.KeyNotice, term.KeyEvent:
			// for the next bbs.key
		default:
			if len(r.typed) < maxTyped {
				r.typed = append(r.typed, k)
			}
		}
	}
}

// bbs.form([{name, label, max, password, value}]) → {name: value, …}, or null on Esc
func (r *run) form(call goja.FunctionCall) goja.Value {
	list := r.objectArg(call.Argument(0))
	if list == nil {
		r.throw("bbs.form takes a list of fields")
	}
	n := int(intArg(list.Get("length"), 0, 0, maxFormFields+1))
	if n == 0 || n > maxFormFields {
		r.throw("a form has 1 to " + strconv.Itoa(maxFormFields) + " fields")
	}
	type field struct {
		name, label string
		opts        fieldOptions
	}
	fields := make([]field, n)
	labelW := 0
	for i := range fields {
		o := r.objectArg(list.Get(strconv.Itoa(i)))
		if o == nil {
			r.throw("each field of a form is an object")
		}
		f := field{name: text(o.Get("name")), label: r.render(term.Sanitize(text(o.Get("label")))), opts: r.fieldOptions(o)}
		if f.name == "" {
			r.throw("each field of a form needs a name")
		}
		labelW = max(labelW, ui.Width(f.label))
		fields[i] = f
	}
	sz := r.c.Size()
	top, col := r.curRow, r.curCol
	if top == 0 {
		top, col = sz.Rows-n+1, 2
	}
	top = max(1, min(top, sz.Rows-n+1))
	drawLabel := func(i int) {
		if !r.c.Accessible() {
			r.out(ui.MoveTo(top+i, col) + ui.ClearEOL + fields[i].label + ui.Reset)
		}
	}
	r.curRow, r.curCol = 0, 0
	values := make([]string, 0, n)
	r.freshLine()
	r.wait(func() {
		for i := range fields {
			drawLabel(i)
		}
		for i, f := range fields {
			uf := r.newField(f.opts)
			uf.Prompt = r.plainPrompt(f.label)
			place := func() (int, int) {
				drawLabel(i)
				return top + i, col + labelW + 1
			}
			uf.Row, uf.Col = place()
			v, ok := r.readField(uf, place)
			if !ok {
				return
			}
			values = append(values, v)
		}
	})
	if len(values) < n {
		return goja.Null()
	}
	// Own properties, made after the wait: no setter of the script's
	// (on Object.prototype) runs.
	result := r.vm.NewObject()
	for i, f := range fields {
		if err := result.DefineDataProperty(f.name, r.vm.ToValue(values[i]), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
			panic(err) // a fresh object takes any property
		}
	}
	return result
}

// bbs.log(msg): the board's log, at most logRate lines a second
func (r *run) logLine(call goja.FunctionCall) goja.Value {
	if !r.logLimit.Allow() {
		r.logDropped++
		return goja.Undefined()
	}
	parts := make([]string, len(call.Arguments))
	for i, a := range call.Arguments {
		parts[i] = text(a)
	}
	msg := capText(term.Sanitize(strings.Join(parts, " ")), maxLogLine)
	r.log.Info("script log", "script", r.name, "node", r.c.Node(), "user", r.c.User.Handle, "msg", msg)
	return goja.Undefined()
}

// userObject is bbs.user: the caller, read only.
func (r *run) userObject() *goja.Object {
	u := r.c.User
	o := r.vm.NewObject()
	o.Set("handle", u.Handle)
	o.Set("realName", u.RealName)
	o.Set("location", u.Location)
	o.Set("calls", u.Calls)
	o.Set("sysop", r.c.Sysop)
	o.Set("node", r.c.Node())
	// Level and groups as the board counts them: none while the account
	// awaits validation.
	o.Set("level", access.Level(u))
	groups := []any{}
	if !access.Unvalidated(u) {
		for _, g := range account.OrdinaryGroups(u) {
			groups = append(groups, g)
		}
	}
	list := r.vm.NewArray(groups...)
	r.freeze(list)
	o.Set("groups", list)
	r.freeze(o)
	return o
}
