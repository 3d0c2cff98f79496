package menus

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
)

// MaxFiles is the most menu files a folder may hold; the rest (by name)
// are ignored, with a warning.
const MaxFiles = 200

// maxScan bounds the folder entries looked at, menu files or not.
const maxScan = 10000

// CheckEvery is how often a Set looks at its folder for changes.
const CheckEvery = time.Second

// Set is the board's menus: the built-in ones and the sysop's, kept up
// to date with the sysop's folder. It is safe for concurrent use; a
// caller never waits for the folder to be read, which one caller at a
// time does, off the lock, while the others keep the menus as they were.
type Set struct {
	dir     string
	builtin map[string]*Menu
	log     *slog.Logger
	now     func() time.Time

	// scanMu is held by the one reading the folder; stamps and tooMany
	// are its own.
	scanMu  sync.Mutex
	stamps  map[string]stamp // the sysop's files as last read
	unread  map[string]stamp // files that could not be read, as then
	tooMany int              // menu files over MaxFiles at the last warning

	mu      sync.Mutex
	checked time.Time
	gen     uint64
	sysop   map[string]*Menu // the last good versions of the sysop's files
	errs    map[string]error // the files refused at the last look
}

// stamp tells whether a file changed since it was read.
type stamp struct {
	mod  time.Time
	size int64
}

// NewSet returns the menus of builtin (NAME.toml files at its root)
// with the sysop's from dir ("" for none) over them. A built-in menu
// that does not parse is an error; the sysop's files are only logged.
func NewSet(dir string, builtin fs.FS, log *slog.Logger) (*Set, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Set{dir: dir, builtin: map[string]*Menu{}, log: log, now: time.Now,
		stamps: map[string]stamp{}, unread: map[string]stamp{}, sysop: map[string]*Menu{}, errs: map[string]error{}}
	if builtin != nil {
		names, err := fs.Glob(builtin, "*.toml")
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			data, err := fs.ReadFile(builtin, n)
			if err != nil {
				return nil, err
			}
			name := strings.TrimSuffix(n, ".toml")
			m, err := Parse("built-in "+n, name, data)
			if err != nil {
				return nil, err
			}
			s.builtin[name] = m
		}
	}
	s.Reload()
	return s, nil
}

// Get returns the menu called name, or nil. When the folder was last
// looked at CheckEvery ago, this caller looks at it first.
func (s *Set) Get(name string) *Menu {
	s.mu.Lock()
	due := s.now().Sub(s.checked) >= CheckEvery
	if due {
		s.checked = s.now() // the others go on meanwhile
	}
	s.mu.Unlock()
	if due && s.scanMu.TryLock() {
		s.scan(false)
		s.scanMu.Unlock()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.sysop[name]; ok {
		return m
	}
	return s.builtin[name]
}

// Builtin returns the built-in menu called name, or nil, whether or not
// a sysop's file replaces it: the board's own translations of menu texts
// are of the built-in menus' words.
func (s *Set) Builtin(name string) *Menu { return s.builtin[name] }

// Generation counts the changes to the menus: a menu read anew or
// removed makes it larger. Views of menus made at one generation hold
// until the next (a menu an entry opens may have come or gone).
func (s *Set) Generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Reload reads every file of the sysop's folder now, changed or not.
func (s *Set) Reload() {
	s.scanMu.Lock()
	defer s.scanMu.Unlock()
	s.mu.Lock()
	s.checked = s.now()
	s.mu.Unlock()
	s.scan(true)
}

// Names returns the names of every menu, sorted.
func (s *Set) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for n := range s.builtin {
		names = append(names, n)
	}
	for n := range s.sysop {
		if _, ok := s.builtin[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Problems returns the sysop's files refused at the last look, sorted by
// file.
func (s *Set) Problems() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, err := range s.errs {
		errs = append(errs, err)
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

// scan reads the files of the sysop's folder that changed since the last
// look (all of them when all is set) and puts what it read in place.
// s.scanMu is held.
func (s *Set) scan(all bool) {
	files, err := s.list()
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			// A folder that cannot be read now (no file handles left)
			// keeps the menus as they were.
			s.log.Warn("menus: cannot read the folder; keeping the menus as they were", "dir", s.dir, "err", err)
			return
		}
		files = nil
	}
	read := map[string]*Menu{}
	refused := map[string]error{}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.name] = true
		if old, ok := s.stamps[f.name]; ok && old == f.stamp && !all {
			continue
		}
		m, err := s.read(f.name)
		var bad *Error
		if err != nil && !(errors.As(err, &bad) && bad.Line > 0 || errors.Is(err, errFormat)) {
			// Not the file's fault (it went, or could not be read just
			// now): look again next time, saying so once.
			if s.unread[f.name] != f.stamp {
				s.log.Warn("menus: cannot read a file; keeping its menu as it was", "menu", f.name, "err", err)
				s.unread[f.name] = f.stamp
			}
			continue
		}
		s.stamps[f.name] = f.stamp
		delete(s.unread, f.name)
		if err != nil {
			refused[f.name] = err
			continue
		}
		read[f.name] = m
	}
	var gone []string
	for name := range s.stamps {
		if !seen[name] {
			delete(s.stamps, name)
			gone = append(gone, name)
		}
	}
	if len(read) == 0 && len(refused) == 0 && len(gone) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	for name, err := range refused {
		s.errs[name] = err
		keeps := "the built-in menu"
		if _, ok := s.sysop[name]; ok {
			keeps = "its last good version"
		} else if _, ok := s.builtin[name]; !ok {
			keeps = "no menu"
		}
		s.log.Error("menus: file refused; keeping "+keeps, "err", err)
	}
	for name, m := range read {
		delete(s.errs, name)
		if old, ok := s.sysop[name]; ok && !reflect.DeepEqual(old, m) {
			s.log.Info("menus: reloaded", "menu", name)
		}
		s.sysop[name] = m
	}
	for _, name := range gone {
		// The sysop removed the file: the built-in menu is back.
		delete(s.sysop, name)
		delete(s.errs, name)
		s.log.Info("menus: file removed", "menu", name)
	}
}

