package art

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/language"
)

// builtin is the default art, compiled into the binary.
//
//go:embed ans/*.ans ans/gallery/*.ans
var builtin embed.FS

var (
	// ErrNotFound reports a name with neither an override file nor
	// built-in art.
	ErrNotFound = errors.New("art: no such art")
	// ErrBadName reports a name that is not a plain file name.
	ErrBadName = errors.New("art: bad art name")
)

// maxFileSize bounds an override file; the canvas could not show more.
const maxFileSize = 2 << 20

// OverrideError reports a sysop's art file that could not be used, so
// the built-in art was loaded instead (or nothing, when there is none).
type OverrideError struct {
	Path string // the override file or directory
	Err  error
}

func (e *OverrideError) Error() string { return "art: ignoring " + e.Path + ": " + e.Err.Error() }

func (e *OverrideError) Unwrap() error { return e.Err }

// Library finds art by name: a sysop's file in the override directory
// first, then the art built into x84. It reads files on every Load, so
// changes show up without a restart.
type Library struct {
	dir string
	// langs are the language tags a file's name may end in (NAME.TAG.ans):
	// the built-in art's and the board's (SetLanguages). Other endings
	// are variants' names, such as main.alt.ans.
	langs map[string]bool
}

// NewLibrary returns a Library that looks in overrideDir (typically
// DATA/art) before the built-in art. An empty or missing overrideDir means
// built-in art only.
func NewLibrary(overrideDir string) *Library {
	return &Library{dir: overrideDir, langs: maps.Clone(builtinLangs())}
}

// SetLanguages adds the languages whose art a file's name may be for
// (NAME.TAG.ans): the board's languages. Only these and the built-in
// art's are languages; "main.alt.ans" stays a variant of main, though
// "alt" is a language's tag too. Call it before the Library is used.
func (l *Library) SetLanguages(tags ...string) {
	for _, t := range tags {
		if t, ok := parseTag(t); ok {
			l.langs[t] = true
		}
	}
}

// builtinLangs are the languages of the built-in art's files.
var builtinLangs = sync.OnceValue(func() map[string]bool {
	langs := map[string]bool{}
	for _, dir := range []string{"ans", "ans/gallery"} {
		entries, _ := builtin.ReadDir(dir)
		for _, e := range entries {
			base, _ := strings.CutSuffix(e.Name(), ".ans")
			if i := strings.LastIndexByte(base, '.'); i > 0 {
				if t, ok := parseTag(base[i+1:]); ok {
					langs[t] = true
				}
			}
		}
	}
	return langs
})

// Load returns the art called name (without ".ans"): overrideDir/name.ans
// or one of its variants, chosen at random (see variants), if any
// exists, else the built-in art. A gallery piece, "gallery/NAME" (see
// Gallery), is overrideDir/gallery/NAME.ans itself, with no variants. A
// name that is neither a plain file name nor one in the gallery (a path,
// "..", a leading dot) is an ErrBadName error. Art made for a language
// (NAME.TAG.ans, see LoadFor) is never among the variants.
//
// When an override file exists but cannot be read or parsed, Load returns
// the built-in art together with an *OverrideError worth logging: callers
// show the art whenever it is non-nil, and log the error whenever that is.
// With no built-in art of that name the art is nil. A name found nowhere
// is an ErrNotFound error.
func (l *Library) Load(name string) (*Art, error) { return l.LoadFor(name, "") }

