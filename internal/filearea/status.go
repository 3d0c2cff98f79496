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
// msg is the message shown to the client, and kind, when set, is one of
// ErrTooLarge and ErrQuota.
type statusError struct {
	code error // one of sftp.ErrSSHFx…
	msg  string
	kind error
}

func (e *statusError) Error() string { return e.msg }

func (e *statusError) Unwrap() []error {
	if e.kind != nil {
		return []error{e.code, e.kind}
	}
	return []error{e.code}
}

func denied(msg string) *statusError {
	return &statusError{code: sftp.ErrSSHFxPermissionDenied, msg: "filearea: permission denied: " + msg}
}

func failure(msg string) *statusError {
	return &statusError{code: sftp.ErrSSHFxFailure, msg: "filearea: " + msg}
}

var (
	errNoSuchFile = &statusError{code: sftp.ErrSSHFxNoSuchFile, msg: "filearea: no such file", kind: fs.ErrNotExist}
	// errFailed answers errors that no rule explains; the log has the
	// reason.
	errFailed = failure("operation failed")
)

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
		return denied("path leads out of the file area")
	case errors.Is(err, fs.ErrPermission):
		return denied("not allowed by the file system")
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.ELOOP):
		return errNoSuchFile
	case errors.Is(err, fs.ErrExist):
		return failure("file exists")
	case errors.Is(err, syscall.ENOTEMPTY):
		return failure("directory not empty")
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
