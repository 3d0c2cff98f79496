package filearea

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"syscall"
	"time"

	"github.com/pkg/sftp"

	"github.com/x84bbs/x84/internal/logcap"
)

// statusError is what a handler returns to pkg/sftp: code picks the
// SFTP status the client receives (pkg/sftp finds it with errors.As),
// msg is the message shown to the client, and kind, when set, is what
// errors.Is matches besides code: one of the limits' errors (ErrTooLarge,
// ErrQuota, ErrMaxFiles, ErrMaxOpen), fs.ErrNotExist, or the board's
// own reason (an AccessHook's or a DownloadHook's error).
//
// id names msg (without "filearea: ") in the board's message catalogs,
// so that a screen says it in its caller's language, and args are the
// values of its placeholders in pairs; see MessageID.
type statusError struct {
	code error // one of sftp.ErrSSHFx…
	msg  string
	kind error
	id   string
	args []string
}

func (e *statusError) Error() string { return e.msg }

func (e *statusError) Unwrap() []error {
	if e.kind != nil {
		return []error{e.code, e.kind}
	}
	return []error{e.code}
}

// denied is a refusal by a rule: id names it in the message catalogs
// (its English is "permission denied: " and msg), args are its
// placeholders' values in pairs.
func denied(id, msg string, args ...string) *statusError {
	return &statusError{code: sftp.ErrSSHFxPermissionDenied, msg: "filearea: permission denied: " + msg, id: id, args: args}
}

// failure is a failed request: id names it in the message catalogs (its
// English is msg), args are its placeholders' values in pairs.
func failure(id, msg string, args ...string) *statusError {
	return &statusError{code: sftp.ErrSSHFxFailure, msg: "filearea: " + msg, id: id, args: args}
}

// deniedBy is a refusal the board's hook gave, in its words: err stays in
// the chain, so that the board reads why.
func deniedBy(err error) *statusError {
	return &statusError{code: sftp.ErrSSHFxPermissionDenied, msg: "filearea: permission denied: " + err.Error(), kind: err}
}

// failedBy is a failure the board's hook gave, in its words, err kept
// in the chain.
func failedBy(err error) *statusError {
	return &statusError{code: sftp.ErrSSHFxFailure, msg: "filearea: " + err.Error(), kind: err}
}

var (
	errNoSuchFile = &statusError{code: sftp.ErrSSHFxNoSuchFile, msg: "filearea: no such file", kind: fs.ErrNotExist,
		id: "files.error.not_found"}
	// errFailed answers errors that no rule explains; the log has the
	// reason.
	errFailed = failure("files.error.op_failed", "operation failed")
)

// The area's refusals and failures of requests, each with its message
// id (see MessageID).
var (
	deniedOutside     = denied("files.error.outside", "path leads out of the file area")
	deniedFS          = denied("files.error.fs_denied", "not allowed by the file system")
	deniedLinkOutside = denied("files.error.link_outside", "link leads out of the file area")
	deniedTagged      = denied("files.error.tagged_read_only", "the "+TaggedDir+" folder is read only", "folder", TaggedDir)
	deniedLinks       = denied("files.error.no_links", "links are not allowed")
	deniedSysops      = denied("files.error.sysops_only", "only sysops may do that")
	deniedAttrs       = denied("files.error.sysops_attrs", "only sysops may change attributes")
	deniedReserved    = denied("files.error.reserved", "reserved name")
	deniedFixed       = denied("files.error.fixed_folders", "the area's root and upload folder stay where they are")
	deniedTaken       = denied("files.error.name_taken", "that name is taken")
	deniedAnonymous   = denied("files.error.anonymous_upload", "anonymous uploads are not allowed")

	failedExists      = failure("files.error.exists", "file exists")
	failedNotEmpty    = failure("files.error.not_empty", "directory not empty")
	failedSession     = failure("files.error.session_ended", "session ended")
	failedIsDir       = failure("files.error.is_dir", "is a directory")
	failedNotDir      = failure("files.error.not_dir", "not a directory")
	failedNotRegular  = failure("files.error.not_regular", "not a regular file")
	failedOffset      = failure("files.error.bad_offset", "bad offset")
	failedClosed      = failure("files.error.upload_closed", "upload closed")
	failedInterrupted = failure("files.error.upload_interrupted", "upload interrupted")

	errUnsupported = &statusError{code: sftp.ErrSSHFxOpUnsupported, msg: "filearea: unsupported", id: "files.error.unsupported"}
)

// deniedUploadDir refuses an upload outside the upload folder.
func (s *session) deniedUploadDir() *statusError {
	d := display(s.a.uploadDir)
	return denied("files.error.uploads_go_in", "uploads go in "+d, "folder", d)
}

