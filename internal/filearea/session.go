package filearea

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/time/rate"

	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/store"
)

// User is the account an sftp session runs as. ID is the account's ID,
// 0 for a guest, who may not upload.
type User struct {
	ID     int64
	Handle string
	Sysop  bool
	// Account is the account as the session began, for the area's
	// AccessHook; nil is a guest.
	Account *store.User
}

// ActivityIdle is a session's activity while nothing is transferred.
const ActivityIdle = "file transfer"

// Session is one sftp session of a user on the area.
type Session struct {
	// Activity, if set before Handlers is called, hears what the
	// session is doing ("downloading /pub/x.zip", ActivityIdle), for
	// who's online. Names in it are escaped as listings show them; a
	// file the AccessHook keeps from some callers is "a file".
	Activity func(string)

	s    *session
	once sync.Once
}

// session holds one sftp session's handlers. It implements
// sftp.FileReader, sftp.FileWriter, sftp.OpenFileWriter,
// sftp.FileCmder, sftp.PosixRenameFileCmder, sftp.FileLister,
// sftp.LstatFileLister and sftp.ReadlinkFileLister.
type session struct {
	a    *Area
	user User
	ctx  context.Context

	pace *rate.Limiter // requests other than reads and writes

	logMu    sync.Mutex
	logStart time.Time // of the current second of refusal logging
	logged   int       // refusals logged in that second
	unlogged int64     // refusals not logged since the last one

	mu sync.Mutex
	// active counts this session's uploads in progress by target path,
	// so that an fsetstat before the close finds its file.
	active    map[string]int
	open      int // handles open
	transfers int // downloads and uploads open

	activity func(string) // Session.Activity
}

// transferStart and transferEnd tell who's online what the session
// transfers: the newest file while any is open.
func (s *session) transferStart(verb, rel string) {
	s.mu.Lock()
	s.transfers++
	s.mu.Unlock()
	if s.activity == nil {
		return
	}
	// Names in the drop box are for its uploader and the sysops only,
	// and those of areas closed to some callers for those who see them.
	if _, in, err := s.dropBox(rel); err != nil || in || s.a.inUploads(rel) {
		s.activity(verb + " (" + display(s.a.uploadDir) + ")")
		return
	}
	if !s.openToAll(rel) {
		s.activity(verb + " a file")
		return
	}
	s.activity(verb + " " + logcap.Cut(display(rel), 60))
}

func (s *session) transferEnd() {
	s.mu.Lock()
	s.transfers--
	idle := s.transfers == 0
	s.mu.Unlock()
	if idle && s.activity != nil {
		s.activity(ActivityIdle)
	}
}

// NewSession starts an sftp session of user u, or returns
// ErrTooManySessions. ctx is used for the store's calls and should be
// cancelled when the session's connection ends; an upload that has not
// been committed by then is discarded. Close the session when its
// RequestServer's Serve has returned.
func (a *Area) NewSession(ctx context.Context, u User) (*Session, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if !a.count(a.sessions, u.ID, 1, a.limits.MaxSessionsPerUser) {
		a.log.Warn("filearea: session refused", "user", logcap.Cut(u.Handle, a.limits.MaxLogValue),
			"reason", "sessions per user", "limit", a.limits.MaxSessionsPerUser)
		return nil, ErrTooManySessions
	}
	s := &session{
		a:      a,
		user:   u,
		ctx:    ctx,
		pace:   rate.NewLimiter(rate.Limit(a.limits.RequestsPerSecond), a.limits.RequestsPerSecond),
		active: make(map[string]int),
	}
	return &Session{s: s}, nil
}

// Handlers returns the session's handlers, for sftp.NewRequestServer.
func (ss *Session) Handlers() sftp.Handlers {
	s := ss.s
	s.activity = ss.Activity
	return sftp.Handlers{FileGet: s, FilePut: s, FileCmd: s, FileList: s}
}

// Close ends the session, freeing its place in the user's count of
// sessions. Handles still open are closed by the RequestServer.
func (ss *Session) Close() {
	ss.once.Do(func() { ss.s.a.count(ss.s.a.sessions, ss.s.user.ID, -1, 0) })
}

// mayLog reports whether a refusal may be logged now, and how many were
// held back since the last one logged: at most
// Config.LinesPerSecond in each second.
func (s *session) mayLog(now time.Time) (unlogged int64, ok bool) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	if now.Sub(s.logStart) >= time.Second {
		s.logStart, s.logged = now, 0
	}
	if s.logged >= s.a.limits.LinesPerSecond {
		s.unlogged++
		return 0, false
	}
	s.logged++
	unlogged, s.unlogged = s.unlogged, 0
	return unlogged, true
}

