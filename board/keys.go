package board

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
	"github.com/x84bbs/x84/ui"
)

// ErrBadKey means a line is not an ssh public key.
var ErrBadKey = errors.New("board: not an ssh public key")

// ParsePublicKey reads one public key in authorized_keys form ("ssh-ed25519
// AAAA… comment") for handle. Options before the key are refused: a user's
// key logs them in, nothing more.
func ParsePublicKey(handle, line string) (*store.PublicKey, error) {
	key, comment, options, _, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(line)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if len(options) > 0 {
		return nil, fmt.Errorf("%w: remove the options before the key type", ErrBadKey)
	}
	return &store.PublicKey{
		Handle:      handle,
		Key:         strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))),
		Fingerprint: ssh.FingerprintSHA256(key),
		Comment:     term.Sanitize(comment),
	}, nil
}

// sshKeys lets the caller see, add and remove the ssh keys they log in
// with.
func sshKeys(ctx context.Context, c *Call) error {
	b := c.Board
	msg, msgStyle := "", ""
	var keys []store.PublicKey
	var top int
	draw := func() {
		top = b.header(c.Session, "profile", 4)
		sz := c.Size()
		say(c.Session, top, styleTitle, "Your ssh keys: log in with ssh as "+clean(c.User.Handle)+" and one of these, no password needed.")
		for i, k := range keys {
			line := fmt.Sprintf("%s%2d%s  %s %s%s %s", styleKey, i+1, styleText, k.Key[:strings.IndexByte(k.Key+" ", ' ')],
				styleValue, k.Fingerprint, styleDim+clean(k.Comment))
			say(c.Session, top+2+i, "", ui.Truncate(line, sz.Cols-2))
		}
		if len(keys) == 0 {
			say(c.Session, top+2, styleDim, "No keys yet.")
		}
		say(c.Session, top+3+max(len(keys), 1), "", keyHelp("a", "add a key", "d", "delete one", "q", "back"))
		if msg != "" {
			say(c.Session, top+4+max(len(keys), 1), msgStyle, msg)
		}
	}
	load := func() error {
		var err error
		keys, err = b.Store.Keys.Keys(ctx, c.User.Handle)
		return err
	}
	if err := load(); err != nil {
		return err
	}
	draw()
	for {
		k, err := c.Board.nextKey(ctx, c, draw)
		if err != nil {
			return err
		}
		switch {
		case isQuit(k):
			return nil
		case k.Code == term.KeyRune && k.Rune == 'a':
			msg, msgStyle, err = addKey(ctx, c, top+4+max(len(keys), 1), draw)
		case k.Code == term.KeyRune && k.Rune == 'd' && len(keys) > 0:
			msg, msgStyle, err = deleteKey(ctx, c, keys, top+4+max(len(keys), 1), draw)
		default:
			continue
		}
		if err != nil {
			return err
		}
		if err := load(); err != nil {
			return err
		}
		draw()
	}
}

func addKey(ctx context.Context, c *Call, row int, redraw func()) (string, string, error) {
	label := styleLabel + "Paste the key (one line from ~/.ssh/id_*.pub): " + ui.Reset
	c.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + label)
	f := &ui.Field{Row: row + 1, Col: 2, Max: 2048} // to the window's edge
	f.Relayout = func() (int, int) {
		redraw()
		c.WriteString(ui.MoveTo(row, 2) + ui.ClearEOL + label)
		return row + 1, 2
	}
	line, err := f.Read(ctx, c.Session)
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	if strings.TrimSpace(line) == "" {
		return "", "", nil
	}
	k, err := ParsePublicKey(c.User.Handle, line)
	if err != nil {
		return "That is not an ssh public key: paste the whole line of your .pub file.", styleError, nil
	}
	k.Added = time.Now()
	switch err := c.Board.Store.Keys.AddKey(ctx, k); {
	case errors.Is(err, store.ErrExists):
		return "That key is registered already.", styleError, nil
	case err != nil:
		return "", "", err
	}
	return "Added " + k.Fingerprint + ".", styleOK, nil
}

func deleteKey(ctx context.Context, c *Call, keys []store.PublicKey, row int, redraw func()) (string, string, error) {
	v, err := ask(ctx, c, row, "Delete key number: ", &ui.Field{Max: 3, Width: 4, Accept: isDigit}, redraw)
	if err != nil {
		return "", "", ignoreCancel(err)
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil || n < 1 || n > len(keys) {
		return "", "", nil
	}
	if err := c.Board.Store.Keys.DeleteKey(ctx, c.User.Handle, keys[n-1].Fingerprint); err != nil {
		return "", "", err
	}
	return "Deleted " + keys[n-1].Fingerprint + ".", styleOK, nil
}