// LoadFor is Load for a caller who speaks the language tag ("de",
// "pt-BR", as lang.Printer.Tag gives it; "" for none): art made for that
// language, NAME.TAG.ans, takes the place of NAME.ans. LoadFor returns
// the first of
//
//   - one of the sysop's NAME.TAG.ans and its variants (NAME2.TAG.ans,
//     NAME-xmas.TAG.ans), chosen at random; for a regional tag such as
//     pt-BR, then those of its language, NAME.pt.ans and so on;
//   - one of the sysop's NAME.ans and its variants, as Load picks them;
//   - the built-in NAME.TAG.ans (or its language's, as above);
//   - the built-in NAME.ans.
//
// So a sysop who replaces NAME.ans with art of their own shows it to
// every caller: the built-in art's translation, a different picture, is
// used only when the sysop has no art of that name; the sysop's own
// NAME.de.ans is for German callers. Art for a language is never picked
// for a caller of another. A gallery piece, having no variants, is
// gallery/NAME.TAG.ans, then gallery/NAME.ans, the sysop's before the
// built-in in the same order. A TAG in a file name is written as the
// board's catalogs name the language (de, pt-BR; any case).
//
// A sysop's file that cannot be used is passed over for the next in that
// order, and its *OverrideError is returned with the art found, as for
// Load.
func (l *Library) LoadFor(name, tag string) (*Art, error) {
	if !validArtName(name) {
		return nil, fmt.Errorf("%w: %q", ErrBadName, name)
	}
	tags := tagChain(tag)
	a, oerr := l.override(name, tags)
	if a != nil {
		return a, oerr
	}
	for _, t := range append(tags, "") {
		file := name + ".ans"
		if t != "" {
			file = name + "." + t + ".ans"
		}
		data, err := builtin.ReadFile("ans/" + file)
		if err != nil {
			continue
		}
		a, err := Parse(name, data)
		if err != nil {
			// The tests parse every built-in file, so this is a build error.
			return nil, fmt.Errorf("art: built-in %s: %w", file, err)
		}
		return a, oerr
	}
	if oerr != nil {
		return nil, oerr
	}
	return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
}

// maxTags bounds the tags tagChain returns.
const maxTags = 4

// tagChain returns the tags whose art serves a caller speaking tag, best
// first: the tag itself, then the languages it belongs to ("pt-BR", then
// "pt"); none for "" or a tag that does not parse.
func tagChain(tag string) []string {
	if tag == "" || len(tag) > 35 {
		return nil
	}
	t, err := language.Parse(tag)
	var tags []string
	for err == nil && t != language.Und && len(tags) < maxTags {
		if s := t.String(); !slices.Contains(tags, s) {
			tags = append(tags, s)
		}
		t = t.Parent()
	}
	return tags
}

// parseTag reports whether s, the end of a file's name, is a language tag
// (as lang.ParseTag takes one: well formed, known and written in its
// canonical form but for case), and returns it in its canonical form.
func parseTag(s string) (string, bool) {
	if s == "" || len(s) > 35 {
		return "", false
	}
	t, err := language.Parse(s)
	if err != nil || t == language.Und || !strings.EqualFold(t.String(), s) {
		return "", false
	}
	return t.String(), true
}

// splitTag splits a file's name (without ".ans") into the name of its
// art and the language it is for: "main-xmas.de" is "main-xmas" and
// "de"; a name not ending in one of the library's languages (or a
// regional form of one, such as de-AT) has none.
func (l *Library) splitTag(base string) (stem, tag string) {
	i := strings.LastIndexByte(base, '.')
	if i <= 0 {
		return base, ""
	}
	t, ok := parseTag(base[i+1:])
	if !ok {
		return base, ""
	}
	for _, known := range tagChain(t) {
		if l.langs[known] {
			return base[:i], t
		}
	}
	return base, ""
}

// override loads name from the override directory for a caller of tags
// (see tagChain): the first of its sets of files, each tag's and then
// the untagged, that has a usable file. The art is nil when there is
// none; the error is the first file's that could not be used. The
// directory is opened as an os.Root, so no name or symbolic link can
// reach outside it.
func (l *Library) override(name string, tags []string) (*Art, error) {
	if l.dir == "" {
		return nil, nil
	}
	root, err := os.OpenRoot(l.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &OverrideError{Path: l.dir, Err: err}
	}
	defer root.Close()
	var sets [][]string
	if strings.HasPrefix(name, galleryPrefix) {
		for _, t := range tags {
			sets = append(sets, []string{name + "." + t + ".ans"})
		}
		sets = append(sets, []string{name + ".ans"})
	} else {
		byTag, err := l.variants(root, name)
		if err != nil {
			return nil, &OverrideError{Path: l.dir, Err: err}
		}
		for _, t := range tags {
			sets = append(sets, byTag[t])
		}
		sets = append(sets, byTag[""])
	}
	var oerr error
	for _, files := range sets {
		if len(files) == 0 {
			continue
		}
		a, err := l.read(root, name, files[rand.IntN(len(files))])
		if a != nil {
			return a, oerr
		}
		if err != nil && oerr == nil {
			oerr = err
		}
	}
	return nil, oerr
}

