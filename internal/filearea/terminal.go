package filearea

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/pkg/sftp"
)

// The terminal's file screens use a Session too, through the methods
// below, so that a download by ZMODEM and one by sftp pass the same
// checks, and an upload by either lands in the upload folder under the
// same limits. Paths are as in sftp requests ("/pub/x.zip"; "." and ""
// are the root).

// List returns what the user sees in the folder dir, sorted by name:
// names are escaped as sftp listings show them.
func (ss *Session) List(dir string) ([]fs.FileInfo, error) {
	s := ss.s
	rel := local(dir)
	if err := s.lookup("List", rel); err != nil {
		return nil, err
	}
	l, err := s.list(rel)
	if err != nil {
		return nil, s.refuse("List", rel, err)
	}
	return l, nil
}

// File is a file opened for reading by Open or Peek. Close it: it holds
// one of the session's handles.
type File interface {
	io.ReadSeekCloser
	io.ReaderAt
	Stat() (fs.FileInfo, error)
}

// Open opens a regular file for download: who's online shows it until
// the file is closed.
func (ss *Session) Open(name string) (File, error) {
	return ss.s.openFile("Open", local(name), true)
}

// Peek opens a regular file to read something of it (a description in
// a zip, a text file shown in the terminal), without showing a
// download.
func (ss *Session) Peek(name string) (File, error) {
	return ss.s.openFile("Peek", local(name), false)
}

// Stat returns what Open would open, with the same checks, without
// opening it (no handle is held).
func (ss *Session) Stat(name string) (fs.FileInfo, error) {
	s := ss.s
	rel := local(name)
	if _, _, ok := s.taggedPath(rel); ok {
		f, err := s.openFile("Stat", rel, false)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return f.Stat()
	}
	if err := s.lookup("Stat", rel); err != nil {
		return nil, err
	}
	fi, err := s.a.root.Stat(rel)
	if err != nil {
		return nil, s.refuse("Stat", rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, s.refuse("Stat", rel, failedNotRegular)
	}
	return fi, nil
}

// Upload is a file being received by a terminal's transfer protocol: a
// sequential writer on the upload in progress. Commit puts it in place,
// Abort throws it away; one of them must be called.
type Upload struct {
	u   *upload
	off int64
}

// Write appends p, failing at the first limit passed (ErrTooLarge,
// ErrQuota); the upload has then ended and Commit returns the error.
func (w *Upload) Write(p []byte) (int, error) {
	n, err := w.u.WriteAt(p, w.off)
	w.off += int64(n)
	return n, err
}

// Commit checks the upload once more and puts it in place, as an sftp
// client's close does.
func (w *Upload) Commit() error { return w.u.Close() }

// Abort discards the upload: a failed or cancelled transfer leaves no
// file and counts nothing.
func (w *Upload) Abort(why error) {
	if why == nil {
		why = errors.New("transfer aborted")
	}
	w.u.TransferError(why)
	w.u.Close()
}

// Size is the number of bytes written so far.
func (w *Upload) Size() int64 { return w.off }

// Create starts an upload of a new file called name (a base name, as a
// transfer protocol's header gives it) in the upload folder. A name that
// exists is refused, even the user's own upload: protocols like ZMODEM
// name files and do not ask before replacing one.
func (ss *Session) Create(name string) (*Upload, error) {
	s := ss.s
	if name == "" || name == "." || name == ".." || path.Base(name) != name {
		return nil, s.refuse("Create", name, errBadName)
	}
	u, err := s.put(path.Join(s.a.uploadDir, name), sftp.FileOpenFlags{Write: true, Creat: true, Trunc: true, Excl: true})
	if err != nil {
		return nil, err
	}
	return &Upload{u: u}, nil
}

// Rename moves a file, as sftp's Rename (sysops only; never replaces).
func (ss *Session) Rename(from, to string) error {
	r := sftp.NewRequest("Rename", from)
	r.Target = to
	return ss.s.Filecmd(r)
}

// Remove removes a file, as sftp's Remove (sysops only).
func (ss *Session) Remove(name string) error {
	return ss.s.Filecmd(sftp.NewRequest("Remove", name))
}

// UploadDir is the upload folder's path, as List takes it.
func (a *Area) UploadDir() string { return "/" + a.uploadDir }

// openFile opens a regular file for reading, as Fileread does.
func (s *session) openFile(op, rel string, activity bool) (*download, error) {
	if name, isDir, ok := s.taggedPath(rel); ok {
		if isDir {
			return nil, s.refuse(op, rel, failedNotRegular)
		}
		return s.taggedOpen(op, rel, name)
	}
	if err := s.lookup(op, rel); err != nil {
		return nil, err
	}
	// Stat first, so that opening a FIFO a sysop left cannot block.
	fi, err := s.a.root.Stat(rel)
	if err != nil {
		return nil, s.refuse(op, rel, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, s.refuse(op, rel, failedNotRegular)
	}
	if err := s.acquire(); err != nil {
		return nil, s.refuse(op, rel, err)
	}
	f, err := s.a.root.Open(rel)
	if err != nil {
		s.release()
		return nil, s.refuse(op, rel, err)
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		s.release()
		if err == nil {
			err = failedNotRegular
		}
		return nil, s.refuse(op, rel, err)
	}
	if !activity {
		return &download{File: f, release: s.release}, nil
	}
	s.transferStart("downloading", rel)
	return &download{File: f, release: func() { s.transferEnd(); s.release() }}, nil
}

var _ File = (*os.File)(nil)