// owns reports whether the upload record names the session's user.
func (s *session) owns(rec store.Upload) bool { return s.user.ID != 0 && rec.OwnerID == s.user.ID }

// wait paces the session's requests: it returns once the request may
// go ahead, or an error when the session has ended meanwhile.
func (s *session) wait() error {
	if err := s.pace.Wait(s.ctx); err != nil {
		return failedSession
	}
	return nil
}

// acquire counts a new open handle against the session's and the user's
// limits; release gives it back.
func (s *session) acquire() error {
	s.mu.Lock()
	if s.open >= s.a.limits.MaxOpen {
		s.mu.Unlock()
		return s.tooManyOpen(openSession, s.a.limits.MaxOpen)
	}
	s.open++
	s.mu.Unlock()
	if !s.a.count(s.a.open, s.user.ID, 1, s.a.limits.MaxOpenPerUser) {
		s.mu.Lock()
		s.open--
		s.mu.Unlock()
		return s.tooManyOpen(openAll, s.a.limits.MaxOpenPerUser)
	}
	return nil
}

// openScope is what a limit on open files counts in.
type openScope bool

const (
	openSession openScope = false // the session's files
	openAll     openScope = true  // the user's, in all his sessions
)

func (s *session) tooManyOpen(scope openScope, max int) error {
	words, id := "this session", "files.error.max_open_session"
	if scope == openAll {
		words, id = "all your sessions", "files.error.max_open_all"
	}
	return &statusError{code: sftp.ErrSSHFxFailure, kind: ErrMaxOpen,
		msg: fmt.Sprintf("filearea: too many open files: at most %d in %s; close some first", max, words),
		id:  id, args: []string{"max", strconv.Itoa(max)}}
}

func (s *session) release() {
	s.mu.Lock()
	s.open--
	s.mu.Unlock()
	s.a.count(s.a.open, s.user.ID, -1, 0)
}

func (s *session) begin(rel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active[rel]++
}

func (s *session) end(rel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active[rel]--; s.active[rel] <= 0 {
		delete(s.active, rel)
	}
}

func (s *session) uploading(rel string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active[rel] > 0
}

// dropBox returns where rel lies in the upload folder, symlinks
// followed ("uploads/x.zip" for "pub/x" linked to it), and whether it
// does. The upload folder is a drop box: a file in it is seen by its
// uploader and by sysops only, until a sysop releases it by moving it
// into the area.
func (s *session) dropBox(rel string) (string, bool, error) {
	return s.dropBoxLink(rel, true)
}

// dropBoxLink is dropBox that follows a final symlink only if follow is
// set (not for Lstat and Readlink, which look at the link itself).
func (s *session) dropBoxLink(rel string, follow bool) (string, bool, error) {
	var canon string
	var err error
	if follow || rel == "." {
		canon, err = s.a.resolve(rel)
	} else if canon, err = s.a.resolve(path.Dir(rel)); err == nil {
		canon = path.Join(canon, path.Base(rel))
	}
	if err != nil {
		return "", false, err
	}
	return canon, canon == s.a.uploadDir || s.a.inUploads(canon), nil
}

// visible reports whether the user may see rel: what the AccessHook
// lets him see outside the drop box, and in it only his own uploads
// (recorded directly in the upload folder). An upload the session has
// open does not count: its file exists only once committed.
func (s *session) visible(rel string, follow bool) (bool, error) {
	if s.user.Sysop {
		return true, nil
	}
	canon, in, err := s.dropBoxLink(rel, follow)
	if err != nil {
		return false, err
	}
	if !s.sees(canon) {
		return false, nil
	}
	if !in {
		return true, nil
	}
	if canon == s.a.uploadDir {
		return true, nil
	}
	rec, err := s.a.uploads.Upload(s.ctx, canon)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.owns(rec), nil
}

// lookup is the start of every request on an existing path: it paces
// the session and answers no such file for what the user may not see.
func (s *session) lookup(op, rel string) error {
	if err := s.wait(); err != nil {
		return s.refuse(op, rel, err)
	}
	if hidden(rel) {
		return s.refuse(op, rel, errNoSuchFile)
	}
	ok, err := s.visible(rel, op != "Lstat" && op != "Readlink")
	if err != nil {
		return s.refuse(op, rel, err)
	}
	if !ok {
		return s.refuse(op, rel, errNoSuchFile)
	}
	return nil
}

// download is a file open for reading; Close gives its handle back.
type download struct {
	*os.File
	once    sync.Once
	release func()
}

func (d *download) Close() error {
	d.once.Do(d.release)
	return d.File.Close()
}

