package filearea

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkg/sftp"

	"github.com/x84bbs/x84/internal/logcap"
	"github.com/x84bbs/x84/store"
)

// Filewrite starts an upload (pkg/sftp's Put).
func (s *session) Filewrite(r *sftp.Request) (io.WriterAt, error) {
	u, err := s.put(local(r.Filepath), r.Pflags())
	if err != nil {
		return nil, err
	}
	return u, nil
}

// OpenFile starts an upload opened for reading too (pkg/sftp's Open,
// which its own client uses for Create).
func (s *session) OpenFile(r *sftp.Request) (sftp.WriterAtReaderAt, error) {
	u, err := s.put(local(r.Filepath), r.Pflags())
	if err != nil {
		return nil, err
	}
	return u, nil
}

// target describes the file an upload will replace.
type target struct {
	exists bool
	// prev is the upload record of the path, if any, to restore if the
	// upload cannot be put in place.
	prev *store.Upload
	// replaced is the size the user's usage loses when the upload
	// replaces the user's own record.
	replaced int64
	// own is set when that record is the user's own, which the upload
	// replaces without adding to the user's file count.
	own bool
}

// files is the number of files the upload adds to the user's count.
func (t target) files() int64 {
	if t.own {
		return 0
	}
	return 1
}

// check decides whether the user may write rel, which exists or not.
func (s *session) check(rel string) (target, error) {
	var t target
	fi, err := s.a.root.Lstat(rel)
	switch {
	case err == nil:
		if fi.IsDir() {
			return t, failedIsDir
		}
		t.exists = true
	case !errors.Is(err, fs.ErrNotExist):
		return t, err
	}
	if !s.a.inUploads(rel) {
		if !s.user.Sysop {
			return t, s.deniedUploadDir()
		}
		return t, nil
	}
	rec, err := s.a.uploads.Upload(s.ctx, rel)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if t.exists && !s.user.Sysop {
			return t, deniedTaken
		}
	case err != nil:
		return t, err
	case s.owns(rec):
		t.prev, t.replaced, t.own = &rec, rec.Size, true
	case t.exists:
		// Someone else's, or a deleted account's (the sysops' now).
		return t, deniedTaken
	default:
		// A stale record of someone else's: the file is gone.
		t.prev = &rec
	}
	return t, nil
}

// quotaFor returns the user's quota, or -1 when none applies.
func (s *session) quotaFor() int64 {
	if s.user.Sysop || s.a.quota < 0 {
		return -1
	}
	return s.a.quota
}

