package door

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/creack/pty"

	"github.com/x84bbs/x84/term"
)

// Door is one external program, as the sysop configured it.
type Door struct {
	Name    string
	Command string   // the program: a path, or a name looked up in Path
	Args    []string // each may hold placeholders (Expand)
	// Dir is the working directory, {node} and {data} replaced; "" means
	// DataDir/doors/NAME/NODE, made on first use.
	Dir      string
	Dropfile Format
	// DropDir is where the dropfile goes, {node} and {data} replaced; ""
	// means DataDir/doors/NAME/NODE, the node's own.
	DropDir   string
	Encoding  term.Encoding // what the door reads and writes: CP437 or UTF-8
	TimeLimit time.Duration // 0: none
	Env       map[string]string
	// Path is the door's PATH; "" means DefaultPath.
	Path string
}

// DefaultPath is a door's PATH unless the sysop sets one.
const DefaultPath = "/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"

// Terminal is the caller's side of a door: a session.Session.
type Terminal interface {
	// ReadRaw returns what the caller typed, undecoded, or a KeyResize.
	ReadRaw(ctx context.Context, p []byte) (int, term.Key, error)
	// WriteRaw sends bytes as they are, in the session's encoding. It is
	// called from the door's output goroutine while ReadRaw waits.
	WriteRaw(p []byte) (int, error)
	Size() term.Size
	Encoding() term.Encoding
}

// Caller is who runs the door, for placeholders, the environment and the
// dropfile.
type Caller struct {
	Node    int
	Handle  string
	Term    string // TERM
	DataDir string // the board's data directory: {data}
	Drop    DropInfo
}

// Reason says why a door run ended.
type Reason string

const (
	Exited    Reason = "exited"     // the program ended by itself
	HungUp    Reason = "hung up"    // the caller left (or was disconnected)
	TimeLimit Reason = "time limit" // the door's time limit passed
	Cancelled Reason = "cancelled"  // the board is shutting down
)

// Result is how a door run went.
type Result struct {
	Reason   Reason
	Duration time.Duration
	// Exit is the program's exit status, -1 if a signal ended it.
	Exit int
	// DroppedInput counts bytes the caller typed that the door did not
	// read in time (it was busy or reads nothing).
	DroppedInput int
	// Err is, when the caller hung up, what the session said: io.EOF,
	// session.ErrIdle, session.ErrClosed (a sysop's disconnect), or a
	// write error.
	Err error
}

// ErrStart wraps why a door's program could not start.
var ErrStart = errors.New("door: cannot start")

// Limits of a run. Variables, so that tests can shorten them.
var (
	// killGrace is how long a door has after SIGHUP before SIGKILL.
	killGrace = 2 * time.Second
	// drainGrace is how long output may still come after the program
	// exits (a child it left behind holds the terminal) before the rest
	// of its session is killed.
	drainGrace = 500 * time.Millisecond
	// inputWait is how long a keystroke waits for a door that does not
	// read before it is dropped, so the caller can still hang up.
	inputWait = 200 * time.Millisecond
	// warnBefore is when, before the time limit, the caller is warned.
	warnBefore = time.Minute
)

// outputBufSize bounds the door's output held at once: the rest waits in
// the pty until the caller's connection takes this. (A Linux pty gives
// at most about 4 KiB a read.)
const outputBufSize = 4 << 10

// Expand replaces the placeholders of one argument: {node}, {handle},
// {dropfile}, {cols}, {rows}, {data}. No shell is involved, so a handle
// with spaces stays one argument.
func Expand(arg string, vars map[string]string) string {
	if !strings.Contains(arg, "{") {
		return arg
	}
	var b strings.Builder
	for {
		j := strings.IndexByte(arg, '}')
		if j < 0 {
			b.WriteString(arg)
			return b.String()
		}
		i := strings.LastIndexByte(arg[:j], '{')
		if v, ok := vars[arg[i+1:j]]; ok && i >= 0 {
			b.WriteString(arg[:i] + v)
		} else {
			b.WriteString(arg[:j+1])
		}
		arg = arg[j+1:]
	}
}

