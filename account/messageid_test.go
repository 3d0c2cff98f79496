package account_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/lang"
)

// refusing is a Rules whose refusals have no words for the caller.
type refusing struct{ account.Rules }

func (refusing) CheckHandle(string) error { return errors.New("no") }

// TestMessageID: every rule error the account service and the auth rules
// make names a message of the built-in catalog, which in English says
// exactly what the error's Msg says, and in German something else.
func TestMessageID(t *testing.T) {
	f := newFixture(t, setup{})
	// Rules that reserve nothing: the service reserves the login words.
	open := newFixture(t, setup{config: func(c *account.Config) {
		v, err := auth.NewValidator(auth.Rules{Reserved: []string{}})
		if err != nil {
			t.Fatal(err)
		}
		c.Rules = v
	}})
	mute := newFixture(t, setup{config: func(c *account.Config) { c.Rules = refusing{c.Rules} }})
	strict, err := auth.NewValidator(auth.Rules{HandlePattern: "[a-z]+"})
	if err != nil {
		t.Fatal(err)
	}
	u := f.user("alice", password)
	ctx := t.Context()
	second := func(_ any, err error) error { return err }
	long := func(n int) string { return strings.Repeat("x", n) }
	de := func() *lang.Printer {
		c, err := lang.Load(lang.Builtin(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		return c.Printer("de")
	}()
	for _, tc := range []struct {
		id  string
		err error
	}{
		{"rules.handle_length", f.svc.CheckHandle(ctx, "ab")},
		{"rules.handle_characters", f.svc.CheckHandle(ctx, "bob!")},
		{"rules.handle_pattern", strict.CheckHandle("Bob")},
		{"rules.reserved", f.svc.CheckHandle(ctx, "sysop")},
		{"rules.reserved", open.svc.CheckHandle(ctx, "new")},
		{"rules.text_invalid", f.svc.CheckHandle(ctx, "bo\xffb")},
		{"rules.text_control", f.svc.CheckPassword("correct\x1bhorse")},
		{"rules.text_invisible", f.svc.CheckField(account.RealName, "Bob\u200bby")},
		{"rules.text_spaces", f.svc.CheckField(account.Location, " Berlin")},
		{"rules.password_short", f.svc.CheckPassword("short")},
		{"rules.password_long", f.svc.CheckPassword(long(auth.DefaultPasswordMax + 1))},
		{"rules.realname_long", f.svc.CheckField(account.RealName, long(auth.DefaultRealNameMax+1))},
		{"rules.location_long", f.svc.CheckField(account.Location, long(auth.DefaultLocationMax+1))},
		{"rules.email_long", f.svc.CheckField(account.Email, long(auth.DefaultEmailMax)+"@example.org")},
		{"rules.email_spaces", f.svc.CheckField(account.Email, "a b@example.org")},
		{"rules.email_invalid", f.svc.CheckField(account.Email, "bob.example.org")},
		{"rules.email_invalid", f.svc.CheckField(account.Email, "bob@localhost")},
		{"rules.email_bare", f.svc.CheckField(account.Email, "<bob@example.org>")},
		{"rules.signature_long", f.svc.CheckField(account.Signature, long(account.SignatureMax+1))},
		{"rules.encoding", f.svc.CheckField(account.Encoding, "latin1")},
		{"rules.not_changeable", f.svc.CheckField(account.Field(99), "x")},
		{"rules.not_allowed", mute.svc.CheckHandle(ctx, "bob")},
		{"rules.key_invalid", second(account.ParsePublicKey("alice", "not a key"))},
		{"rules.key_options", second(account.ParsePublicKey("alice",
			`command="ls" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob`))},
		{"rules.language", second(f.svc.SetLanguage(ctx, u.ID, "not a tag"))},
		{"rules.totp_secret", second(f.svc.EnableTOTP(ctx, "alice", "nonsense!", "123456"))},
		{"rules.address_zone", second(f.svc.Ban(ctx, "fe80::1%eth0"))},
		{"rules.address_invalid", second(f.svc.Ban(ctx, "example.org"))},
		{"rules.address_invalid", second(f.svc.Ban(ctx, "192.0.2.0/99"))},
		{"rules.group_reserved", second(f.svc.SetGroups(ctx, "alice", []string{"sysop"}))},
		{"rules.group_length", second(f.svc.SetGroups(ctx, "alice", []string{long(33)}))},
		{"rules.group_length", second(f.svc.SetGroups(ctx, "alice", []string{""}))},
		{"rules.group_characters", second(f.svc.SetGroups(ctx, "alice", []string{"Staff"}))},
		{"rules.level", account.CheckLevel(256)},
		{"rules.level", second(account.ParseLevel("lots"))},
	} {
		id, pairs, ok := account.MessageID(tc.err)
		if !ok || id != tc.id {
			t.Errorf("MessageID(%v) = %q, %v; want %q", tc.err, id, ok, tc.id)
			continue
		}
		if got, want := lang.Fallback().T(id, pairs...), account.Message(tc.err); got != want {
			t.Errorf("%s in English = %q, the error's = %q", id, got, want)
		}
		if got := de.T(id, pairs...); got == account.Message(tc.err) || strings.Contains(got, "{") {
			t.Errorf("%s in German = %q", id, got)
		}
	}
}

// TestMessageIDOwnWords: a sysop's own hint has no message id, and
// errors that are no rule's have none either.
func TestMessageIDOwnWords(t *testing.T) {
	v, err := auth.NewValidator(auth.Rules{HandlePattern: "[a-z]+", HandleHint: "Lower case only."})
	if err != nil {
		t.Fatal(err)
	}
	herr := v.CheckHandle("Bob")
	if id, _, ok := account.MessageID(herr); ok || id != "" {
		t.Errorf("MessageID(%v) = %q, %v; want none", herr, id, ok)
	}
	if account.Message(herr) != "Lower case only." {
		t.Errorf("Message = %q", account.Message(herr))
	}
	if _, _, ok := account.MessageID(errors.New("account: no")); ok {
		t.Error("MessageID found a rule in a plain error")
	}
	if _, _, ok := account.MessageID(nil); ok {
		t.Error("MessageID found a rule in nil")
	}
}