// Fileread opens a regular file for download, asking the download hook
// first (the board's ratio) and telling it, at the close, whether the
// whole file was read.
func (s *session) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	rel := local(r.Filepath)
	d, err := s.openFile(r.Method, rel, true)
	if err != nil {
		return nil, err
	}
	h := s.a.downloads.Load()
	if h == nil {
		return d, nil
	}
	fi, err := d.Stat()
	if err != nil {
		d.Close()
		return nil, s.refuse(r.Method, rel, err)
	}
	if err := (*h).StartDownload(s.ctx, s.user, rel, fi.Size()); err != nil {
		d.Close()
		return nil, s.refuse(r.Method, rel, failedBy(err))
	}
	return &countedDownload{download: d, end: func(read int64) {
		(*h).EndDownload(context.WithoutCancel(s.ctx), s.user, rel, fi.Size(), read >= fi.Size())
	}}, nil
}

// countedDownload is a download that counts what was read of it.
type countedDownload struct {
	*download
	read atomic.Int64
	end  func(read int64)
	once sync.Once
}

func (d *countedDownload) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.download.ReadAt(p, off)
	d.read.Add(int64(n))
	return n, err
}

func (d *countedDownload) Close() error {
	err := d.download.Close()
	d.once.Do(func() { d.end(d.read.Load()) })
	return err
}

// DownloadHook is told of sftp downloads (SetDownloadHook): StartDownload
// may refuse one (its text reaches the client in a failure status), EndDownload
// hears, once the file is closed, whether it was read whole.
type DownloadHook interface {
	StartDownload(ctx context.Context, u User, rel string, size int64) error
	EndDownload(ctx context.Context, u User, rel string, size int64, whole bool)
}

// SetDownloadHook sets the hook sftp downloads go through.
func (a *Area) SetDownloadHook(h DownloadHook) { a.downloads.Store(&h) }

// listing is a fixed list of entries.
type listing []os.FileInfo

func (l listing) ListAt(ls []os.FileInfo, off int64) (int, error) {
	if off >= int64(len(l)) {
		return 0, io.EOF
	}
	n := copy(ls, l[off:])
	if n < len(ls) {
		return n, io.EOF
	}
	return n, nil
}

// dirHandle is an open directory: its listing, held until the client
// closes the handle.
type dirHandle struct {
	listing
	once    sync.Once
	release func()
}

func (d *dirHandle) Close() error {
	d.once.Do(d.release)
	return nil
}

// shown is a file's information with its name as listings show it.
type shown struct {
	os.FileInfo
	name string
}

func (f shown) Name() string { return f.name }

// show escapes fi's name if it needs it.
func show(fi os.FileInfo) os.FileInfo {
	if n := escapeName(fi.Name()); n != fi.Name() {
		return shown{fi, n}
	}
	return fi
}

// Filelist answers List (a directory's entries, sorted by name; a file
// lists itself) and Stat (following symlinks that stay inside the area).
func (s *session) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	rel := local(r.Filepath)
	if name, isDir, ok := s.taggedPath(rel); ok {
		return s.taggedList(r.Method, rel, name, isDir)
	}
	if err := s.lookup(r.Method, rel); err != nil {
		return nil, err
	}
	switch r.Method {
	case "List":
		if err := s.acquire(); err != nil {
			return nil, s.refuse(r.Method, rel, err)
		}
		l, err := s.list(rel)
		if err != nil {
			s.release()
			return nil, s.refuse(r.Method, rel, err)
		}
		return &dirHandle{listing: l, release: s.release}, nil
	case "Stat":
		fi, err := s.a.root.Stat(rel)
		if err != nil {
			return nil, s.refuse(r.Method, rel, err)
		}
		return listing{show(fi)}, nil
	}
	return nil, s.refuse(r.Method, rel, errUnsupported)
}

func (s *session) list(rel string) (listing, error) {
	fi, err := s.a.root.Stat(rel)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return listing{show(fi)}, nil
	}
	f, err := s.a.root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ents, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	// In the drop box, a user sees only his own uploads.
	var mine map[string]bool
	canon := rel
	if !s.user.Sysop {
		var in bool
		if canon, in, err = s.dropBox(rel); err != nil {
			return nil, err
		}
		if in {
			ups, err := s.a.uploads.UploadsOf(s.ctx, s.user.ID)
			if err != nil {
				return nil, err
			}
			mine = make(map[string]bool, len(ups))
			for _, u := range ups {
				mine[u.Path] = true
			}
		}
	}
	l := make(listing, 0, len(ents)+1)
	if _, _, ok := s.taggedPath(TaggedDir); ok && rel == "." {
		l = append(l, taggedDirInfo{})
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tempPrefix) || rel == "." && e.Name() == TaggedDir && s.a.tagged != nil {
			continue
		}
		if mine != nil && !mine[path.Join(canon, e.Name())] {
			continue
		}
		if !s.user.Sysop && !s.sees(path.Join(canon, e.Name())) {
			continue // a folder of an area closed to the user, or a file of one
		}
		fi, err := e.Info() // lstat: symlinks are listed as such
		if err != nil {
			continue // removed meanwhile
		}
		l = append(l, show(fi))
	}
	slices.SortFunc(l, func(x, y os.FileInfo) int { return strings.Compare(x.Name(), y.Name()) })
	return l, nil
}

