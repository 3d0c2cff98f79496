package filearea

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/store"
)

// Defaults of Config.
const (
	DefaultUploadDir          = "uploads"
	DefaultMaxUpload          = 256 << 20 // 256 MiB
	DefaultQuota              = 1 << 30   // 1 GiB
	DefaultMaxFiles           = 500
	DefaultMaxOpen            = 64
	DefaultMaxOpenPerUser     = 128
	DefaultMaxSessionsPerUser = 4
	DefaultRequestsPerSecond  = 200
	DefaultLinesPerSecond     = 5
	DefaultMaxLogValue        = 256
)

// tempPrefix starts the names of uploads in progress. Such names are
// hidden from every request and may not be chosen by clients.
const tempPrefix = ".x84-upload-"

// Errors for the limits on uploads. The status errors the client
// receives wrap them, so that errors.Is matches them on the server side;
// the client sees an SSH_FX_FAILURE whose message names the limit.
var (
	ErrTooLarge = errors.New("filearea: file exceeds the upload size limit")
	ErrQuota    = errors.New("filearea: upload quota exceeded")
	ErrMaxFiles = errors.New("filearea: upload file count limit reached")
	ErrMaxOpen  = errors.New("filearea: too many open files")
)

// ErrTooManySessions is NewSession's error for a user who has
// Config.MaxSessionsPerUser sessions open already. Its text is meant for
// the caller.
var ErrTooManySessions = errors.New("too many file transfer sessions at once; close one and try again")

// Config configures a file area. Dir and Uploads are required; every
// other field has a default.
type Config struct {
	// Dir is the area's root, created (0755) with its upload folder if
	// missing.
	Dir string
	// UploadDir is the folder, relative to Dir and slash-separated, into
	// which users may upload. Default DefaultUploadDir.
	UploadDir string
	// MaxUpload is the largest file accepted from anyone, in bytes.
	// Zero means DefaultMaxUpload, a negative value no limit.
	MaxUpload int64
	// Quota is the number of bytes one user may keep in the upload
	// folder, counted from Uploads; sysops are exempt. Zero means
	// DefaultQuota, a negative value no quota.
	Quota int64
	// MaxFiles is the number of files one user may keep in the upload
	// folder, uploads in progress included; sysops are exempt. Zero means
	// DefaultMaxFiles, a negative value no limit.
	MaxFiles int
	// MaxOpen bounds the open handles (files being read or written,
	// directory listings) of one session, MaxOpenPerUser those of all of
	// one user's sessions, MaxSessionsPerUser the sessions of one user.
	// Zero means the default, as for every limit below.
	MaxOpen, MaxOpenPerUser, MaxSessionsPerUser int
	// RequestsPerSecond bounds one session's requests other than reads
	// and writes of open handles; more wait their turn.
	RequestsPerSecond int
	// LinesPerSecond is how many lines (refusals, uploads, changes) one
	// session logs a second; the rest are counted in the next line
	// logged ("unlogged_before").
	LinesPerSecond int
	// MaxLogValue cuts logged paths and reasons to this many bytes.
	MaxLogValue int
	// Uploads records who owns each uploaded file and how big it is.
	Uploads store.Uploads
	// Tagged, if set, returns the paths (relative, slash-separated) of
	// the files a user tagged in the terminal's Files screen; the
	// read-only folder TaggedDir lists them.
	Tagged func(ctx context.Context, userID int64) ([]string, error)
	// Exclusive, if set, holds a lock shared by every process serving
	// this file area (the nodes of a cluster, on one shared folder) while
	// an upload is committed, or a file renamed or removed, and returns
	// its release: the checks of a name's owner and of a user's quota
	// then hold across processes, as commitMu makes them hold within one.
	Exclusive func(ctx context.Context) (release func(), err error)
	// Logger receives one record per refused operation, upload and
	// change; nil discards them.
	Logger *slog.Logger
}

// Area is an open file area. Its methods are safe for concurrent use;
// one Area serves every sftp session of the board.
type Area struct {
	root      *os.Root
	uploadDir string
	maxUpload int64
	quota     int64
	maxFiles  int
	limits    Config // the session limits, defaults applied
	uploads   store.Uploads
	tagged    func(ctx context.Context, userID int64) ([]string, error)
	downloads atomic.Pointer[DownloadHook] // SetDownloadHook's
	access    atomic.Pointer[AccessHook]   // SetAccessHook's
	log       *slog.Logger
	// escape is the error os.Root wraps when a path or a symlink leads
	// outside the root (os keeps its sentinel unexported; Open fetches
	// it by asking for "..").
	escape error

	// commitMu serialises the changes that must stay in step with the
	// upload records: committing an upload, Rename and Remove. It is
	// held during store calls and file system renames. Take it with
	// lockCommit, which adds Config.Exclusive.
	commitMu  sync.Mutex
	exclusive func(ctx context.Context) (func(), error)

	// mu guards the maps below. Lock order: commitMu -> mu.
	mu sync.Mutex
	// pending counts, by account ID, the bytes and files of uploads in
	// progress that count towards a quota, so that parallel uploads of
	// one user share it.
	pending map[int64]store.UploadUsage
	// sessions and open count each user's sessions and open handles.
	sessions, open map[int64]int
}