// Placeholders lists the names Expand knows.
var Placeholders = []string{"node", "handle", "dropfile", "cols", "rows", "data"}

// Run runs d for the caller on t until the program ends, the caller hangs
// up, the time limit passes or ctx ends. The program runs on a pty of its
// own, in a session of its own, with TERM, LINES, COLUMNS, HOME, LANG and
// PATH set; a window resize reaches it as a pty resize (and SIGWINCH).
// However the run ends, every process of the door's session gets SIGHUP,
// then SIGKILL after a grace, and is reaped; the pty is closed. Run
// returns an error wrapping ErrStart when the program cannot start, and
// otherwise how the run ended.
func Run(ctx context.Context, d *Door, t Terminal, c Caller, log *slog.Logger) (Result, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// The node's own directory, and the sysop's folders with {node} and
	// {data} replaced (the other placeholders are the caller's to choose,
	// and have no place in a path).
	own := filepath.Join(c.DataDir, "doors", d.Name, strconv.Itoa(c.Node))
	dirVars := map[string]string{"node": strconv.Itoa(c.Node), "data": c.DataDir}
	dir := Expand(d.Dir, dirVars)
	if dir == "" {
		dir = own
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrStart, err)
	}
	sz := t.Size()
	vars := map[string]string{
		"node": strconv.Itoa(c.Node), "handle": c.Handle, "data": c.DataDir,
		"cols": strconv.Itoa(sz.Cols), "rows": strconv.Itoa(sz.Rows),
	}
	if d.Dropfile != NoDropfile {
		dropDir := Expand(d.DropDir, dirVars)
		if dropDir == "" {
			// Per node, even when the working directory is shared: most
			// formats have one file name for every node.
			dropDir = own
		}
		info := c.Drop
		info.Node, info.Rows, info.Cols = c.Node, sz.Rows, sz.Cols
		if info.TimeLeft <= 0 || d.TimeLimit > 0 && d.TimeLimit < info.TimeLeft {
			info.TimeLeft = d.TimeLimit
		}
		data, err := Render(d.Dropfile, info)
		if err != nil {
			return Result{}, fmt.Errorf("%w: dropfile: %v", ErrStart, err)
		}
		path := filepath.Join(dropDir, d.Dropfile.FileName(c.Node))
		if err := os.MkdirAll(dropDir, 0o700); err != nil {
			return Result{}, fmt.Errorf("%w: dropfile: %v", ErrStart, err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return Result{}, fmt.Errorf("%w: dropfile: %v", ErrStart, err)
		}
		vars["dropfile"] = path
	}
	args := make([]string, len(d.Args))
	for i, a := range d.Args {
		args[i] = Expand(a, vars)
	}
	cmd, err := command(d, dir, args, env(d, c, dir, sz))
	if err != nil {
		return Result{}, err
	}
	started, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: uint16(sz.Rows), Cols: uint16(sz.Cols)})
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrStart, err)
	}
	ptmx, err := pollable(started)
	if err != nil {
		killSession(cmd.Process.Pid, "", syscall.SIGKILL)
		cmd.Wait()
		return Result{}, fmt.Errorf("%w: %v", ErrStart, err)
	}
	r := &run{door: d, t: t, ptmx: ptmx, cmd: cmd, log: log, start: time.Now(), tty: slaveName(ptmx),
		exited: make(chan struct{}), outDone: make(chan struct{})}
	return r.serve(ctx)
}

// command builds the door's command: the program found in the door's
// PATH (not the server's), with args.
func command(d *Door, dir string, args, env []string) (*exec.Cmd, error) {
	prog := d.Command
	if !strings.Contains(prog, "/") {
		found := ""
		for _, p := range filepath.SplitList(pathOf(d)) {
			if p == "" {
				continue
			}
			cand := filepath.Join(p, prog)
			if fi, err := os.Stat(cand); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
				found = cand
				break
			}
		}
		if found == "" {
			return nil, fmt.Errorf("%w: %q not found in %s", ErrStart, prog, pathOf(d))
		}
		prog = found
	}
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	cmd.Env = env
	return cmd, nil
}