// Lstat answers Lstat without following a final symlink.
func (s *session) Lstat(r *sftp.Request) (sftp.ListerAt, error) {
	rel := local(r.Filepath)
	if name, isDir, ok := s.taggedPath(rel); ok {
		return s.taggedList(r.Method, rel, name, isDir)
	}
	if err := s.lookup(r.Method, rel); err != nil {
		return nil, err
	}
	fi, err := s.a.root.Lstat(rel)
	if err != nil {
		return nil, s.refuse(r.Method, rel, err)
	}
	return listing{show(fi)}, nil
}

// Readlink returns a symlink's target as stored (escaped as names are),
// if it leads to a place inside the area.
func (s *session) Readlink(p string) (string, error) {
	rel := local(p)
	if err := s.lookup("Readlink", rel); err != nil {
		return "", err
	}
	target, err := s.a.root.Readlink(rel)
	if err != nil {
		return "", s.refuse("Readlink", rel, err)
	}
	// A chain of links, or ".." after a linked directory, can leave the
	// root although the target reads as a local path: ask os.Root too.
	_, err = s.a.root.Stat(rel)
	if errors.Is(err, s.a.escape) || path.IsAbs(target) || !filepath.IsLocal(path.Join(path.Dir(rel), target)) {
		return "", s.refuse("Readlink", rel, deniedLinkOutside)
	}
	return escapePath(target), nil
}

// Filecmd answers Setstat, Rename, Remove, Mkdir, Rmdir, Symlink and
// Link.
func (s *session) Filecmd(r *sftp.Request) error {
	rel := local(r.Filepath)
	if err := s.wait(); err != nil {
		return s.refuse(r.Method, rel, err)
	}
	if s.inTagged(rel) || r.Target != "" && s.inTagged(local(r.Target)) {
		return s.refuse(r.Method, rel, deniedTagged)
	}
	switch r.Method {
	case "Setstat":
		return s.setstat(r)
	case "Symlink", "Link":
		// For these, Target is the new name.
		return s.refuse(r.Method, local(r.Target), deniedLinks)
	}
	if !s.user.Sysop {
		return s.refuse(r.Method, rel, deniedSysops)
	}
	switch r.Method {
	case "Rename":
		return s.rename(r, false)
	case "Remove":
		return s.remove(r.Method, rel)
	case "Mkdir":
		if hidden(rel) {
			return s.refuse(r.Method, rel, deniedReserved)
		}
		if !cleanName(path.Base(rel)) {
			return s.refuse(r.Method, rel, errBadName)
		}
		if err := s.a.root.Mkdir(rel, 0o755); err != nil {
			return s.refuse(r.Method, rel, err)
		}
		s.log(slog.LevelInfo, "filearea: made directory", "path", s.a.logPath(rel))
		return nil
	case "Rmdir":
		return s.rmdir(r.Method, rel)
	}
	return s.refuse(r.Method, rel, errUnsupported)
}

// PosixRename renames, replacing an existing target.
func (s *session) PosixRename(r *sftp.Request) error {
	if err := s.wait(); err != nil {
		return s.refuse(r.Method, local(r.Filepath), err)
	}
	if s.inTagged(local(r.Filepath)) || s.inTagged(local(r.Target)) {
		return s.refuse(r.Method, local(r.Filepath), deniedTagged)
	}
	if !s.user.Sysop {
		return s.refuse(r.Method, local(r.Filepath), deniedSysops)
	}
	return s.rename(r, true)
}