// read loads file of the override directory as the art called name.
// Both results are nil when there is no such file.
func (l *Library) read(root *os.Root, name, file string) (*Art, error) {
	path := filepath.Join(l.dir, filepath.FromSlash(file))
	f, err := root.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &OverrideError{Path: path, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err == nil && len(data) > maxFileSize {
		err = fmt.Errorf("art: larger than %d bytes", maxFileSize)
	}
	if err != nil {
		return nil, &OverrideError{Path: path, Err: err}
	}
	a, err := Parse(name, data)
	if err != nil {
		return nil, &OverrideError{Path: path, Err: err}
	}
	return a, nil
}

// Piece describes a piece of art without drawing it, for a list of
// them.
type Piece struct {
	Name  string
	SAUCE *SAUCE // nil when the file has none, or a damaged one
	Size  int64  // bytes of art, without the SAUCE record
}

// Title returns what to call the piece: its SAUCE title, else its name
// without the gallery folder.
func (p Piece) Title() string { return title(p.Name, p.SAUCE) }

// Describe reads the SAUCE record of the art called name, and only that
// part of the file, for listing many pieces without loading them: the
// sysop's file for a gallery piece, or NAME.ans itself (not a variant)
// for other art, else the built-in art. Errors are as for Load; a
// damaged record is no record.
func (l *Library) Describe(name string) (Piece, error) {
	if !validArtName(name) {
		return Piece{}, fmt.Errorf("%w: %q", ErrBadName, name)
	}
	p, oerr := l.describeOverride(name)
	if oerr == nil && p.Name != "" {
		return p, nil
	}
	data, err := builtin.ReadFile("ans/" + name + ".ans")
	if err != nil {
		if oerr != nil {
			return Piece{}, oerr
		}
		return Piece{}, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	p = describe(name, int64(len(data)), data)
	return p, oerr
}

// describeOverride describes name's file in the override directory; a
// zero Piece and no error when there is none.
func (l *Library) describeOverride(name string) (Piece, error) {
	if l.dir == "" {
		return Piece{}, nil
	}
	root, err := os.OpenRoot(l.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return Piece{}, nil
	}
	if err != nil {
		return Piece{}, &OverrideError{Path: l.dir, Err: err}
	}
	defer root.Close()
	file := name + ".ans"
	path := filepath.Join(l.dir, filepath.FromSlash(file))
	f, err := root.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return Piece{}, nil
	}
	if err != nil {
		return Piece{}, &OverrideError{Path: path, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = errors.New("art: not a regular file")
	case fi.Size() > maxFileSize:
		err = fmt.Errorf("art: larger than %d bytes", maxFileSize)
	}
	if err != nil {
		return Piece{}, &OverrideError{Path: path, Err: err}
	}
	tail := make([]byte, min(fi.Size(), int64(maxRecordLen)))
	if _, err := f.ReadAt(tail, fi.Size()-int64(len(tail))); err != nil {
		return Piece{}, &OverrideError{Path: path, Err: err}
	}
	return describe(name, fi.Size(), tail), nil
}

// maxRecordLen is the most bytes a SAUCE record takes with its comments
// and the EOF byte before them.
const maxRecordLen = 1 + len(comntID) + 255*comntLine + sauceLen

// describe describes a file of size bytes that ends with tail.
func describe(name string, size int64, tail []byte) Piece {
	tail = tail[max(0, len(tail)-maxRecordLen):]
	body, s, err := Split(tail)
	if err != nil {
		return Piece{Name: name, Size: size}
	}
	return Piece{Name: name, SAUCE: s, Size: size - int64(len(tail)-len(body))}
}

// maxVariants bounds the files of the override directory looked at for
// one name's variants.
const maxVariants = 1000

// variants returns the files of the override directory to show for
// name, by the language they are for ("" for every language): NAME.ans
// and its variants (NAME2.ans, NAME-xmas.ans, NAME_b.ans: NAME, then
// anything not starting with a letter), one of which Load picks at
// random so that callers see a different screen now and then, and the
// same with a language tag before .ans (NAME.de.ans, NAME2.de.ans), for
// LoadFor.
func (l *Library) variants(root *os.Root, name string) (map[string][]string, error) {
	dir, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	entries, err := dir.ReadDir(maxVariants)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	files := map[string][]string{}
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".ans")
		if !ok || !validName(base) {
			continue
		}
		if tag, ok := l.variantOf(base, name); ok {
			files[tag] = append(files[tag], e.Name())
		}
	}
	return files, nil
}