// Open opens the file area described by cfg, creating its root and
// upload folder if missing, and removes the temporary files of uploads
// that were interrupted by a crash.
func Open(cfg Config) (*Area, error) {
	if cfg.Dir == "" {
		return nil, errors.New("filearea: Config.Dir is empty")
	}
	if cfg.Uploads == nil {
		return nil, errors.New("filearea: Config.Uploads is nil")
	}
	up := cfg.UploadDir
	if up == "" {
		up = DefaultUploadDir
	}
	up = path.Clean(filepath.ToSlash(up))
	if up == "." || !filepath.IsLocal(up) || hidden(up) {
		return nil, fmt.Errorf("filearea: upload folder %q is not a folder inside the area", cfg.UploadDir)
	}
	a := &Area{
		uploadDir: up,
		maxUpload: cfg.MaxUpload,
		quota:     cfg.Quota,
		maxFiles:  cfg.MaxFiles,
		limits:    cfg,
		uploads:   cfg.Uploads,
		tagged:    cfg.Tagged,
		exclusive: cfg.Exclusive,
		log:       cfg.Logger,
		pending:   make(map[int64]store.UploadUsage),
		sessions:  make(map[int64]int),
		open:      make(map[int64]int),
	}
	if a.maxUpload == 0 {
		a.maxUpload = DefaultMaxUpload
	}
	if a.quota == 0 {
		a.quota = DefaultQuota
	}
	if a.maxFiles == 0 {
		a.maxFiles = DefaultMaxFiles
	}
	for _, l := range []struct {
		v   *int
		def int
	}{
		{&a.limits.MaxOpen, DefaultMaxOpen},
		{&a.limits.MaxOpenPerUser, DefaultMaxOpenPerUser},
		{&a.limits.MaxSessionsPerUser, DefaultMaxSessionsPerUser},
		{&a.limits.RequestsPerSecond, DefaultRequestsPerSecond},
		{&a.limits.LinesPerSecond, DefaultLinesPerSecond},
		{&a.limits.MaxLogValue, DefaultMaxLogValue},
	} {
		if *l.v <= 0 {
			*l.v = l.def
		}
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("filearea: %w", err)
	}
	root, err := os.OpenRoot(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("filearea: %w", err)
	}
	a.root = root
	if err := a.init(); err != nil {
		root.Close()
		return nil, err
	}
	return a, nil
}

func (a *Area) init() error {
	if err := a.root.MkdirAll(a.uploadDir, 0o755); err != nil {
		return fmt.Errorf("filearea: %w", err)
	}
	fi, err := a.root.Stat(a.uploadDir)
	if err != nil {
		return fmt.Errorf("filearea: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("filearea: upload folder %q is not a directory", a.uploadDir)
	}
	var pe *fs.PathError
	if _, err := a.root.Stat(".."); errors.As(err, &pe) {
		a.escape = pe.Err
	} else {
		return fmt.Errorf("filearea: os.Root let %q out (%v)", "..", err)
	}
	return a.sweep(".")
}

// sweep removes the temporary files left in dir and its subdirectories
// by uploads that a crash interrupted. Symlinks are not followed.
func (a *Area) sweep(dir string) error {
	f, err := a.root.Open(dir)
	if err != nil {
		return fmt.Errorf("filearea: %w", err)
	}
	ents, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("filearea: %w", err)
	}
	for _, e := range ents {
		rel := path.Join(dir, e.Name())
		switch {
		case e.Type().IsRegular() && strings.HasPrefix(e.Name(), tempPrefix):
			if err := a.root.Remove(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("filearea: %w", err)
			}
			a.log.Info("filearea: removed stale upload", "path", a.logPath(rel))
		case e.IsDir():
			if err := a.sweep(rel); err != nil {
				return err
			}
		}
	}
	return nil
}

// MaxOpen is the number of handles one session may hold open
// (Config.MaxOpen), for the sftp server to announce.
func (a *Area) MaxOpen() int { return a.limits.MaxOpen }

// Close closes the area's root. Sessions still using the area get
// failures from then on.
func (a *Area) Close() error { return a.root.Close() }

