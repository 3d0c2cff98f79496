package art

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
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
}

// NewLibrary returns a Library that looks in overrideDir (typically
// DATA/art) before the built-in art. An empty or missing overrideDir means
// built-in art only.
func NewLibrary(overrideDir string) *Library {
	return &Library{dir: overrideDir}
}

// Load returns the art called name (without ".ans"): overrideDir/name.ans
// or one of its variants, chosen at random (see pickVariant), if any
// exists, else the built-in art. A gallery piece, "gallery/NAME" (see
// Gallery), is overrideDir/gallery/NAME.ans itself, with no variants. A
// name that is neither a plain file name nor one in the gallery (a path,
// "..", a leading dot) is an ErrBadName error.
//
// When an override file exists but cannot be read or parsed, Load returns
// the built-in art together with an *OverrideError worth logging: callers
// show the art whenever it is non-nil, and log the error whenever that is.
// With no built-in art of that name the art is nil. A name found nowhere
// is an ErrNotFound error.
func (l *Library) Load(name string) (*Art, error) {
	if !validArtName(name) {
		return nil, fmt.Errorf("%w: %q", ErrBadName, name)
	}
	a, oerr := l.override(name)
	if a != nil {
		return a, nil
	}
	data, err := builtin.ReadFile("ans/" + name + ".ans")
	if err != nil {
		if oerr != nil {
			return nil, oerr
		}
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	a, err = Parse(name, data)
	if err != nil {
		// The tests parse every built-in file, so this is a build error.
		return nil, fmt.Errorf("art: built-in %s: %w", name, err)
	}
	if oerr != nil {
		return a, oerr
	}
	return a, nil
}

// override loads name from the override directory. Both results are nil
// when there is no such file. The directory is opened as an os.Root, so
// no name or symbolic link can reach outside it.
func (l *Library) override(name string) (*Art, error) {
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
	file := name + ".ans"
	if !strings.HasPrefix(name, galleryPrefix) {
		if file, err = pickVariant(root, name); err != nil {
			return nil, &OverrideError{Path: l.dir, Err: err}
		}
		if file == "" {
			return nil, nil
		}
	}
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

// pickVariant returns the file to show for name: one of NAME.ans and its
// variants (NAME2.ans, NAME-xmas.ans, NAME_b.ans: NAME, then anything
// not starting with a letter), chosen at random so that callers see a
// different screen now and then; "" when there is none.
func pickVariant(root *os.Root, name string) (string, error) {
	dir, err := root.Open(".")
	if err != nil {
		return "", err
	}
	defer dir.Close()
	entries, err := dir.ReadDir(maxVariants)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	var files []string
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".ans")
		rest, ok2 := strings.CutPrefix(base, name)
		if !ok || !ok2 || !validName(base) {
			continue
		}
		if rest == "" || !unicode.IsLetter(rune(rest[0])) {
			files = append(files, e.Name())
		}
	}
	if len(files) == 0 {
		return "", nil
	}
	return files[rand.IntN(len(files))], nil
}

// Names returns the names Load can find, sorted: the built-in ones and
// those of the override directory's .ans files. An unreadable override
// directory adds none.
func (l *Library) Names() []string {
	var names []string
	entries, _ := builtin.ReadDir("ans")
	names = appendNames(names, entries)
	if l.dir != "" {
		if root, err := os.OpenRoot(l.dir); err == nil {
			entries, _ := fs.ReadDir(root.FS(), ".")
			names = appendNames(names, entries)
			root.Close()
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func appendNames(names []string, entries []fs.DirEntry) []string {
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".ans")
		if ok && !e.IsDir() && validName(name) {
			names = append(names, name)
		}
	}
	return names
}

// Gallery returns the names of the pieces in the gallery, for Load,
// sorted: "gallery/NAME" for each NAME.ans in the override directory's
// gallery folder (DATA/art/gallery) and in the built-in one, a sysop's
// file taking the place of a built-in one of the same name. It returns
// at most MaxGallery names; an unreadable gallery folder adds none.
func (l *Library) Gallery() []string {
	var names []string
	entries, _ := builtin.ReadDir("ans/" + galleryDir)
	names = appendNames(names, entries)
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
		names = appendNames(names, entries)
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