func pathOf(d *Door) string {
	if d.Path != "" {
		return d.Path
	}
	return DefaultPath
}

// env is the door's whole environment: nothing of the server's leaks in.
func env(d *Door, c Caller, dir string, sz term.Size) []string {
	lang := "C.UTF-8"
	if d.Encoding == term.CP437 {
		lang = "C" // 8-bit bytes as they are
	}
	termName := c.Term
	if termName == "" || termName == term.UnknownTerm {
		termName = "ansi"
	}
	e := []string{
		"TERM=" + termName,
		"LINES=" + strconv.Itoa(sz.Rows),
		"COLUMNS=" + strconv.Itoa(sz.Cols),
		"HOME=" + dir,
		"LANG=" + lang,
		"PATH=" + pathOf(d),
		"X84_NODE=" + strconv.Itoa(c.Node),
		"X84_HANDLE=" + c.Handle,
	}
	keys := make([]string, 0, len(d.Env))
	for k := range d.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e = slices.DeleteFunc(e, func(s string) bool { return strings.HasPrefix(s, k+"=") })
		e = append(e, k+"="+d.Env[k])
	}
	return e
}

// run is one door run. The handler's goroutine (serve) reads the caller
// and owns the pty's input side and size; one goroutine copies the
// door's output to the caller (output), one waits for the program; the
// time limit's timers run on their own.
type run struct {
	door  *Door
	t     Terminal
	ptmx  *os.File
	cmd   *exec.Cmd
	log   *slog.Logger
	start time.Time
	tty   string // the pty's slave, /dev/pts/N

	writeMu sync.Mutex // one writer to the caller at a time
	done    bool       // the run is over: nothing more is written (writeMu)
	// escaped: the door wrote an escape sequence (writeMu).
	escaped bool
	exited  chan struct{}
	outDone chan struct{}
	outErr  error // the caller's write error that stopped output
}

func (r *run) serve(ctx context.Context) (Result, error) {
	pid := r.cmd.Process.Pid
	// The caller's input is read on this goroutine until the door ends:
	// the wait, the output's end or the time limit cancels the read.
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		r.cmd.Wait()
		close(r.exited)
		stop()
	}()
	go func() {
		r.output()
		stop()
	}()
	var timeUp atomic.Bool
	if d := r.door.TimeLimit; d > 0 {
		limit := time.AfterFunc(d, func() { timeUp.Store(true); stop() })
		defer limit.Stop()
		if d > warnBefore {
			warn := time.AfterFunc(d-warnBefore, func() {
				r.say(r.minuteLeft())
			})
			defer warn.Stop()
		}
	}
	res := Result{Exit: -1}
	res.Reason = r.pump(readCtx, &res)
	if timeUp.Load() && res.Reason != HungUp {
		res.Reason = TimeLimit
	}
	if res.Reason == Exited {
		// Let the output that came before the exit reach the caller.
		select {
		case <-r.outDone:
		case <-time.After(drainGrace):
		}
	}
	grace := killGrace
	if ctx.Err() != nil {
		grace = min(grace, 100*time.Millisecond) // the board is stopping: it will not wait
	}
	r.end(pid, grace)
	<-r.outDone
	if r.cmd.ProcessState != nil {
		res.Exit = r.cmd.ProcessState.ExitCode()
	}
	res.Duration = time.Since(r.start)
	if res.Reason != HungUp && r.outErr == nil && r.needsReset() {
		// Undo what a door may leave behind: colours, a scrolling region,
		// a hidden cursor, the alternate screen.
		r.say("\x1b[0m\x1b[r\x1b[?25h\x1b[?1049l")
	}
	r.writeMu.Lock()
	r.done = true // a warning whose timer fired just now writes nothing
	r.writeMu.Unlock()
	return res, nil
}

