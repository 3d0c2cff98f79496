package lang

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/x84bbs/x84/internal/tomlpos"
)

// Bounds on the sysop's catalogs.
const (
	// MaxFileSize is the largest catalog file; English, every message
	// of the board, is well under a tenth of it.
	MaxFileSize = 256 << 10
	// MaxLanguages is the most catalogs DATA/lang may hold.
	MaxLanguages = 64
	// MaxMessage is the longest message, in bytes.
	MaxMessage = 2048
)

// Reference is the language every other is checked against and falls
// back to: the built-in catalog of this tag must hold every message.
const Reference = "en"

// NameID is the message that holds a language's own name ("Deutsch"),
// shown where a caller picks a language.
const NameID = "language.name"

// freePrefixes are the tables of messages that only some languages have:
// the texts of menu files and of scripts, which the board shows as
// written unless the caller's language has its own (see Printer.Own).
// They need no English original, and may use any placeholders.
var freePrefixes = []string{"menus.", "scripts."}

// free reports whether id is in a table of freePrefixes.
func free(id string) bool {
	for _, p := range freePrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// pluralForms are the keys of a message with plural forms.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// shape bounds a catalog's lines and nesting before the TOML parser sees
// it (see tomlpos.Shape).
var shape = tomlpos.Shape{MaxLine: MaxMessage + 256, MaxDepth: 4}

// Language is one language of a Catalog.
type Language struct {
	Tag  string // BCP 47: "en", "de", "pt-BR"
	Name string // its own name for itself: "English", "Deutsch"
}

// Catalog is every language the board speaks. Build one with Load.
type Catalog struct {
	bundle  *i18n.Bundle
	def     language.Tag
	tags    []language.Tag
	matcher language.Matcher
	langs   []Language
	ref     map[string]*refMessage
	// ids holds each language's own messages, by tag.
	ids      map[string]map[string]bool
	problems []string
}

// refMessage is what the English catalog says of a message.
type refMessage struct {
	plural bool
	names  []string // its placeholders
}

// Error is a catalog file that cannot be used.
type Error struct {
	File string
	Line int    // 0 when unknown
	ID   string // the message, "" for the whole file
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.ID != "" {
		b.WriteString(": " + e.ID)
	}
	return b.String() + ": " + e.Msg
}

// Load reads the built-in catalogs, TAG.toml files or TAG/*.toml folders
// at builtin's root (which must hold Reference's), and then the sysop's
// TAG.toml files in dir, which may be missing. def is the board's
// default language; "" means Reference.
//
// A sysop's file replaces the built-in messages it sets; a sysop's
// English file may also add messages (for their menus and scripts),
// which the other languages may then translate.
func Load(builtin fs.FS, dir, def string) (*Catalog, error) {
	if def == "" {
		def = Reference
	}
	defTag, err := language.Parse(def)
	if err != nil {
		return nil, fmt.Errorf("lang: the default language %q is not a language tag", def)
	}
	c := &Catalog{bundle: i18n.NewBundle(language.English), def: defTag}
	files, err := catalogFiles(builtin, dir)
	if err != nil {
		return nil, err
	}
	names := map[language.Tag]string{}
	ids := map[language.Tag]map[string]bool{}
	c.ref = map[string]*refMessage{}
	for _, f := range files {
		tag, msgs, err := c.parse(f, ids[tagOf(f.tag)])
		if err != nil {
			return nil, err
		}
		if err := c.bundle.AddMessages(tag, msgs...); err != nil {
			return nil, &Error{File: f.name, Msg: err.Error()}
		}
		if ids[tag] == nil {
			ids[tag] = map[string]bool{}
			c.tags = append(c.tags, tag)
		}
		for _, m := range msgs {
			ids[tag][m.ID] = true
			if m.ID == NameID {
				names[tag] = m.Other
			}
		}
	}
	c.ids = make(map[string]map[string]bool, len(ids))
	for t, m := range ids {
		c.ids[t.String()] = m
	}
	if !slices.Contains(c.tags, defTag) {
		return nil, fmt.Errorf("lang: the default language %q has no catalog", def)
	}
	// The default first: the matcher falls back to its first tag.
	slices.SortStableFunc(c.tags, func(a, b language.Tag) int {
		switch {
		case a == defTag:
			return -1
		case b == defTag:
			return 1
		}
		return strings.Compare(a.String(), b.String())
	})
	c.matcher = language.NewMatcher(c.tags)
	for _, t := range c.tags {
		c.langs = append(c.langs, Language{Tag: t.String(), Name: cmpOr(names[t], t.String())})
		var missing []string
		for id := range c.ref {
			if !ids[t][id] && !free(id) {
				missing = append(missing, id)
			}
		}
		if n := len(missing); n > 0 {
			sort.Strings(missing)
			more := ""
			if n > 5 {
				more = fmt.Sprintf(" and %d more", n-5)
				missing = missing[:5]
			}
			c.problems = append(c.problems, fmt.Sprintf("%s: %d messages are not translated (shown in English): %s%s",
				t, n, strings.Join(missing, ", "), more))
		}
	}
	return c, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// catalogFile is one catalog to read.
type catalogFile struct {
	name string // for errors: "builtin:de.toml" or the path
	tag  string
	data []byte
	own  bool // the sysop's, which may replace built-in messages
}

// tagOf parses a catalog's tag, Und when it is not one (parse says so).
func tagOf(s string) language.Tag {
	t, _ := language.Parse(s)
	return t
}

// catalogFiles reads the built-in catalogs, Reference's first, then the
// sysop's, each language's after its built-in one so that the sysop's
// messages replace the built-in ones.
func catalogFiles(builtin fs.FS, dir string) ([]catalogFile, error) {
	files, err := builtinFiles(builtin)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 || files[0].tag != Reference {
		return nil, fmt.Errorf("lang: no built-in %s catalog", Reference)
	}
	if dir == "" {
		return files, nil
	}
	// The folder is a root: no name or link in it reaches outside.
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return files, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lang: %w", err)
	}
	defer root.Close()
	own, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return nil, fmt.Errorf("lang: %w", err)
	}
	n := 0
	for _, e := range own {
		tag, ok := strings.CutSuffix(e.Name(), ".toml")
		if !ok || e.IsDir() {
			continue
		}
		if n++; n > MaxLanguages {
			return nil, fmt.Errorf("lang: %s holds more than %d catalogs", dir, MaxLanguages)
		}
		path := filepath.Join(dir, e.Name())
		data, err := readBounded(root, e.Name(), path)
		if err != nil {
			return nil, err
		}
		files = append(files, catalogFile{name: path, tag: tag, data: data, own: true})
	}
	// The sysop's English first too: it may add messages the others
	// translate.
	slices.SortStableFunc(files, func(a, b catalogFile) int {
		rank := func(f catalogFile) int {
			r := 0
			if f.own {
				r += 2
			}
			if f.tag != Reference {
				r++
			}
			return r
		}
		return rank(a) - rank(b)
	})
	return files, nil
}