func (s *session) put(rel string, flags sftp.FileOpenFlags) (*upload, error) {
	const op = "Put" // Filewrite's and OpenFile's alike
	if err := s.wait(); err != nil {
		return nil, s.refuse(op, rel, err)
	}
	refused := s.mayUpload()
	switch {
	case s.user.ID == 0:
		return nil, s.refuse(op, rel, deniedAnonymous)
	case refused != nil:
		return nil, s.refuse(op, rel, refused)
	case rel == ".":
		return nil, s.refuse(op, rel, failedIsDir)
	case s.inTagged(rel):
		return nil, s.refuse(op, rel, deniedTagged)
	case hidden(rel):
		return nil, s.refuse(op, rel, deniedReserved)
	case !s.user.Sysop && path.Dir(rel) != s.a.uploadDir:
		return nil, s.refuse(op, rel, s.deniedUploadDir())
	}
	t, err := s.check(rel)
	if err != nil {
		return nil, s.refuse(op, rel, err)
	}
	if !t.exists && !cleanName(path.Base(rel)) {
		return nil, s.refuse(op, rel, errBadName)
	}
	if flags.Excl && t.exists {
		return nil, s.refuse(op, rel, failedExists)
	}
	u := &upload{s: s, rel: rel, max: s.a.maxUpload, quota: s.quotaFor(), maxFiles: s.maxFilesFor()}
	if u.quota >= 0 || u.maxFiles >= 0 {
		usage, err := s.a.uploads.UploadUsage(s.ctx, s.user.ID)
		if err != nil {
			return nil, s.refuse(op, rel, err)
		}
		u.base = usage.Bytes - t.replaced
		if u.quota >= 0 && u.base >= u.quota {
			return nil, s.refuse(op, rel, u.quotaError())
		}
		if u.maxFiles >= 0 && t.files() > 0 {
			// Count this file now, with the user's other uploads in
			// progress, so that parallel uploads share the limit.
			u.file = 1
			if usage.Files+s.a.reserve(s.user.ID, store.UploadUsage{Files: 1}).Files > int64(u.maxFiles) {
				s.a.reserve(s.user.ID, store.UploadUsage{Files: -1})
				return nil, s.refuse(op, rel, u.filesError())
			}
		}
	}
	if err := s.acquire(); err != nil {
		u.unreserve()
		return nil, s.refuse(op, rel, err)
	}
	u.tmp = path.Join(path.Dir(rel), tempPrefix+rand.Text())
	f, err := s.a.root.OpenFile(u.tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		u.unreserve()
		s.release()
		return nil, s.refuse(op, rel, err)
	}
	u.f = f
	s.begin(rel)
	s.transferStart("uploading", rel)
	if t.exists && !flags.Trunc {
		// Opened without truncation (a resumed upload): the client
		// expects the old content under the bytes it writes.
		if err := u.seed(); err != nil {
			return nil, s.refuse(op, rel, u.abort(err))
		}
	}
	return u, nil
}

// maxFilesFor returns the user's file limit, or -1 when none applies.
func (s *session) maxFilesFor() int {
	if s.user.Sysop || s.a.maxFiles < 0 {
		return -1
	}
	return s.a.maxFiles
}

// upload is an upload in progress: an io.WriterAt, io.ReaderAt and
// io.Closer on a temporary file in the target's directory, renamed over
// the target by Close.
type upload struct {
	s        *session
	rel, tmp string
	max      int64 // largest size accepted, -1 for none
	quota    int64 // the user's quota, -1 for none
	base     int64 // the user's usage without the file replaced
	maxFiles int   // the user's file limit, -1 for none
	file     int64 // 1 when the upload counts as a file in progress

	size      atomic.Int64 // highest offset written: the size so far
	abandoned atomic.Bool  // set by TransferError
	// written is the offset up to which the kernel has been asked to
	// start writing the file to disk (writeBehind).
	written atomic.Int64

	// mu is held for reading by ReadAt and WriteAt and for writing by
	// whatever ends the upload, so that the file is never closed under
	// a transfer.
	mu sync.RWMutex
	f  *os.File // nil once the upload has ended
	// err is why the upload ended early; set once, with f = nil.
	err    error
	closed bool // Close was called
}

func (u *upload) tooLarge() error {
	size := sizeString(u.max)
	return &statusError{code: sftp.ErrSSHFxFailure, kind: ErrTooLarge,
		msg: "filearea: file exceeds the upload size limit of " + size,
		id:  "files.error.too_large_of", args: []string{"size", size}}
}

func (u *upload) filesError() error {
	folder := display(u.s.a.uploadDir)
	return &statusError{code: sftp.ErrSSHFxFailure, kind: ErrMaxFiles,
		msg: fmt.Sprintf("filearea: you may keep at most %d files in %s", u.maxFiles, folder),
		id:  "files.error.max_files_in", args: []string{"n", strconv.Itoa(u.maxFiles), "folder", folder}}
}

// unreserve gives back what the upload counted in progress.
func (u *upload) unreserve() {
	var back store.UploadUsage
	if u.quota >= 0 {
		back.Bytes = -u.size.Load() // grow reserves only under a quota
	}
	back.Files = -u.file
	if back != (store.UploadUsage{}) {
		u.s.a.reserve(u.s.user.ID, back)
	}
}

