package filearea

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pkg/sftp"

	"github.com/x84bbs/x84/store"
)

// User is the account an sftp session runs as.
type User struct {
	Handle string
	Sysop  bool
}

// session holds one sftp session's handlers. It implements
// sftp.FileReader, sftp.FileWriter, sftp.OpenFileWriter,
// sftp.FileCmder, sftp.PosixRenameFileCmder, sftp.FileLister,
// sftp.LstatFileLister and sftp.ReadlinkFileLister.
type session struct {
	a    *Area
	user User
	key  string // store.HandleKey(user.Handle)
	ctx  context.Context

	mu sync.Mutex
	// active counts this session's uploads in progress by target path,
	// so that an fsetstat before the close finds its file.
	active map[string]int
}

// Handlers returns the handlers of one sftp session of user u, for
// sftp.NewRequestServer. ctx is used for the store's calls and should
// be cancelled when the session's connection ends; an upload that has
// not been committed by then is discarded.
func (a *Area) Handlers(ctx context.Context, u User) sftp.Handlers {
	if ctx == nil {
		ctx = context.Background()
	}
	s := &session{
		a:      a,
		user:   u,
		key:    store.HandleKey(u.Handle),
		ctx:    ctx,
		active: make(map[string]int),
	}
	return sftp.Handlers{FileGet: s, FilePut: s, FileCmd: s, FileList: s}
}

func (s *session) owns(owner string) bool { return store.HandleKey(owner) == s.key }

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

// Fileread opens a regular file for download.
func (s *session) Fileread(r *sftp.Request) (io.ReaderAt, error) {
	rel := local(r.Filepath)
	if hidden(rel) {
		return nil, s.refuse(r.Method, rel, errNoSuchFile)
	}
	// Stat first, so that opening a FIFO a sysop left cannot block.
	fi, err := s.a.root.Stat(rel)
	if err != nil {
		return nil, s.refuse(r.Method, rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, s.refuse(r.Method, rel, failure("not a regular file"))
	}
	f, err := s.a.root.Open(rel)
	if err != nil {
		return nil, s.refuse(r.Method, rel, err)
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = failure("not a regular file")
		}
		return nil, s.refuse(r.Method, rel, err)
	}
	return f, nil
}

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

// Filelist answers List (a directory's entries, sorted by name; a file
// lists itself) and Stat (following symlinks that stay inside the area).
func (s *session) Filelist(r *sftp.Request) (sftp.ListerAt, error) {
	rel := local(r.Filepath)
	if hidden(rel) {
		return nil, s.refuse(r.Method, rel, errNoSuchFile)
	}
	switch r.Method {
	case "List":
		l, err := s.list(rel)
		if err != nil {
			return nil, s.refuse(r.Method, rel, err)
		}
		return l, nil
	case "Stat":
		fi, err := s.a.root.Stat(rel)
		if err != nil {
			return nil, s.refuse(r.Method, rel, err)
		}
		return listing{fi}, nil
	}
	return nil, s.refuse(r.Method, rel, &statusError{code: sftp.ErrSSHFxOpUnsupported, msg: "filearea: unsupported"})
}

func (s *session) list(rel string) (listing, error) {
	fi, err := s.a.root.Stat(rel)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return listing{fi}, nil
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
	l := make(listing, 0, len(ents))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		fi, err := e.Info() // lstat: symlinks are listed as such
		if err != nil {
			continue // removed meanwhile
		}
		l = append(l, fi)
	}
	slices.SortFunc(l, func(x, y os.FileInfo) int { return strings.Compare(x.Name(), y.Name()) })
	return l, nil
}

// Lstat answers Lstat without following a final symlink.
func (s *session) Lstat(r *sftp.Request) (sftp.ListerAt, error) {
	rel := local(r.Filepath)
	if hidden(rel) {
		return nil, s.refuse(r.Method, rel, errNoSuchFile)
	}
	fi, err := s.a.root.Lstat(rel)
	if err != nil {
		return nil, s.refuse(r.Method, rel, err)
	}
	return listing{fi}, nil
}

// Readlink returns a symlink's target as stored, if it leads to a place
// inside the area.
func (s *session) Readlink(p string) (string, error) {
	rel := local(p)
	if hidden(rel) {
		return "", s.refuse("Readlink", rel, errNoSuchFile)
	}
	target, err := s.a.root.Readlink(rel)
	if err != nil {
		return "", s.refuse("Readlink", rel, err)
	}
	// A chain of links, or ".." after a linked directory, can leave the
	// root although the target reads as a local path: ask os.Root too.
	_, err = s.a.root.Stat(rel)
	if errors.Is(err, s.a.escape) || path.IsAbs(target) || !filepath.IsLocal(path.Join(path.Dir(rel), target)) {
		return "", s.refuse("Readlink", rel, denied("link leads out of the file area"))
	}
	return target, nil
}

