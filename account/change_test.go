package account_test

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

const newPassword = "battery staple"

func TestChangePassword(t *testing.T) {
	t.Parallel()
	t.Run("wrong current password", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, setup{})
		f.user("erin", password)
		start := time.Now()
		u, err := f.svc.ChangePassword(t.Context(), "erin", "not it at all", newPassword, netip.Addr{})
		if !errors.Is(err, account.ErrWrongPassword) || u != nil {
			t.Fatalf("ChangePassword(erin, wrong current) = %v, %v; want %v", u, err, account.ErrWrongPassword)
		}
		if took := time.Since(start); took < fastDelay {
			t.Errorf("ChangePassword(erin, wrong current) took %v; want the pause, %v", took, fastDelay)
		}
		if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
			t.Errorf("Login(erin, old password) after a refused change = %v; want nil", err)
		}
	})
	t.Run("new password breaks the rules", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, setup{})
		f.user("erin", password)
		h0, v0 := f.pw.cost()
		u, err := f.svc.ChangePassword(t.Context(), "erin", password, "short", netip.Addr{})
		wantInvalid(t, "ChangePassword(erin, right, short)", err, "password", "Passwords need at least 8 characters.")
		if u != nil {
			t.Errorf("ChangePassword(erin, right, short) returned %+v; want nil", u)
		}
		if h, v := f.pw.cost(); h != h0 || v != v0 {
			t.Errorf("ChangePassword(erin, right, short) cost %d hashes, %d verifications; want none", h-h0, v-v0)
		}
	})
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, setup{})
		f.user("erin", password)
		u, err := f.svc.ChangePassword(t.Context(), "erin", password, newPassword, netip.Addr{})
		if err != nil || u == nil || u.Handle != "erin" {
			t.Fatalf("ChangePassword(erin, right, new) = %v, %v; want erin", u, err)
		}
		if _, err := f.svc.Login(t.Context(), "erin", password, caller); !errors.Is(err, account.ErrLoginFailed) {
			t.Errorf("Login(erin, old password) after the change = %v; want %v", err, account.ErrLoginFailed)
		}
		if _, err := f.svc.Login(t.Context(), "erin", newPassword, caller); err != nil {
			t.Errorf("Login(erin, new password) after the change = %v; want nil", err)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, setup{})
		if _, err := f.svc.ChangePassword(t.Context(), "frank", password, newPassword, netip.Addr{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ChangePassword(frank) with no frank = %v; want store.ErrNotFound", err)
		}
	})
}

func TestVerify(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	if err := f.svc.Verify(t.Context(), "erin", password); err != nil {
		t.Errorf("Verify(erin, right) = %v; want nil", err)
	}
	start := time.Now()
	if err := f.svc.Verify(t.Context(), "erin", newPassword); !errors.Is(err, account.ErrWrongPassword) {
		t.Errorf("Verify(erin, wrong) = %v; want %v", err, account.ErrWrongPassword)
	}
	if took := time.Since(start); took < fastDelay {
		t.Errorf("Verify(erin, wrong) took %v; want the pause, %v", took, fastDelay)
	}
	if err := f.svc.Verify(t.Context(), "frank", password); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Verify(frank) with no frank = %v; want store.ErrNotFound", err)
	}
}

func TestSetPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	if err := f.svc.SetPassword(t.Context(), "frank", newPassword); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetPassword(frank) with no frank = %v; want store.ErrNotFound", err)
	}
	wantInvalid(t, "SetPassword(erin, short)", f.svc.SetPassword(t.Context(), "erin", "short"), "password",
		"Passwords need at least 8 characters.")
	if err := f.svc.SetPassword(t.Context(), "ERIN", newPassword); err != nil {
		t.Fatalf("SetPassword(ERIN, new) = %v; want nil", err)
	}
	if _, err := f.svc.Login(t.Context(), "erin", newPassword, caller); err != nil {
		t.Errorf("Login(erin, new password) after SetPassword = %v; want nil", err)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("Login(erin, old password) after SetPassword = %v; want %v", err, account.ErrLoginFailed)
	}
}

// field returns the value of a profile field of u.
func field(u *store.User, f account.Field) string {
	switch f {
	case account.RealName:
		return u.RealName
	case account.Location:
		return u.Location
	case account.Email:
		return u.Email
	case account.Signature:
		return u.Signature
	case account.Encoding:
		return u.Encoding
	}
	return fmt.Sprintf("no such field %d", int(f))
}

