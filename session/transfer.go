package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/x84bbs/x84/term"
)

// ErrNoTransfer is StartTransfer's error on a connection that cannot
// carry a file transfer (the browser terminal).
var ErrNoTransfer = errors.New("session: this connection cannot carry a file transfer")

// Transfer is the session's connection lent to a file transfer protocol
// (XMODEM, YMODEM, ZMODEM): bytes both ways as the caller's terminal
// program sends them, with a read deadline for the protocol's timeouts.
// It implements internal/xfer's Conn. Only the handler's goroutine may
// use it, between StartTransfer and End.
type Transfer struct {
	s     *Session
	tc    term.TransparentConn
	ctx   context.Context
	ended bool
}

// StartTransfer switches the connection to its transparent mode
// (term.TransparentConn) and returns it for a transfer; ctx bounds every
// read. While the transfer runs, its reads and writes count as the
// caller's activity, so the idle limit (and its warning, which would
// break the transfer's stream) stays away for as long as bytes move;
// input that is not data (a resize, an event, a notice) waits for the
// next screen. End switches back.
func (s *Session) StartTransfer(ctx context.Context) (*Transfer, error) {
	tc, ok := term.AsTransparent(s.conn)
	if !ok {
		return nil, ErrNoTransfer
	}
	if s.ended() {
		return nil, ErrClosed
	}
	tc.SetTransparent(true)
	s.bigReads.Store(true)
	s.touch()
	return &Transfer{s: s, ctx: ctx, tc: tc}, nil
}

// End gives the connection back to the screens: its text rules apply
// again, and what the transfer left unread (the tail of a cancelled
// upload) is dropped with the next key read. It may be called more than
// once.
func (t *Transfer) End() {
	if t.ended {
		return
	}
	t.ended = true
	t.s.SetDeadline(time.Time{}, nil)
	t.tc.SetTransparent(false)
	t.s.bigReads.Store(false)
	t.s.touch()
}

// errTransferDeadline is a Read's error when the deadline passed; it
// wraps os.ErrDeadlineExceeded, as a net.Conn's would.
var errTransferDeadline = fmt.Errorf("session: transfer read: %w", os.ErrDeadlineExceeded)

// SetReadDeadline sets when Read gives up (zero: never, but for ctx).
// It is the session's own deadline (SetDeadline), which costs no timer
// or context per read.
func (t *Transfer) SetReadDeadline(d time.Time) error {
	t.s.SetDeadline(d, errTransferDeadline)
	return nil
}

// Read reads what the caller's program sent.
func (t *Transfer) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		n, _, err := t.s.ReadRaw(t.ctx, p)
		switch {
		case err != nil:
			return 0, err
		case n > 0:
			t.s.touch()
			return n, nil
		}
		// A resize, event or notice: not data.
	}
}

// Write sends bytes as they are (telnet still doubles IAC).
func (t *Transfer) Write(p []byte) (int, error) {
	t.s.touch()
	return t.s.WriteRaw(p)
}

// touch counts as the caller's activity for the idle limit.
func (s *Session) touch() {
	s.mu.Lock()
	s.lastInput = time.Now()
	s.mu.Unlock()
}