// pump copies the caller's input to the door until the door ends, the
// caller leaves or ctx ends, and passes window resizes on.
func (r *run) pump(ctx context.Context, res *Result) Reason {
	buf := make([]byte, 512)
	var enc term.CP437Encoder
	var conv []byte
	stalled := false
	for {
		n, k, err := r.t.ReadRaw(ctx, buf)
		if err != nil {
			select {
			case <-r.exited:
				return Exited
			case <-r.outDone:
				if r.outErr != nil {
					res.Err = r.outErr
					return HungUp
				}
				return Exited
			default:
			}
			if ctx.Err() != nil {
				return Cancelled
			}
			res.Err = err
			return HungUp
		}
		if k.Code == term.KeyResize {
			setSize(r.ptmx, r.t.Size())
			continue
		}
		if n == 0 {
			continue // an update or notice: they wait for the board
		}
		in := buf[:n]
		switch from, to := r.t.Encoding(), r.door.Encoding; {
		case from == term.CP437 && to != term.CP437:
			conv = cp437ToUTF8(conv[:0], in)
			in = conv
		case from != term.CP437 && to == term.CP437:
			conv = enc.Append(conv[:0], in)
			in = conv
		}
		// A door that did not take the last input in time gets no wait
		// now, only a try: the caller's typing is dropped at once until
		// it reads again.
		wait := inputWait
		if stalled {
			wait = time.Millisecond
		}
		r.ptmx.SetWriteDeadline(time.Now().Add(wait))
		w, err := r.ptmx.Write(in)
		stalled = err != nil
		if err != nil {
			res.DroppedInput += len(in) - w
		}
	}
}

// output copies the door's output to the caller, transcoded, a buffer at
// a time: while the caller's connection is slow, the door waits on its
// pty, so nothing grows.
func (r *run) output() {
	defer close(r.outDone)
	buf := make([]byte, outputBufSize)
	var enc term.CP437Encoder
	var conv []byte
	for {
		n, err := r.ptmx.Read(buf)
		if n > 0 {
			out := buf[:n]
			switch from, to := r.door.Encoding, r.t.Encoding(); {
			case from == term.CP437 && to != term.CP437:
				conv = cp437ToUTF8(conv[:0], out)
				out = conv
			case from != term.CP437 && to == term.CP437:
				conv = enc.Append(conv[:0], out)
				out = conv
			}
			r.writeMu.Lock()
			_, werr := r.t.WriteRaw(out)
			r.escaped = r.escaped || bytes.IndexByte(out, 0x1b) >= 0
			r.writeMu.Unlock()
			if werr != nil {
				r.outErr = werr
				return
			}
		}
		if err != nil {
			return // EIO: every process holding the terminal is gone
		}
	}
}

// say writes a line of the board's own over the door's screen.
func (r *run) say(s string) {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	if !r.done {
		r.t.WriteRaw([]byte(s))
	}
}

// end stops whatever is left of the door: SIGHUP to its session and to
// whatever holds its terminal, SIGKILL after the grace (one grace for
// both the program and what it left behind; a short one when the board
// is stopping, which will not wait long), then the pty is closed, which
// also ends the output goroutine.
func (r *run) end(pid int, grace time.Duration) {
	done := func() bool {
		select {
		case <-r.exited:
		default:
			return false
		}
		select {
		case <-r.outDone:
			return true
		default:
			return false
		}
	}
	if done() {
		// Reaped, and nothing holds the terminal: signal no one, since
		// the pid may already be another process's.
		r.ptmx.Close()
		return
	}
	killSession(pid, r.tty, syscall.SIGHUP)
	t := time.NewTimer(grace)
	defer t.Stop()
wait:
	for !done() {
		select {
		case <-r.exited:
		case <-r.outDone:
		case <-t.C:
			break wait
		}
	}
	killSession(pid, r.tty, syscall.SIGKILL)
	<-r.exited
	r.ptmx.Close()
}