type fileStamp struct {
	name string
	stamp
}

// list returns the menu files in the folder, the first MaxFiles by
// name.
func (s *Set) list() ([]fileStamp, error) {
	if s.dir == "" {
		return nil, nil
	}
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var names []string
	for scanned := 0; scanned < maxScan; {
		entries, err := d.ReadDir(256)
		for _, e := range entries {
			if name, ok := strings.CutSuffix(e.Name(), ".toml"); ok && ValidName(name) {
				names = append(names, name)
			}
		}
		scanned += len(entries)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(names)
	if len(names) > MaxFiles {
		if s.tooMany != len(names) {
			s.log.Warn("menus: too many files; the rest are ignored", "dir", s.dir, "max", MaxFiles, "files", len(names))
		}
		names = names[:MaxFiles]
	}
	s.tooMany = len(names)
	var files []fileStamp
	for _, name := range names {
		fi, err := root.Stat(name + ".toml")
		if errors.Is(err, fs.ErrNotExist) || err == nil && !fi.Mode().IsRegular() {
			continue
		}
		if err != nil {
			return nil, err
		}
		files = append(files, fileStamp{name: name, stamp: stamp{mod: fi.ModTime(), size: fi.Size()}})
	}
	return files, nil
}

// errFormat marks a file that is not a menu at all.
var errFormat = errors.New("not a menu file")

// read parses the sysop's file for the menu called name.
func (s *Set) read(name string) (*Menu, error) {
	file := path.Join(s.dir, name+".toml")
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(name + ".toml")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	m, err := Parse(file, name, data)
	var bad *Error
	if errors.As(err, &bad) && bad.Line == 0 {
		bad.Err = fmt.Errorf("%w: %w", errFormat, bad.Err)
	}
	return m, err
}

// Check reads every menu file in dir and returns the problems found: a
// file that does not parse, a main menu without a log off entry, an entry
// that opens a menu that exists neither in dir nor in builtin, and, when
// exists is non-nil, an entry whose screen, door or script exists
// reports as missing. Built-in menus the files replace are not checked.
func Check(dir string, builtin fs.FS, exists func(kind Kind, target string) bool) []error {
	s, err := NewSet(dir, builtin, nil)
	if err != nil {
		return []error{err}
	}
	if _, err := os.Stat(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return []error{err}
	}
	errs := s.Problems()
	for _, name := range s.Names() {
		m := s.Get(name)
		if m == nil {
			continue // removed meanwhile
		}
		if name == "main" && !slices.ContainsFunc(m.Entries, func(e Entry) bool { return e.Kind == Logoff && !e.Sysop && e.Need().IsZero() }) {
			errs = append(errs, fmt.Errorf("%s: the main menu has no log off entry (logoff = true) for every caller (without sysop, level or group)", name))
		}
		for _, e := range m.Entries {
			switch {
			case e.Kind == Submenu && s.Get(e.Target) == nil:
				errs = append(errs, fmt.Errorf("%s: entry %q opens menu %q, which does not exist", name, string(e.Key), e.Target))
			case (e.Kind == Screen || e.Kind == Door || e.Kind == Script) && exists != nil && !exists(e.Kind, e.Target):
				errs = append(errs, fmt.Errorf("%s: entry %q opens %s %q, which this board does not have (callers do not see the entry)", name, string(e.Key), e.Kind, e.Target))
			}
		}
	}
	return errs
}