func TestSetField(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	id := f.user("erin", password).ID
	accents := strings.Repeat("é", account.SignatureMax)
	tests := []struct {
		field account.Field
		value string
		want  string
	}{
		{account.RealName, "  Erin Q  ", "Erin Q"},
		{account.RealName, "", ""},
		{account.Location, "\tAmsterdam ", "Amsterdam"},
		{account.Email, " erin@example.org ", "erin@example.org"},
		{account.Email, "", ""},
		{account.Signature, "\x1b[2Jhi", "hi"},
		{account.Signature, " \x1b[1;31m-- erin\x1b[0m\r\n", "-- erin"},
		{account.Signature, "\x1b]0;owned\x07bye", "bye"},
		{account.Signature, accents, accents}, // counted in characters, not bytes
		{account.Signature, "", ""},
		{account.Encoding, "cp437", store.EncodingCP437},
		{account.Encoding, " utf-8 ", store.EncodingUTF8},
		{account.Encoding, "auto", store.EncodingAuto},
	}
	for _, tt := range tests {
		u, err := f.svc.SetField(t.Context(), id, tt.field, tt.value)
		if err != nil {
			t.Errorf("SetField(%v, %q) = %v; want nil", tt.field, tt.value, err)
			continue
		}
		if got := field(u, tt.field); got != tt.want {
			t.Errorf("SetField(%v, %q) returned %q; want %q", tt.field, tt.value, got, tt.want)
		}
		if got := field(f.stored("erin"), tt.field); got != tt.want {
			t.Errorf("SetField(%v, %q) stored %q; want %q", tt.field, tt.value, got, tt.want)
		}
	}

	refused := []struct {
		field     account.Field
		value     string
		name, msg string
	}{
		{account.RealName, strings.Repeat("n", 41), "real name", "Names can have at most 40 characters."},
		{account.RealName, "Erin\x1b[2J", "real name", "Control characters are not allowed."},
		{account.Location, strings.Repeat("l", 41), "location", "Locations can have at most 40 characters."},
		{account.Email, "erin", "e-mail", "That does not look like an e-mail address."},
		{account.Signature, strings.Repeat("x", account.SignatureMax+1), "signature", "Signatures can have at most 72 characters."},
		{account.Encoding, "latin1", "encoding", "The encoding is auto, utf-8 or cp437."},
		{account.Encoding, "UTF-8", "encoding", "The encoding is auto, utf-8 or cp437."},
		{account.Encoding, "", "encoding", "The encoding is auto, utf-8 or cp437."},
		{account.Field(0), "x", "Field(0)", "That cannot be changed."},
		{account.Field(99), "x", "Field(99)", "That cannot be changed."},
	}
	before := *f.stored("erin")
	for _, tt := range refused {
		u, err := f.svc.SetField(t.Context(), id, tt.field, tt.value)
		wantInvalid(t, fmt.Sprintf("SetField(%v, %q)", tt.field, tt.value), err, tt.name, tt.msg)
		if u != nil {
			t.Errorf("SetField(%v, %q) returned %+v; want nil", tt.field, tt.value, u)
		}
	}
	after := f.stored("erin")
	for _, fl := range []account.Field{account.RealName, account.Location, account.Email, account.Signature, account.Encoding} {
		if field(after, fl) != field(&before, fl) {
			t.Errorf("after refused changes %v = %q; want unchanged %q", fl, field(after, fl), field(&before, fl))
		}
	}

	if _, err := f.svc.SetField(t.Context(), id+100, account.RealName, "Nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetField(unknown id) = %v; want store.ErrNotFound", err)
	}
}

func TestSetSysop(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	for _, sysop := range []bool{true, true, false, false} {
		u, err := f.svc.SetSysop(t.Context(), "Erin", sysop)
		if err != nil {
			t.Fatalf("SetSysop(Erin, %v) = %v", sysop, err)
		}
		for _, u := range []*store.User{u, f.stored("erin")} {
			if u.InGroup(store.GroupSysop) != sysop || len(u.Groups) != map[bool]int{true: 1, false: 0}[sysop] {
				t.Errorf("SetSysop(Erin, %v): groups %v", sysop, u.Groups)
			}
		}
	}
	if _, err := f.svc.SetSysop(t.Context(), "frank", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetSysop(frank) with no frank = %v; want store.ErrNotFound", err)
	}
	if got := f.sessions.take(); len(got) != 0 {
		t.Errorf("SetSysop ended calls %v; want none", got)
	}
}

