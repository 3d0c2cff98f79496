package script

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/internal/defaults"
	"github.com/x84bbs/x84/term"
)

// Limits bound what one run of a script may take. Zero values mean the
// defaults.
type Limits struct {
	// Time is how long the script's JavaScript may run between two waits
	// for the caller (bbs.key, prompt, sleep, pause, confirm, form,
	// showArt); the time a write spends waiting for a slow connection
	// does not count. Default 2 seconds.
	Time time.Duration
	// MemoryMiB is how much the heap may grow while the JavaScript runs
	// between two waits, in MiB (see the package comment for how it is
	// measured). Default 64.
	MemoryMiB int
	// MaxFileSize is the largest script file, in bytes. Default 1 MiB.
	MaxFileSize int64
	// CallStack is how deep JavaScript calls may nest. Default 1000.
	CallStack int
}

// Config configures an Engine. Its zero value is an engine with no
// scripts.
type Config struct {
	// Dir holds the sysop's scripts, NAME.js (typically DATA/scripts).
	// "" or a missing directory means the built-in scripts only.
	Dir string
	// Builtin holds the scripts x84 ships, NAME.js at its root; a file
	// of Dir with the same name is run instead. Nil means none.
	Builtin fs.FS
	Limits  Limits
	// Logger receives the engine's log: scripts' errors, stops and
	// bbs.log lines. Default: none.
	Logger *slog.Logger
}

// Engine runs sysops' scripts as screens. It is safe for concurrent use:
// every call runs its script in a runtime of its own.
type Engine struct {
	cfg Config

	mu    sync.Mutex
	cache map[string]*program // by name
}

// program is a compiled script, or why it could not be compiled.
type program struct {
	prg *goja.Program
	err error // a syntax error, a file too large: the caller is told
	// Where it came from: a file of Dir with its size and modification
	// time, which a change of either makes stale, or the built-in FS.
	builtin bool
	size    int64
	mod     time.Time
}

// Errors of the engine.
var (
	// ErrBadName means a script name is not 1 to 32 of a–z, 0–9, '_'
	// and '-'.
	ErrBadName = errors.New("script: bad script name")
	// ErrNotFound means there is no script of that name.
	ErrNotFound = errors.New("script: no such script")
)

const (
	defaultTime        = 2 * time.Second
	defaultMemoryMiB   = 64
	defaultMaxFileSize = 1 << 20
	defaultCallStack   = 1000
	maxNameLen         = 32
)

// New returns an engine for the scripts of cfg.Dir and cfg.Builtin.
// Scripts are read and compiled when first run, and again when their
// file changes.
func New(cfg Config) (*Engine, error) {
	defaults.Positive(&cfg.Limits.Time, defaultTime)
	defaults.Positive(&cfg.Limits.MemoryMiB, defaultMemoryMiB)
	defaults.Positive(&cfg.Limits.MaxFileSize, defaultMaxFileSize)
	defaults.Positive(&cfg.Limits.CallStack, defaultCallStack)
	if cfg.Dir != "" {
		if fi, err := os.Stat(cfg.Dir); err == nil && !fi.IsDir() {
			return nil, fmt.Errorf("script: %s is not a directory", cfg.Dir)
		}
	}
	return &Engine{cfg: cfg, cache: map[string]*program{}}, nil
}