// setstat succeeds without changing anything on a file the user may
// write: clients set times after a put and treat a refusal as an error.
func (s *session) setstat(r *sftp.Request) error {
	rel := local(r.Filepath)
	if hidden(rel) {
		return s.refuse(r.Method, rel, errNoSuchFile)
	}
	if s.uploading(rel) {
		return nil
	}
	_, err := s.a.root.Lstat(rel)
	if err != nil && (s.user.Sysop || !errors.Is(err, fs.ErrNotExist)) {
		return s.refuse(r.Method, rel, err)
	}
	if s.user.Sysop {
		return nil
	}
	missing := err != nil
	canon, in, derr := s.dropBox(rel)
	if derr != nil {
		return s.refuse(r.Method, rel, derr)
	}
	if !in {
		if missing {
			return s.refuse(r.Method, rel, err)
		}
		return s.refuse(r.Method, rel, deniedAttrs)
	}
	// In the drop box, what is not the user's does not exist for him.
	rec, err := s.a.uploads.Upload(s.ctx, canon)
	switch {
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return s.refuse(r.Method, rel, err)
	case err != nil || !s.owns(rec) || missing:
		return s.refuse(r.Method, rel, errNoSuchFile)
	}
	return nil
}

func (s *session) rename(r *sftp.Request, replace bool) error {
	from, to := local(r.Filepath), local(r.Target)
	switch {
	case hidden(from):
		return s.refuse(r.Method, from, errNoSuchFile)
	case hidden(to):
		return s.refuse(r.Method, to, deniedReserved)
	case !cleanName(path.Base(to)):
		return s.refuse(r.Method, to, errBadName)
	case s.a.protected(from) || s.a.protected(to):
		return s.refuse(r.Method, from, deniedFixed)
	}
	release, err := s.a.lockCommit(s.ctx)
	if err != nil {
		return s.refuse(r.Method, from, err)
	}
	defer release()
	fi, err := s.a.root.Lstat(from)
	if err != nil {
		return s.refuse(r.Method, from, err)
	}
	replaced := false
	switch tfi, err := s.a.root.Lstat(to); {
	case err == nil && !replace:
		return s.refuse(r.Method, to, failedExists)
	case err == nil:
		replaced = !tfi.IsDir()
	case !errors.Is(err, fs.ErrNotExist):
		return s.refuse(r.Method, to, err)
	}
	var files []string
	if fi.IsDir() && s.a.inUploads(from) {
		if files, err = s.a.filesUnder(from); err != nil {
			return s.refuse(r.Method, from, err)
		}
	}
	if err := s.a.root.Rename(from, to); err != nil {
		return s.refuse(r.Method, from, err)
	}
	s.log(slog.LevelInfo, "filearea: renamed", "path", s.a.logPath(from), "to", s.a.logPath(to))
	if replaced {
		s.recordError("drop", to, s.a.dropRecord(s.ctx, to))
	}
	if !fi.IsDir() {
		files = []string{from}
	}
	for _, f := range files {
		dst := to + strings.TrimPrefix(f, from)
		s.recordError("move", f, s.a.moveRecord(s.ctx, f, dst))
	}
	return nil
}

func (s *session) remove(op, rel string) error {
	if hidden(rel) {
		return s.refuse(op, rel, errNoSuchFile)
	}
	if s.a.protected(rel) {
		return s.refuse(op, rel, deniedFixed)
	}
	release, err := s.a.lockCommit(s.ctx)
	if err != nil {
		return s.refuse(op, rel, err)
	}
	defer release()
	fi, err := s.a.root.Lstat(rel)
	if err != nil {
		return s.refuse(op, rel, err)
	}
	if fi.IsDir() {
		return s.refuse(op, rel, failedIsDir)
	}
	if err := s.a.root.Remove(rel); err != nil {
		return s.refuse(op, rel, err)
	}
	s.log(slog.LevelInfo, "filearea: removed", "path", s.a.logPath(rel))
	s.recordError("drop", rel, s.a.dropRecord(s.ctx, rel))
	return nil
}

func (s *session) rmdir(op, rel string) error {
	if hidden(rel) {
		return s.refuse(op, rel, errNoSuchFile)
	}
	if s.a.protected(rel) {
		return s.refuse(op, rel, deniedFixed)
	}
	fi, err := s.a.root.Lstat(rel)
	if err != nil {
		return s.refuse(op, rel, err)
	}
	if !fi.IsDir() {
		return s.refuse(op, rel, failedNotDir)
	}
	if err := s.a.root.Remove(rel); err != nil {
		return s.refuse(op, rel, err)
	}
	s.log(slog.LevelInfo, "filearea: removed directory", "path", s.a.logPath(rel))
	return nil
}

// recordError logs a failure to keep an upload record in step with a
// change that has been made already; the change stands.
func (s *session) recordError(what, rel string, err error) {
	if err != nil {
		s.log(slog.LevelError, "filearea: upload record not updated",
			"op", what, "path", s.a.logPath(rel), "reason", logcap.Cut(err.Error(), s.a.limits.MaxLogValue))
	}
}
