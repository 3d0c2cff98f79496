package account_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/store"
)

func TestParsePublicKey(t *testing.T) {
	t.Parallel()
	line, fp := newKey(t, "erin@home")
	bare, _, _ := strings.Cut(line, " erin@home")
	tests := []struct {
		name, line, comment string
	}{
		{"with comment", line, "erin@home"},
		{"with spaces around", "  " + line + "\n", "erin@home"},
		{"without comment", bare, ""},
		{"comment with escape sequences", bare + " \x1b[31mred\x1b[0m", "red"},
	}
	for _, tt := range tests {
		k, err := account.ParsePublicKey("erin", tt.line)
		if err != nil {
			t.Errorf("ParsePublicKey(erin, %q) = %v; want a key", tt.line, err)
			continue
		}
		if k.Handle != "erin" || k.Key != bare || k.Fingerprint != fp || k.Comment != tt.comment {
			t.Errorf("ParsePublicKey(erin, %q) = %+v; want handle erin, key %s, fingerprint %s, comment %q",
				tt.line, *k, bare, fp, tt.comment)
		}
	}

	refused := []struct {
		name, line, msg string
	}{
		{"options", `command="x" ` + line, "Remove the options before the key type."},
		{"other options", "no-pty,restrict " + line, "Remove the options before the key type."},
		{"junk", "hello there", "That is not an ssh public key: paste the whole line of your .pub file."},
		{"truncated", line[:40], "That is not an ssh public key: paste the whole line of your .pub file."},
		{"empty", "", "That is not an ssh public key: paste the whole line of your .pub file."},
	}
	for _, tt := range refused {
		k, err := account.ParsePublicKey("erin", tt.line)
		wantInvalid(t, "ParsePublicKey(erin, "+tt.name+")", err, "key", tt.msg)
		if k != nil {
			t.Errorf("ParsePublicKey(erin, %q) = %+v; want nil", tt.line, k)
		}
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	f.user("frank", password)
	line, fp := newKey(t, "erin@home")

	if _, err := f.svc.AddKey(t.Context(), "grace", line); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AddKey(grace) with no grace = %v; want store.ErrNotFound", err)
	}
	_, err := f.svc.AddKey(t.Context(), "erin", "junk")
	wantInvalid(t, "AddKey(erin, junk)", err, "key", "That is not an ssh public key: paste the whole line of your .pub file.")

	k, err := f.svc.AddKey(t.Context(), "ERIN", line)
	if err != nil {
		t.Fatalf("AddKey(ERIN, key) = %v", err)
	}
	if k.Handle != "erin" || k.Fingerprint != fp || k.Comment != "erin@home" || k.Added.IsZero() {
		t.Errorf("AddKey(ERIN, key) = %+v; want erin's key %s, comment erin@home, a time added", *k, fp)
	}
	if _, err := f.svc.AddKey(t.Context(), "erin", line); !errors.Is(err, account.ErrKeyTaken) || !errors.Is(err, store.ErrExists) {
		t.Errorf("AddKey(erin, same key) = %v; want %v (and store.ErrExists)", err, account.ErrKeyTaken)
	}
	// A public key is public: another user may register it too.
	if _, err := f.svc.AddKey(t.Context(), "frank", line); err != nil {
		t.Errorf("AddKey(frank, erin's key) = %v; want nil", err)
	}

	keys, err := f.svc.Keys(t.Context(), "erin")
	if err != nil || len(keys) != 1 || keys[0].Fingerprint != fp || keys[0].Handle != "erin" {
		t.Fatalf("Keys(erin) = %+v, %v; want the one key %s", keys, err, fp)
	}
	if _, err := f.svc.Keys(t.Context(), "grace"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Keys(grace) with no grace = %v; want store.ErrNotFound", err)
	}

	if err := f.svc.DeleteKey(t.Context(), "erin", fp); err != nil {
		t.Fatalf("DeleteKey(erin, %s) = %v", fp, err)
	}
	if keys, err := f.svc.Keys(t.Context(), "erin"); err != nil || len(keys) != 0 {
		t.Errorf("Keys(erin) after DeleteKey = %+v, %v; want none", keys, err)
	}
	if _, err := f.svc.LoginKey(t.Context(), "erin", fp); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("LoginKey(erin, deleted key) = %v; want %v", err, account.ErrLoginFailed)
	}
	if _, err := f.svc.LoginKey(t.Context(), "frank", fp); err != nil {
		t.Errorf("LoginKey(frank, the key) after erin deleted hers = %v; want nil", err)
	}
	if err := f.svc.DeleteKey(t.Context(), "erin", fp); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteKey(erin, %s) again = %v; want store.ErrNotFound", fp, err)
	}
	if err := f.svc.DeleteKey(t.Context(), "erin", "SHA256:nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteKey(erin, unknown fingerprint) = %v; want store.ErrNotFound", err)
	}
}