// ValidName reports whether name may name a script: 1 to 32 of a–z,
// 0–9, '_' and '-'. The file is NAME.js.
func ValidName(name string) bool {
	if name == "" || len(name) > maxNameLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Has reports whether a script called name exists, in Dir or built in.
func (e *Engine) Has(name string) bool {
	if !ValidName(name) {
		return false
	}
	if _, err := e.statFile(name); err == nil {
		return true
	}
	return e.hasBuiltin(name)
}

// Names returns the names of the scripts there are, sorted.
func (e *Engine) Names() []string {
	var names []string
	// A symbolic link counts when it leads to a file inside Dir, as Has
	// and Run see it.
	add := func(entries []fs.DirEntry, linked func(name string) bool) {
		for _, d := range entries {
			name, ok := strings.CutSuffix(d.Name(), ".js")
			if ok && ValidName(name) && (d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 && linked(name)) {
				names = append(names, name)
			}
		}
	}
	if e.cfg.Dir != "" {
		if entries, err := os.ReadDir(e.cfg.Dir); err == nil {
			add(entries, func(name string) bool { _, err := e.statFile(name); return err == nil })
		}
	}
	if e.cfg.Builtin != nil {
		if entries, err := fs.ReadDir(e.cfg.Builtin, "."); err == nil {
			add(entries, func(string) bool { return false })
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (e *Engine) hasBuiltin(name string) bool {
	if e.cfg.Builtin == nil {
		return false
	}
	fi, err := fs.Stat(e.cfg.Builtin, name+".js")
	return err == nil && fi.Mode().IsRegular()
}

// statFile looks at Dir/NAME.js through an os.Root, so that no name or
// symbolic link reaches outside Dir.
func (e *Engine) statFile(name string) (fs.FileInfo, error) {
	if e.cfg.Dir == "" {
		return nil, fs.ErrNotExist
	}
	root, err := os.OpenRoot(e.cfg.Dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fi, err := root.Stat(name + ".js")
	if err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("script: %s.js is not a regular file", name)
	}
	return fi, err
}

// load returns the compiled script called name: the cached one while its
// file is unchanged (one stat), else the file read and compiled anew.
// A script that does not compile is returned with its error, which the
// caller is told of.
func (e *Engine) load(name string) (*program, error) {
	if !ValidName(name) {
		return nil, fmt.Errorf("%w: %q", ErrBadName, name)
	}
	fi, ferr := e.statFile(name)
	e.mu.Lock()
	p := e.cache[name]
	e.mu.Unlock()
	switch {
	case ferr == nil:
		if p != nil && !p.builtin && p.size == fi.Size() && p.mod.Equal(fi.ModTime()) {
			return p, nil
		}
		p = e.compileFile(name, fi)
	case !errors.Is(ferr, fs.ErrNotExist):
		return nil, fmt.Errorf("script: %s: %w", name, ferr)
	case p != nil && p.builtin:
		return p, nil
	case e.hasBuiltin(name):
		p = e.compileBuiltin(name)
	default:
		e.mu.Lock()
		delete(e.cache, name)
		e.mu.Unlock()
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	e.mu.Lock()
	e.cache[name] = p
	e.mu.Unlock()
	return p, nil
}

// compileFile reads and compiles Dir/NAME.js, which fi describes.
func (e *Engine) compileFile(name string, fi fs.FileInfo) *program {
	p := &program{size: fi.Size(), mod: fi.ModTime()}
	root, err := os.OpenRoot(e.cfg.Dir)
	if err != nil {
		p.err = err
		return p
	}
	defer root.Close()
	f, err := root.Open(name + ".js")
	if err != nil {
		p.err = err
		return p
	}
	defer f.Close()
	src, err := e.readBounded(f)
	if err != nil {
		p.err = err
		return p
	}
	p.prg, p.err = compile(name, src)
	return p
}

// compileBuiltin compiles the built-in NAME.js.
func (e *Engine) compileBuiltin(name string) *program {
	p := &program{builtin: true}
	f, err := e.cfg.Builtin.Open(name + ".js")
	if err != nil {
		p.err = err
		return p
	}
	defer f.Close()
	src, err := e.readBounded(f)
	if err != nil {
		p.err = err
		return p
	}
	p.prg, p.err = compile(name, src)
	return p
}

// readBounded reads a script file of at most MaxFileSize bytes.
func (e *Engine) readBounded(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, e.cfg.Limits.MaxFileSize+1))
	if err != nil {
		return "", err
	}
	if int64(len(b)) > e.cfg.Limits.MaxFileSize {
		return "", fmt.Errorf("the file is larger than %d bytes", e.cfg.Limits.MaxFileSize)
	}
	return string(b), nil
}

// compile compiles a script's source; a syntax error says the file, line
// and column, and so does a nesting too deep for the compiler.
func compile(name, src string) (*goja.Program, error) {
	file := path.Clean(name + ".js")
	if err := checkNesting(file, src); err != nil {
		return nil, err
	}
	prg, err := goja.Compile(file, src, false)
	if err != nil {
		return nil, errors.New(capText(err.Error(), maxLogError))
	}
	return prg, nil
}

// Run runs the script called name as a screen for the caller, until it
// ends. A script that fails, or is stopped for running too long or using
// too much memory, is reported to the caller (who presses a key) and to
// the log, and so is a name with no script; Run then returns nil, back
// to the menu. Run returns an error only when the call is over: the
// caller hung up, the session closed or idled out, ctx ended.
func (e *Engine) Run(ctx context.Context, c *Call, name string) error {
	log := e.cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p, err := e.load(name)
	shown := capText(term.Sanitize(name), maxNameLen)
	switch {
	case errors.Is(err, ErrBadName), errors.Is(err, ErrNotFound):
		log.Warn("script not run", "script", name, "node", c.Node(), "err", err)
		return tell(ctx, c, c.T("script.not_found", "name", shown))
	case err != nil:
		log.Error("script not run", "script", name, "node", c.Node(), "err", err)
		return tell(ctx, c, c.T("script.unreadable", "name", shown))
	case p.err != nil:
		log.Error("script has an error", "script", name, "err", p.err)
		return tell(ctx, c, c.T("script.broken", "name", shown))
	}
	return e.run(ctx, c, name, p.prg, log)
}