func TestSetLocked(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	if _, err := f.svc.SetSysop(t.Context(), "erin", true); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.SetLocked(t.Context(), "ERIN", true)
	if err != nil {
		t.Fatalf("SetLocked(ERIN, true) = %v", err)
	}
	want := []string{store.GroupLocked, store.GroupSysop}
	if !u.InGroup(store.GroupLocked) || !u.InGroup(store.GroupSysop) || len(u.Groups) != 2 {
		t.Errorf("SetLocked(ERIN, true) returned groups %v; want %v", u.Groups, want)
	}
	if got := f.stored("erin").Groups; !slices.Equal(got, want) {
		t.Errorf("SetLocked(ERIN, true) stored groups %v; want %v", got, want)
	}
	if got, want := f.sessions.take(), []disconnect{{"erin", session.MessageLine("call.locked_by_sysop")}}; !slices.Equal(got, want) {
		t.Errorf("SetLocked(ERIN, true) ended calls %v; want %v", got, want)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("Login(erin) when locked = %v; want %v", err, account.ErrLoginFailed)
	}

	u, err = f.svc.SetLocked(t.Context(), "erin", false)
	if err != nil {
		t.Fatalf("SetLocked(erin, false) = %v", err)
	}
	want = []string{store.GroupSysop}
	for _, u := range []*store.User{u, f.stored("erin")} {
		if !slices.Equal(u.Groups, want) {
			t.Errorf("SetLocked(erin, false): groups %v; want %v", u.Groups, want)
		}
	}
	if got := f.sessions.take(); len(got) != 0 {
		t.Errorf("SetLocked(erin, false) ended calls %v; want none", got)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); err != nil {
		t.Errorf("Login(erin) when unlocked = %v; want nil", err)
	}

	if _, err := f.svc.SetLocked(t.Context(), "frank", true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetLocked(frank) with no frank = %v; want store.ErrNotFound", err)
	}
	if got := f.sessions.take(); len(got) != 0 {
		t.Errorf("SetLocked(frank) with no frank ended calls %v; want none", got)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	f.user("frank", password)
	if err := f.svc.Delete(t.Context(), "erin"); err != nil {
		t.Fatalf("Delete(erin) = %v", err)
	}
	if got, want := f.sessions.take(), []disconnect{{"erin", session.MessageLine("call.removed_by_sysop")}}; !slices.Equal(got, want) {
		t.Errorf("Delete(erin) ended calls %v; want %v", got, want)
	}
	_, err := f.svc.User(t.Context(), "erin")
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), `"erin"`) {
		t.Errorf("User(erin) after Delete = %v; want store.ErrNotFound naming \"erin\"", err)
	}
	if _, err := f.svc.Login(t.Context(), "erin", password, caller); !errors.Is(err, account.ErrLoginFailed) {
		t.Errorf("Login(erin) after Delete = %v; want %v", err, account.ErrLoginFailed)
	}
	if _, err := f.svc.User(t.Context(), "frank"); err != nil {
		t.Errorf("User(frank) after Delete(erin) = %v; want nil", err)
	}

	err = f.svc.Delete(t.Context(), "grace")
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), `"grace"`) {
		t.Errorf("Delete(grace) with no grace = %v; want store.ErrNotFound naming \"grace\"", err)
	}
	if got := f.sessions.take(); len(got) != 0 {
		t.Errorf("Delete(grace) with no grace ended calls %v; want none", got)
	}
}

// The account returned after a change of groups is the account as
// stored, whose Groups are sorted (store.User).
func TestSetGroupReturnsStoredGroups(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	if _, err := f.svc.SetSysop(t.Context(), "erin", true); err != nil {
		t.Fatal(err)
	}
	u, err := f.svc.SetLocked(t.Context(), "erin", true)
	if err != nil {
		t.Fatal(err)
	}
	if want := f.stored("erin").Groups; !slices.Equal(u.Groups, want) {
		t.Errorf("SetLocked(erin, true) returned groups %v; want them as stored, %v", u.Groups, want)
	}
}

// Current is the account of a caller already in: as stored, unless a
// sysop locked or deleted it meanwhile.
func TestCurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{})
	f.user("erin", password)
	if u, err := f.svc.Current(t.Context(), "ERIN"); err != nil || u.Handle != "erin" {
		t.Errorf("Current(ERIN) = %+v, %v; want erin", u, err)
	}
	if _, err := f.svc.SetLocked(t.Context(), "erin", true); err != nil {
		t.Fatal(err)
	}
	if u, err := f.svc.Current(t.Context(), "erin"); !errors.Is(err, account.ErrLocked) {
		t.Errorf("Current(erin) when locked = %+v, %v; want ErrLocked", u, err)
	}
	if err := f.svc.Delete(t.Context(), "erin"); err != nil {
		t.Fatal(err)
	}
	if u, err := f.svc.Current(t.Context(), "erin"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Current(erin) when deleted = %+v, %v; want store.ErrNotFound", u, err)
	}
}