// hidden reports whether a component of rel names an upload in progress.
func hidden(rel string) bool {
	for c := range strings.SplitSeq(rel, "/") {
		if strings.HasPrefix(c, tempPrefix) {
			return true
		}
	}
	return false
}

// inUploads reports whether rel lies inside the upload folder, where
// files have upload records.
func (a *Area) inUploads(rel string) bool {
	return strings.HasPrefix(rel, a.uploadDir+"/")
}

// maxLinks bounds the symlinks resolve follows, as the kernel does.
const maxLinks = 40

// resolve returns rel with every symlink in it expanded, the way os.Root
// resolves paths (link targets read as relative paths, ".." taken
// textually after expansion), so that a link into the upload folder is
// seen to lead there. A missing component ends the resolution: the rest
// is kept as it is.
func (a *Area) resolve(rel string) (string, error) {
	parts := strings.Split(rel, "/")
	var done []string
	links := 0
	for len(parts) > 0 {
		p := parts[0]
		parts = parts[1:]
		switch p {
		case ".", "":
			continue
		case "..":
			if len(done) == 0 {
				return "", a.escape
			}
			done = done[:len(done)-1]
			continue
		}
		cand := path.Join(append(done, p)...)
		fi, err := a.root.Lstat(cand)
		if err != nil {
			return path.Join(append(append(done, p), parts...)...), nil
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, p)
			continue
		}
		if links++; links > maxLinks {
			return "", syscall.ELOOP
		}
		target, err := a.root.Readlink(cand)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) {
			return "", a.escape
		}
		parts = append(strings.Split(target, "/"), parts...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

// protected reports whether rel is the root or the upload folder or one
// of its parents, which must not be renamed or removed.
func (a *Area) protected(rel string) bool {
	return rel == "." || rel == a.uploadDir || strings.HasPrefix(a.uploadDir, rel+"/")
}

// lockCommit takes commitMu and, with it, the lock other processes
// serving the area hold for the same changes. Call the returned release
// when done.
func (a *Area) lockCommit(ctx context.Context) (release func(), err error) {
	a.commitMu.Lock()
	if a.exclusive == nil {
		return a.commitMu.Unlock, nil
	}
	done, err := a.exclusive(ctx)
	if err != nil {
		a.commitMu.Unlock()
		return nil, fmt.Errorf("filearea: the file area is busy elsewhere: %w", err)
	}
	return func() {
		done()
		a.commitMu.Unlock()
	}, nil
}

// reserve adds delta to the uploads in progress of the account and
// returns the new total.
func (a *Area) reserve(id int64, delta store.UploadUsage) store.UploadUsage {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.pending[id]
	n.Bytes += delta.Bytes
	n.Files += delta.Files
	if n == (store.UploadUsage{}) {
		delete(a.pending, id)
	} else {
		a.pending[id] = n
	}
	return n
}

// count adds delta to m[id] unless that passes max, and reports
// whether it did; a negative delta always applies. ID 0 is not counted.
func (a *Area) count(m map[int64]int, id int64, delta, max int) bool {
	if id == 0 {
		// Guests have no account to count by; only their sessions'
		// own limits apply.
		return true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	n := m[id] + delta
	if delta > 0 && n > max {
		return false
	}
	if n <= 0 {
		delete(m, id)
	} else {
		m[id] = n
	}
	return true
}

// logPath is a path as the log shows it: escaped and cut.
func (a *Area) logPath(rel string) string { return logcap.Cut(display(rel), a.limits.MaxLogValue) }

// moveRecord moves the upload record of from to to, or drops it when to
// lies outside the upload folder. A missing record is no error.
func (a *Area) moveRecord(ctx context.Context, from, to string) error {
	if !a.inUploads(from) {
		return nil
	}
	rec, err := a.uploads.Upload(ctx, from)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.uploads.DeleteUpload(ctx, from); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if !a.inUploads(to) {
		return nil
	}
	rec.Path = to
	return a.uploads.PutUpload(ctx, rec)
}

// dropRecord removes the upload record of rel, if any.
func (a *Area) dropRecord(ctx context.Context, rel string) error {
	if !a.inUploads(rel) {
		return nil
	}
	if err := a.uploads.DeleteUpload(ctx, rel); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// filesUnder returns the files (anything but directories) in the tree
// below dir, without following symlinks.
func (a *Area) filesUnder(dir string) ([]string, error) {
	f, err := a.root.Open(dir)
	if err != nil {
		return nil, err
	}
	ents, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		rel := path.Join(dir, e.Name())
		if !e.IsDir() {
			files = append(files, rel)
			continue
		}
		sub, err := a.filesUnder(rel)
		if err != nil {
			return nil, err
		}
		files = append(files, sub...)
	}
	return files, nil
}

// sizeString writes a limit the way users read it.
func sizeString(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