func (u *upload) quotaError() error {
	size := sizeString(u.quota)
	return &statusError{code: sftp.ErrSSHFxFailure, kind: ErrQuota,
		msg: "filearea: upload exceeds your quota of " + size,
		id:  "files.error.quota_of", args: []string{"size", size}}
}

// grow accounts for a write ending at end and checks the limits.
func (u *upload) grow(end int64) error {
	if u.max >= 0 && end > u.max {
		return u.tooLarge()
	}
	var delta int64
	for {
		old := u.size.Load()
		if end <= old {
			return nil
		}
		if u.size.CompareAndSwap(old, end) {
			delta = end - old
			break
		}
	}
	if u.quota >= 0 && u.base+u.s.a.reserve(u.s.user.ID, store.UploadUsage{Bytes: delta}).Bytes > u.quota {
		return u.quotaError()
	}
	return nil
}

// seed copies the file being replaced into the temporary file.
func (u *upload) seed() error {
	src, err := u.s.a.root.Open(u.rel)
	if err != nil {
		return err
	}
	defer src.Close()
	n, err := io.Copy(u.f, src) // copy_file_range where the kernel has it
	if err != nil {
		return err
	}
	return u.grow(n)
}

// WriteAt writes to the temporary file, failing past a limit; the
// first failure ends the upload and removes the temporary file.
func (u *upload) WriteAt(p []byte, off int64) (int, error) {
	u.mu.RLock()
	if u.f == nil {
		u.mu.RUnlock()
		return 0, u.ended()
	}
	if off < 0 || off > math.MaxInt64-int64(len(p)) {
		u.mu.RUnlock()
		return 0, u.fail("Write", failedOffset)
	}
	if len(p) == 0 {
		u.mu.RUnlock()
		return 0, nil
	}
	if err := u.grow(off + int64(len(p))); err != nil {
		u.mu.RUnlock()
		return 0, u.fail("Write", err)
	}
	n, err := u.f.WriteAt(p, off)
	if err == nil {
		u.writeBehind()
	}
	u.mu.RUnlock()
	if err != nil {
		return n, u.fail("Write", err)
	}
	return n, nil
}

// writeBehindChunk is how much of an upload is written before the kernel
// is asked to start writing it to disk.
const writeBehindChunk = 8 << 20

// writeBehind starts writing the upload to disk every writeBehindChunk
// bytes, while it is still arriving: Close syncs the file, and a sync of
// a whole large file at the end would keep the client waiting for the
// disk (a second or more for a GiB) after the last byte. Called with
// u.mu held for reading.
func (u *upload) writeBehind() {
	from, to := u.written.Load(), u.size.Load()
	if to-from < writeBehindChunk || !u.written.CompareAndSwap(from, to) {
		return
	}
	startWriteback(u.f, from, to-from)
}

// ReadAt reads back what has been uploaded so far.
func (u *upload) ReadAt(p []byte, off int64) (int, error) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	if u.f == nil {
		return 0, u.ended()
	}
	return u.f.ReadAt(p, off)
}

// ended is the error for a transfer on an upload that has ended.
func (u *upload) ended() error {
	if u.err != nil {
		return u.err
	}
	return failedClosed
}

// fail ends the upload with err, logged once, and returns the status
// error for the client; uploads that have ended already return their
// first error.
func (u *upload) fail(op string, err error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.f == nil {
		return u.ended()
	}
	u.err = u.s.refuse(op, u.rel, err)
	u.discardLocked()
	return u.err
}

// abort is fail for put, which logs the refusal itself.
func (u *upload) abort(err error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.err = err
	u.discardLocked()
	return err
}

// discardLocked closes and removes the temporary file.
func (u *upload) discardLocked() {
	if u.f != nil {
		u.f.Close()
		u.f = nil
	}
	if err := u.s.a.root.Remove(u.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		u.s.log(slog.LevelError, "filearea: temporary file not removed",
			"path", u.s.a.logPath(u.tmp), "reason", logcap.Cut(err.Error(), u.s.a.limits.MaxLogValue))
	}
	u.releaseLocked()
}