// Filecmd answers Setstat, Rename, Remove, Mkdir, Rmdir, Symlink and
// Link.
func (s *session) Filecmd(r *sftp.Request) error {
	switch r.Method {
	case "Setstat":
		return s.setstat(r)
	case "Symlink", "Link":
		// For these, Target is the new name.
		return s.refuse(r.Method, local(r.Target), denied("links are not allowed"))
	}
	rel := local(r.Filepath)
	if !s.user.Sysop {
		return s.refuse(r.Method, rel, denied("only sysops may do that"))
	}
	switch r.Method {
	case "Rename":
		return s.rename(r, false)
	case "Remove":
		return s.remove(r.Method, rel)
	case "Mkdir":
		if hidden(rel) {
			return s.refuse(r.Method, rel, denied("reserved name"))
		}
		if err := s.a.root.Mkdir(rel, 0o755); err != nil {
			return s.refuse(r.Method, rel, err)
		}
		s.a.log.Info("filearea: made directory", "user", s.user.Handle, "path", display(rel))
		return nil
	case "Rmdir":
		return s.rmdir(r.Method, rel)
	}
	return s.refuse(r.Method, rel, &statusError{code: sftp.ErrSSHFxOpUnsupported, msg: "filearea: unsupported"})
}

// PosixRename renames, replacing an existing target.
func (s *session) PosixRename(r *sftp.Request) error {
	if !s.user.Sysop {
		return s.refuse(r.Method, local(r.Filepath), denied("only sysops may do that"))
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
	if !s.a.inUploads(rel) {
		if missing {
			return s.refuse(r.Method, rel, err)
		}
		return s.refuse(r.Method, rel, denied("only sysops may change attributes"))
	}
	rec, err := s.a.uploads.Upload(s.ctx, rel)
	switch {
	case errors.Is(err, store.ErrNotFound) && missing:
		return s.refuse(r.Method, rel, errNoSuchFile)
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return s.refuse(r.Method, rel, err)
	case err != nil || !s.owns(rec.Owner):
		return s.refuse(r.Method, rel, denied("not your upload"))
	case missing:
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
		return s.refuse(r.Method, to, denied("reserved name"))
	case s.a.protected(from) || s.a.protected(to):
		return s.refuse(r.Method, from, denied("the area's root and upload folder stay where they are"))
	}
	s.a.commitMu.Lock()
	defer s.a.commitMu.Unlock()
	fi, err := s.a.root.Lstat(from)
	if err != nil {
		return s.refuse(r.Method, from, err)
	}
	replaced := false
	switch tfi, err := s.a.root.Lstat(to); {
	case err == nil && !replace:
		return s.refuse(r.Method, to, failure("file exists"))
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
	s.a.log.Info("filearea: renamed", "user", s.user.Handle, "path", display(from), "to", display(to))
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
		return s.refuse(op, rel, denied("the area's root and upload folder stay where they are"))
	}
	s.a.commitMu.Lock()
	defer s.a.commitMu.Unlock()
	fi, err := s.a.root.Lstat(rel)
	if err != nil {
		return s.refuse(op, rel, err)
	}
	if fi.IsDir() {
		return s.refuse(op, rel, failure("is a directory"))
	}
	if err := s.a.root.Remove(rel); err != nil {
		return s.refuse(op, rel, err)
	}
	s.a.log.Info("filearea: removed", "user", s.user.Handle, "path", display(rel))
	s.recordError("drop", rel, s.a.dropRecord(s.ctx, rel))
	return nil
}

func (s *session) rmdir(op, rel string) error {
	if hidden(rel) {
		return s.refuse(op, rel, errNoSuchFile)
	}
	if s.a.protected(rel) {
		return s.refuse(op, rel, denied("the area's root and upload folder stay where they are"))
	}
	fi, err := s.a.root.Lstat(rel)
	if err != nil {
		return s.refuse(op, rel, err)
	}
	if !fi.IsDir() {
		return s.refuse(op, rel, failure("not a directory"))
	}
	if err := s.a.root.Remove(rel); err != nil {
		return s.refuse(op, rel, err)
	}
	s.a.log.Info("filearea: removed directory", "user", s.user.Handle, "path", display(rel))
	return nil
}

// recordError logs a failure to keep an upload record in step with a
// change that has been made already; the change stands.
func (s *session) recordError(what, rel string, err error) {
	if err != nil {
		s.a.log.Error("filearea: upload record not updated",
			"user", s.user.Handle, "op", what, "path", display(rel), "reason", err.Error())
	}
}