// limitIDs name the limits' errors in the message catalogs, for a limit
// reached with no details.
var limitIDs = []struct {
	err error
	id  string
}{
	{ErrTooLarge, "files.error.too_large"},
	{ErrQuota, "files.error.quota"},
	{ErrMaxFiles, "files.error.max_files"},
	{ErrMaxOpen, "files.error.max_open"},
}

// MessageID returns the message id and placeholder pairs of the refusal
// err holds (a request the area refused or that failed, or a limit
// reached), so that a screen says its text (err's, "filearea: "
// dropped) in its caller's language: in English, the catalog's message
// filled from pairs is that text. A pair named n is a count, by which
// the message's plural form is chosen (lang.Printer.N). ok is false for
// other errors, and for refusals in the board's own words (an
// AccessHook's or DownloadHook's error, which stays in err's chain).
func MessageID(err error) (id string, pairs []string, ok bool) {
	var se *statusError
	if errors.As(err, &se) && se.id != "" {
		return se.id, se.args, true
	}
	for _, l := range limitIDs {
		if errors.Is(err, l.err) {
			return l.id, nil, true
		}
	}
	return "", nil, false
}

// Refusals returns one error of each kind the area refuses or fails a
// request with (with example details), for the tests of the screens
// that say them.
func Refusals() []error {
	a := &Area{uploadDir: "uploads"}
	s := &session{a: a}
	u := &upload{s: s, max: 2 << 20, quota: 10 << 20, maxFiles: 2}
	errs := []error{
		ErrTooLarge, ErrQuota, ErrMaxFiles, ErrMaxOpen,
		errNoSuchFile, errFailed, errBadName, errUnsupported,
		u.tooLarge(), u.quotaError(), u.filesError(),
		s.tooManyOpen(openSession, 4), s.tooManyOpen(openAll, 8), s.tooManyOpen(openAll, 1),
		deniedOutside, deniedFS, deniedLinkOutside, deniedTagged, deniedLinks, deniedSysops,
		deniedAttrs, deniedReserved, deniedFixed, s.deniedUploadDir(), deniedTaken, deniedAnonymous,
		failedExists, failedNotEmpty, failedSession, failedIsDir, failedNotDir, failedNotRegular,
		failedOffset, failedClosed, failedInterrupted,
	}
	u.maxFiles = 1
	return append(errs, u.filesError())
}

// status turns err into the status error the client receives: os.Root's
// escapes and permission errors into permission denied, missing files
// into no such file, anything else into a failure whose message does
// not leak the server's details.
func (a *Area) status(err error) *statusError {
	var se *statusError
	switch {
	case errors.As(err, &se):
		return se
	case errors.Is(err, a.escape):
		return deniedOutside
	case errors.Is(err, fs.ErrPermission):
		return deniedFS
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ELOOP):
		return errNoSuchFile
	case errors.Is(err, fs.ErrExist):
		return failedExists
	case errors.Is(err, syscall.ENOTEMPTY):
		return failedNotEmpty
	}
	return errFailed
}

// refuse logs a refused or failed operation and returns the status
// error for the client. Every refusal passes here exactly once.
func (s *session) refuse(op, rel string, err error) error {
	st := s.a.status(err)
	level := slog.LevelWarn
	switch {
	case st.code == sftp.ErrSSHFxNoSuchFile:
		// Clients probe for missing files all the time.
		level = slog.LevelDebug
	case st == errFailed:
		// Not a rule of the area: something broke.
		level = slog.LevelError
	}
	s.log(level, "filearea: refused", "op", op, "path", s.a.logPath(rel),
		"reason", logcap.Cut(err.Error(), s.a.limits.MaxLogValue), "status", st.code.Error())
	return st
}

// log writes one line about the session, with its user. A session logs
// at most Config.LinesPerSecond lines a second; the next line logged
// counts those it held back, and paths and reasons are cut to
// Config.MaxLogValue bytes, so that a caller cannot fill the disk
// through the log.
func (s *session) log(level slog.Level, msg string, attrs ...any) {
	ctx := context.WithoutCancel(s.ctx)
	if !s.a.log.Enabled(ctx, level) {
		return
	}
	n, ok := s.mayLog(time.Now())
	if !ok {
		return
	}
	attrs = append([]any{"user", logcap.Cut(s.user.Handle, s.a.limits.MaxLogValue)}, attrs...)
	if n > 0 {
		attrs = append(attrs, "unlogged_before", n)
	}
	s.a.log.Log(ctx, level, msg, attrs...)
}