// variantOf reports whether a file's name (without ".ans") is name's
// art or a variant of it, and for which language ("" for every one).
func (l *Library) variantOf(base, name string) (tag string, ok bool) {
	if base == name {
		return "", true // even when name itself ends like a tag
	}
	stem, tag := l.splitTag(base)
	rest, ok := strings.CutPrefix(stem, name)
	if !ok || rest != "" && unicode.IsLetter(rune(rest[0])) {
		return "", false
	}
	return tag, true
}

// Names returns the names Load can find, sorted: the built-in ones and
// those of the override directory's .ans files, leaving out art for a
// language (NAME.TAG.ans, see LoadFor). An unreadable override directory
// adds none.
func (l *Library) Names() []string {
	var names []string
	entries, _ := builtin.ReadDir("ans")
	names = l.appendNames(names, entries)
	if l.dir != "" {
		if root, err := os.OpenRoot(l.dir); err == nil {
			entries, _ := fs.ReadDir(root.FS(), ".")
			names = l.appendNames(names, entries)
			root.Close()
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (l *Library) appendNames(names []string, entries []fs.DirEntry) []string {
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".ans")
		if _, tag := l.splitTag(name); ok && !e.IsDir() && validName(name) && tag == "" {
			names = append(names, name)
		}
	}
	return names
}

// Gallery returns the names of the pieces in the gallery, for Load,
// sorted: "gallery/NAME" for each NAME.ans in the override directory's
// gallery folder (DATA/art/gallery) and in the built-in one, a sysop's
// file taking the place of a built-in one of the same name; a piece for
// a language (NAME.TAG.ans, see LoadFor) is no piece of its own. It returns
// at most MaxGallery names; an unreadable gallery folder adds none.
func (l *Library) Gallery() []string {
	var names []string
	entries, _ := builtin.ReadDir("ans/" + galleryDir)
	names = l.appendNames(names, entries)
	names = append(names, l.sysopGallery()...)
	slices.Sort(names)
	names = slices.Compact(names)
	names = names[:min(len(names), MaxGallery)]
	for i, n := range names {
		names[i] = galleryPrefix + n
	}
	return names
}

// MaxGallery is the most pieces Gallery lists.
const MaxGallery = 1000

// The gallery is a folder of the library.
const (
	galleryDir    = "gallery"
	galleryPrefix = galleryDir + "/"
)

// maxGalleryScan bounds the entries of the sysop's gallery folder read,
// dot files and other files included.
const maxGalleryScan = 8 * MaxGallery

// sysopGallery returns the names of the .ans files in the override
// directory's gallery folder.
func (l *Library) sysopGallery() []string {
	if l.dir == "" {
		return nil
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return nil
	}
	defer root.Close()
	dir, err := root.Open(galleryDir)
	if err != nil {
		return nil
	}
	defer dir.Close()
	var names []string
	for scanned := 0; scanned < maxGalleryScan; {
		entries, err := dir.ReadDir(256)
		scanned += len(entries)
		names = l.appendNames(names, entries)
		if err != nil || len(entries) == 0 {
			break
		}
	}
	return names
}

// validArtName reports whether Load accepts name: a plain file name (see
// validName), or one in the gallery, "gallery/NAME".
func validArtName(name string) bool {
	if base, ok := strings.CutPrefix(name, galleryPrefix); ok {
		return validName(base)
	}
	return validName(name)
}

// validName reports whether name is a plain file name Load accepts:
// letters, digits, '-', '_' and '.', not starting with a dot, so it can
// name neither a path nor a hidden file.
func validName(name string) bool {
	if name == "" || len(name) > 64 || name[0] == '.' {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}
