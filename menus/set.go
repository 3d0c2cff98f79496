package menus

import (
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
)

// MaxFiles is the most menu files a folder may hold; the rest are
// ignored, with a warning.
const MaxFiles = 200

// CheckEvery is how often a Set looks at its folder for changes.
const CheckEvery = time.Second

// Set is the board's menus: the built-in ones and the sysop's, kept up
// to date with the sysop's folder. It is safe for concurrent use.
type Set struct {
	dir     string
	builtin map[string]*Menu
	log     *slog.Logger
	now     func() time.Time

	mu      sync.Mutex
	checked time.Time
	stamps  map[string]stamp // the sysop's files as last read
	sysop   map[string]*Menu // their last good versions
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
		stamps: map[string]stamp{}, sysop: map[string]*Menu{}, errs: map[string]error{}}
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

// Get returns the menu called name, or nil. It looks at the sysop's
// folder first when it has not for CheckEvery.
func (s *Set) Get(name string) *Menu {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.now().Sub(s.checked) >= CheckEvery {
		s.scan()
	}
	if m, ok := s.sysop[name]; ok {
		return m
	}
	return s.builtin[name]
}

// Reload looks at the sysop's folder now.
func (s *Set) Reload() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scan()
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
// look. s.mu is held.
func (s *Set) scan() {
	s.checked = s.now()
	files, err := s.list()
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("menus: cannot read the folder", "dir", s.dir, "err", err)
		}
		files = nil
	}
	seen := map[string]bool{}
	for _, f := range files {
		seen[f.name] = true
		if old, ok := s.stamps[f.name]; ok && old == f.stamp {
			continue
		}
		s.stamps[f.name] = f.stamp
		m, err := s.read(f.name)
		if err != nil {
			s.errs[f.name] = err
			keeps := "the built-in menu"
			if _, ok := s.sysop[f.name]; ok {
				keeps = "its last good version"
			} else if _, ok := s.builtin[f.name]; !ok {
				keeps = "no menu"
			}
			s.log.Error("menus: file refused; keeping "+keeps, "err", err)
			continue
		}
		delete(s.errs, f.name)
		if _, ok := s.sysop[f.name]; ok {
			s.log.Info("menus: reloaded", "menu", f.name)
		}
		s.sysop[f.name] = m
	}
	for name := range s.stamps {
		if !seen[name] {
			// The sysop removed the file: the built-in menu is back.
			delete(s.stamps, name)
			delete(s.sysop, name)
			delete(s.errs, name)
			s.log.Info("menus: file removed", "menu", name)
		}
	}
}

type fileStamp struct {
	name string
	stamp
}

// list returns the menu files in the folder.
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
	entries, err := d.ReadDir(MaxFiles + 1)
	if err != nil && err != io.EOF {
		return nil, err
	}
	var files []fileStamp
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".toml")
		if !ok || !e.Type().IsRegular() && e.Type()&fs.ModeSymlink == 0 {
			continue
		}
		if len(files) == MaxFiles {
			s.log.Warn("menus: too many files; the rest are ignored", "dir", s.dir, "max", MaxFiles)
			break
		}
		fi, err := root.Stat(e.Name())
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		files = append(files, fileStamp{name: name, stamp: stamp{mod: fi.ModTime(), size: fi.Size()}})
	}
	return files, nil
}

// read parses the sysop's file for the menu called name.
func (s *Set) read(name string) (*Menu, error) {
	file := path.Join(s.dir, name+".toml")
	root, err := os.OpenRoot(s.dir)
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	defer root.Close()
	f, err := root.Open(name + ".toml")
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	return Parse(file, name, data)
}

// Check reads every menu file in dir and returns the problems found: a
// file that does not parse, or an entry that opens a menu that exists
// neither in dir nor in builtin. Built-in menus the files replace are not
// checked.
func Check(dir string, builtin fs.FS) []error {
	s, err := NewSet(dir, builtin, nil)
	if err != nil {
		return []error{err}
	}
	errs := s.Problems()
	for _, name := range s.Names() {
		m := s.Get(name)
		for _, e := range m.Entries {
			if e.Kind == Submenu && s.Get(e.Target) == nil {
				errs = append(errs, fmt.Errorf("%s: entry %q opens menu %q, which does not exist", name, string(e.Key), e.Target))
			}
		}
	}
	return errs
}
