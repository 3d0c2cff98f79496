package sshd

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

// codePrompt is the one question of the second factor, as
// keyboard-interactive asks it (without echo).
const codePrompt = "Verification code: "

// afterFirstFactor decides what a right password or proved key of u
// gives: the login (perms) or, for an account with two-factor login, a
// partial success whose one next step is keyboard-interactive asking
// for the code. x/crypto/ssh keeps the user name fixed from there on, so
// the code is checked for the account whose password or key was right.
func (p *Protocol) afterFirstFactor(ctx context.Context, u *store.User, perms *ssh.Permissions) (*ssh.Permissions, error) {
	if !account.HasTOTP(u) {
		return perms, nil
	}
	handle := u.Handle
	return nil, &ssh.PartialSuccessError{Next: ssh.ServerAuthCallbacks{
		KeyboardInteractiveCallback: func(c ssh.ConnMetadata, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			return p.secondFactor(ctx, c, handle, client)
		},
	}}
}

// moreTimeForCode gives a caller who proved a first factor AuthTimeout
// from now to type the code, on the connection's deadline: the time
// spent on the password or key must not leave a second too few. Only a
// caller that proved a password or key gets it, and once: from there on
// keyboard-interactive for the code is the only method. A connection
// whose ctx ended (the server stops) keeps its deadline in the past.
func (p *Protocol) moreTimeForCode(ctx context.Context, conn net.Conn) {
	conn.SetDeadline(time.Now().Add(p.cfg.AuthTimeout))
	if ctx.Err() != nil { // Open's AfterFunc may have run before
		conn.SetDeadline(time.Unix(1, 0))
	}
}

// secondFactor asks for the code and lets the account service decide: a
// wrong one is a failed login there (pause, strike) and an auth failure
// here, after which the client may ask again, within MaxAuthTries. An
// empty answer (Enter alone) is no try: the question is asked again, up
// to MaxAuthTries times, and then the method fails without a strike.
func (p *Protocol) secondFactor(ctx context.Context, c ssh.ConnMetadata, handle string, client ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
	var code string
	for range p.cfg.MaxAuthTries {
		answers, err := client("", "", []string{codePrompt}, []bool{false})
		if err != nil || len(answers) != 1 {
			return nil, errAuth
		}
		if code = strings.TrimSpace(answers[0]); code != "" {
			break
		}
	}
	if code == "" {
		return nil, errAuth
	}
	u, err := p.cfg.Accounts.LoginSecondFactor(ctx, handle, code, addrOf(c))
	switch {
	case err == nil:
		return &ssh.Permissions{Extensions: map[string]string{extUser: u.Handle}}, nil
	case errors.Is(err, account.ErrLoginFailed), errors.Is(err, account.ErrBanned), ctx.Err() != nil:
	default:
		p.log.Error("ssh: second factor", "remote", c.RemoteAddr().String(), "err", err)
	}
	return nil, errAuth
}