func (u *upload) releaseLocked() {
	u.unreserve()
	u.s.end(u.rel)
	u.s.transferEnd()
	u.s.release()
}

// TransferError is called by pkg/sftp's RequestServer.Serve for each
// request still open when the connection ends, before it closes them:
// the client never closed this upload, so Close must discard it.
func (u *upload) TransferError(err error) {
	u.abandoned.Store(true)
	u.s.log(slog.LevelInfo, "filearea: upload interrupted",
		"path", u.s.a.logPath(u.rel), "reason", logcap.Cut(err.Error(), u.s.a.limits.MaxLogValue))
}

// Close ends the upload. When the client closed the handle, the file
// is synced, checked once more against ownership and quota, and renamed
// over its real name, and the upload is recorded. When the connection
// died instead (TransferError, or the session's context is done), the
// temporary file is removed.
func (u *upload) Close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return u.ended()
	}
	u.closed = true
	if u.f == nil {
		return u.err
	}
	if u.abandoned.Load() || u.s.ctx.Err() != nil {
		if !u.abandoned.Load() {
			u.s.log(slog.LevelInfo, "filearea: upload interrupted",
				"path", u.s.a.logPath(u.rel), "reason", "session ended")
		}
		u.err = failedInterrupted
		u.discardLocked()
		return u.err
	}
	err := u.f.Sync()
	var fi os.FileInfo
	if err == nil {
		fi, err = u.f.Stat()
	}
	if err == nil {
		err = u.f.Close()
		u.f = nil
	}
	if err == nil {
		err = u.commit(fi.Size())
	}
	if err != nil {
		u.err = u.s.refuse("Close", u.rel, err)
		u.discardLocked()
		return u.err
	}
	u.err = failedClosed
	u.releaseLocked()
	u.s.log(slog.LevelInfo, "filearea: uploaded", "path", u.s.a.logPath(u.rel), "size", fi.Size())
	return nil
}

// commit puts the temporary file in place, checking again what may have
// changed since the upload began: another user's upload of the same
// name, or the user's usage.
func (u *upload) commit(size int64) error {
	a, s := u.s.a, u.s
	release, err := a.lockCommit(s.ctx)
	if err != nil {
		return err
	}
	defer release()
	t, err := s.check(u.rel)
	if err != nil {
		return err
	}
	if u.max >= 0 && size > u.max {
		return u.tooLarge()
	}
	if u.quota >= 0 || u.maxFiles >= 0 {
		usage, err := a.uploads.UploadUsage(s.ctx, s.user.ID)
		if err != nil {
			return err
		}
		if u.quota >= 0 && usage.Bytes-t.replaced+size > u.quota {
			return u.quotaError()
		}
		if u.maxFiles >= 0 && usage.Files+t.files() > int64(u.maxFiles) {
			return u.filesError()
		}
	}
	recorded := a.inUploads(u.rel)
	if recorded {
		rec := store.Upload{Path: u.rel, OwnerID: s.user.ID, Owner: s.user.Handle, Size: size, Uploaded: time.Now()}
		if err := a.uploads.PutUpload(s.ctx, rec); err != nil {
			return err
		}
	}
	if err := a.root.Rename(u.tmp, u.rel); err != nil {
		if recorded {
			var rerr error
			if t.prev != nil {
				rerr = a.uploads.PutUpload(s.ctx, *t.prev)
			} else {
				rerr = a.uploads.DeleteUpload(s.ctx, u.rel)
			}
			s.recordError("restore", u.rel, rerr)
		}
		return err
	}
	if d, err := a.root.Open(path.Dir(u.rel)); err == nil {
		d.Sync() // make the rename durable; best effort
		d.Close()
	}
	return nil
}
