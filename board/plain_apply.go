package board

import (
	"context"

	"github.com/x84bbs/x84/store"
)

// drawPlain is the application in accessible mode: what it is, once; the
// fields then ask on lines of their own (plainPrompt) and its messages
// are lines (showMessage).
func (f *applyForm) drawPlain() {
	if f.introduced {
		return
	}
	f.introduced = true
	f.b.plainHeader(f.s, "newuser")
	writeLine(f.s, f.s.T("apply.intro", "board", clean(f.b.cfg.Name)))
	if f.msg != "" {
		writeLine(f.s, f.msg)
	}
}

// plainPrompt is a field's question in accessible mode: its label, and
// what the full screen says beside it.
func (f *applyForm) plainPrompt(field int) string {
	p := f.label(field)
	switch {
	case field == fSetup:
		p += " " + f.s.T("apply.setup_note")
	case field == fAgain:
		p = f.s.T("apply.label.again_plain")
	case field >= fRealName:
		p += " " + f.s.T("apply.optional")
	}
	return p + ": "
}

// keepPlain makes the plain screens the new account's setting when the
// applicant chose them at the login screen, so that they need not find
// the profile's switch to keep them.
func (f *applyForm) keepPlain(ctx context.Context, u *store.User) (*store.User, error) {
	if !f.s.Accessible() {
		return u, nil
	}
	return f.b.cfg.Accounts.SetAccessible(ctx, u.ID, true)
}