// builtinFiles reads the built-in catalogs, TAG.toml or TAG/*.toml,
// Reference's first.
func builtinFiles(builtin fs.FS) ([]catalogFile, error) {
	var files []catalogFile
	entries, err := fs.ReadDir(builtin, ".")
	if err != nil {
		return nil, fmt.Errorf("lang: built-in catalogs: %w", err)
	}
	read := func(tag, name string) error {
		data, err := fs.ReadFile(builtin, name)
		if err != nil {
			return fmt.Errorf("lang: built-in catalog %s: %w", name, err)
		}
		files = append(files, catalogFile{name: "builtin:" + name, tag: tag, data: data})
		return nil
	}
	for _, e := range entries {
		if e.IsDir() {
			names, err := fs.Glob(builtin, e.Name()+"/*.toml")
			if err != nil {
				return nil, fmt.Errorf("lang: built-in catalogs: %w", err)
			}
			for _, n := range names {
				if err := read(e.Name(), n); err != nil {
					return nil, err
				}
			}
			continue
		}
		if tag, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			if err := read(tag, e.Name()); err != nil {
				return nil, err
			}
		}
	}
	slices.SortStableFunc(files, func(a, b catalogFile) int {
		switch {
		case a.tag == b.tag:
			return 0
		case a.tag == Reference:
			return -1
		case b.tag == Reference:
			return 1
		}
		return 0
	})
	return files, nil
}

// readBounded reads a sysop's catalog, name in root (path for errors),
// refusing one over MaxFileSize or one that is not a regular file.
func readBounded(root *os.Root, name, path string) ([]byte, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, fmt.Errorf("lang: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, &Error{File: path, Msg: "not a regular file"}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("lang: %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("the file is larger than %d KiB", MaxFileSize>>10)}
	}
	return data, nil
}
