package storetest

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// newKey returns an ed25519 key for handle, made up from name, with the
// fingerprint ssh-keygen would show for it.
func newKey(handle, name string, added time.Time) *store.PublicKey {
	pub := sha256.Sum256([]byte(name))
	blob := append([]byte("\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"), pub[:]...)
	sum := sha256.Sum256(blob)
	return &store.PublicKey{
		Handle:      handle,
		Key:         "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob),
		Fingerprint: "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:]),
		Comment:     name + "@example.org",
		Added:       added,
	}
}

// addKey registers k or ends the test.
func addKey(t *testing.T, s *store.Store, k *store.PublicKey) *store.PublicKey {
	t.Helper()
	if err := s.Keys.AddKey(t.Context(), k); err != nil {
		t.Fatalf("AddKey(%q, %q) = %v; want nil", k.Handle, k.Fingerprint, err)
	}
	return k
}

// keys returns the keys of the user with the handle or ends the test.
func keys(t *testing.T, s *store.Store, handle string) []store.PublicKey {
	t.Helper()
	ks, err := s.Keys.Keys(t.Context(), handle)
	if err != nil {
		t.Fatalf("Keys(%q) = %v; want nil", handle, err)
	}
	return ks
}

// owned is ks as Keys returns them for the account with the handle.
func owned(handle string, ks ...*store.PublicKey) []store.PublicKey {
	var out []store.PublicKey
	for _, k := range ks {
		x := *k
		x.Handle = handle
		out = append(out, x)
	}
	return out
}

func testAddKey(t *testing.T, s *store.Store) {
	create(t, s, newUser("Alice"))
	if got := keys(t, s, "Alice"); len(got) != 0 {
		t.Errorf(`Keys("Alice") before AddKey = %+v; want none`, got)
	}

	// A zero Added is set to now.
	before := time.Now().Truncate(time.Millisecond)
	a := addKey(t, s, newKey("Alice", "laptop", time.Time{}))
	after := time.Now()
	if a.ID == 0 {
		t.Errorf("AddKey(%q): ID = 0; want non-zero", a.Fingerprint)
	}
	if a.Added.Before(before) || a.Added.After(after) {
		t.Errorf("AddKey(%q): Added = %v; want between %v and %v", a.Fingerprint, a.Added, before, after)
	}

	// A given Added is kept, as when importing keys.
	b := newKey("Alice", "desktop", base())
	b.ID = a.ID // ignored
	addKey(t, s, b)
	if b.ID == 0 || b.ID == a.ID {
		t.Errorf("AddKey(%q): ID = %d; want non-zero and not %d", b.Fingerprint, b.ID, a.ID)
	}
	if !b.Added.Equal(base()) {
		t.Errorf("AddKey(%q): Added = %v; want %v kept", b.Fingerprint, b.Added, base())
	}

	// Oldest first: b was added later but is dated earlier.
	want := owned("Alice", b, a)
	if got := keys(t, s, "Alice"); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Alice") = %+v; want %+v`, got, want)
	}
}

func testKeysOrder(t *testing.T, s *store.Store) {
	create(t, s, newUser("Collector"))
	create(t, s, newUser("Other"))
	// Added out of time order, with another user's keys in between.
	order := []int{3, 0, 4, 1, 2}
	all := make([]*store.PublicKey, len(order))
	for _, i := range order {
		all[i] = addKey(t, s, newKey("Collector", fmt.Sprintf("key%d", i), base().Add(time.Duration(i)*time.Hour)))
		addKey(t, s, newKey("Other", fmt.Sprintf("other%d", i), base().Add(-time.Duration(i)*time.Hour)))
	}
	want := owned("Collector", all...)
	if got := keys(t, s, "Collector"); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Collector") = %+v; want %+v`, got, want)
	}
}

func testKeyLookup(t *testing.T, s *store.Store) {
	create(t, s, newUser("MiXeD"))
	create(t, s, newUser("Émile"))
	create(t, s, newUser("Keyless"))
	// AddKey finds the account regardless of case too.
	m := addKey(t, s, newKey("mixed", "m", base()))
	e := addKey(t, s, newKey("E\u0301MILE", "e", base())) // decomposed É

	tests := []struct {
		in   string
		want []store.PublicKey // Handle is the account's, not the one asked for
	}{
		{"MiXeD", owned("MiXeD", m)},
		{"mixed", owned("MiXeD", m)},
		{"MIXED", owned("MiXeD", m)},
		{"Émile", owned("Émile", e)},
		{"émile", owned("Émile", e)},
		{"e\u0301mile", owned("Émile", e)},
		{"Emile", nil},
		{"mixed ", nil},
		{"Keyless", nil},
		// An unknown handle has no keys: an empty list and no error.
		{"nobody", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := s.Keys.Keys(t.Context(), tt.in)
		if err != nil || !slices.EqualFunc(got, tt.want, sameKey) {
			t.Errorf("Keys(%q) = %+v, %v; want %+v, nil", tt.in, got, err, tt.want)
		}
	}
}

func testAddKeyUnknown(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Known"))
	k := newKey("", "orphan", base())
	for _, h := range []string{"Unknown", "Known2", "Known ", ""} {
		k.Handle = h
		if err := s.Keys.AddKey(ctx, k); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AddKey(%q, %q) = %v; want ErrNotFound", h, k.Fingerprint, err)
		}
	}
	// Nothing was registered: the fingerprint is free.
	k.Handle = "Known"
	addKey(t, s, k)
	if got, want := keys(t, s, "Known"), owned("Known", k); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Known") = %+v; want %+v`, got, want)
	}
}

// testKeyTaken checks that a user holds a fingerprint once, while other
// users may register the same key: public keys are public, so one user's
// registration must not lock the key's owner out.
func testKeyTaken(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	create(t, s, newUser("Bob"))
	a := addKey(t, s, newKey("Alice", "shared", base()))

	// The same fingerprint again for Alice, whatever the key text,
	// comment or case of her handle, is refused and changes nothing.
	again := newKey("ALICE", "shared", base().Add(time.Hour))
	again.Comment = "again"
	otherText := newKey("alice", "shared", base().Add(time.Hour))
	otherText.Key = "ssh-ed25519 AAAAother"
	for _, k := range []*store.PublicKey{again, otherText} {
		if err := s.Keys.AddKey(ctx, k); !errors.Is(err, store.ErrExists) {
			t.Errorf("AddKey(%q, %q) of the user's own key = %v; want ErrExists", k.Handle, k.Fingerprint, err)
		}
	}
	if got, want := keys(t, s, "Alice"), owned("Alice", a); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Alice") after ErrExists = %+v; want %+v`, got, want)
	}

	// Bob may register the same key: it is his as well, with its own ID.
	b := newKey("BOB", "shared", base().Add(time.Minute))
	b.Comment = "bob@example.org"
	addKey(t, s, b)
	if b.ID == 0 || b.ID == a.ID {
		t.Errorf("AddKey(%q, %q) of Alice's key: ID = %d; want non-zero and not %d", b.Handle, b.Fingerprint, b.ID, a.ID)
	}
	tests := []struct {
		handle string
		want   []store.PublicKey
	}{
		{"Alice", owned("Alice", a)},
		{"Bob", owned("Bob", b)},
	}
	for _, tt := range tests {
		if got := keys(t, s, tt.handle); !slices.EqualFunc(got, tt.want, sameKey) {
			t.Errorf("Keys(%q) after both registered one key = %+v; want %+v", tt.handle, got, tt.want)
		}
	}
	// Each of them still holds it once.
	for _, h := range []string{"Alice", "Bob"} {
		k := newKey(h, "shared", base().Add(2*time.Hour))
		if err := s.Keys.AddKey(ctx, k); !errors.Is(err, store.ErrExists) {
			t.Errorf("AddKey(%q, %q) a second time = %v; want ErrExists", h, k.Fingerprint, err)
		}
	}

	// Fingerprints are compared byte by byte: base64 is case-sensitive.
	lower := newKey("Alice", "shared", base().Add(3*time.Hour))
	lower.Fingerprint = strings.ToLower(a.Fingerprint)
	addKey(t, s, lower)
	if got, want := keys(t, s, "Alice"), owned("Alice", a, lower); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Alice") = %+v; want %+v`, got, want)
	}
}

func testDeleteKey(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Alice"))
	create(t, s, newUser("Bob"))
	a1 := addKey(t, s, newKey("Alice", "a1", base()))
	a2 := addKey(t, s, newKey("Alice", "a2", base().Add(time.Minute)))
	b1 := addKey(t, s, newKey("Bob", "b1", base()))

	tests := []struct {
		handle, fingerprint string
		want                error
	}{
		{"Bob", a1.Fingerprint, store.ErrNotFound}, // another user's key
		{"nobody", a1.Fingerprint, store.ErrNotFound},
		{"", a1.Fingerprint, store.ErrNotFound},
		{"Alice", newKey("Alice", "never added", base()).Fingerprint, store.ErrNotFound},
		{"Alice", "", store.ErrNotFound},
		{"Alice", strings.ToLower(a1.Fingerprint), store.ErrNotFound},
		{"ALICE", a1.Fingerprint, nil},
		{"alice", a1.Fingerprint, store.ErrNotFound}, // gone already
	}
	for _, tt := range tests {
		if err := s.Keys.DeleteKey(ctx, tt.handle, tt.fingerprint); !errors.Is(err, tt.want) {
			t.Errorf("DeleteKey(%q, %q) = %v; want %v", tt.handle, tt.fingerprint, err, tt.want)
		}
	}
	if got, want := keys(t, s, "Alice"), owned("Alice", a2); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Alice") after DeleteKey = %+v; want %+v`, got, want)
	}
	if got, want := keys(t, s, "Bob"), owned("Bob", b1); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Bob") after DeleteKey = %+v; want %+v`, got, want)
	}

	// The deleted key may be registered again.
	again := addKey(t, s, newKey("Alice", "a1", base().Add(time.Hour)))
	if got, want := keys(t, s, "Alice"), owned("Alice", a2, again); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Alice") after re-adding a deleted key = %+v; want %+v`, got, want)
	}

	// Deleting a key several users registered deletes one user's only.
	shared := addKey(t, s, newKey("Bob", "a2", base().Add(2*time.Hour)))
	if err := s.Keys.DeleteKey(ctx, "Bob", shared.Fingerprint); err != nil {
		t.Errorf("DeleteKey(%q, %q) of a shared key = %v; want nil", "Bob", shared.Fingerprint, err)
	}
	if got, want := keys(t, s, "Alice"), owned("Alice", a2, again); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Alice") after Bob deleted the key they share = %+v; want %+v`, got, want)
	}
	if got, want := keys(t, s, "Bob"), owned("Bob", b1); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Bob") after deleting the shared key = %+v; want %+v`, got, want)
	}
}

// testKeysDeleteUser checks that DeleteUser removes the user's keys: a
// new account with the same handle has none and may register them again,
// and other users' registrations of the same keys stay.
func testKeysDeleteUser(t *testing.T, s *store.Store) {
	ctx := t.Context()
	create(t, s, newUser("Doomed"))
	create(t, s, newUser("Survivor"))
	d1 := addKey(t, s, newKey("Doomed", "d1", base()))
	d2 := addKey(t, s, newKey("Doomed", "d2", base().Add(time.Minute)))
	sv := addKey(t, s, newKey("Survivor", "s", base()))
	shared := addKey(t, s, newKey("Survivor", "d1", base().Add(time.Minute)))

	if err := s.Users.DeleteUser(ctx, "dOOMED"); err != nil {
		t.Fatalf(`DeleteUser("dOOMED") = %v; want nil`, err)
	}
	if got := keys(t, s, "Doomed"); len(got) != 0 {
		t.Errorf(`Keys("Doomed") after DeleteUser = %+v; want none`, got)
	}
	if err := s.Keys.DeleteKey(ctx, "Doomed", d1.Fingerprint); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`DeleteKey("Doomed", %q) after DeleteUser = %v; want ErrNotFound`, d1.Fingerprint, err)
	}
	create(t, s, newUser("doomed"))
	if got := keys(t, s, "doomed"); len(got) != 0 {
		t.Errorf(`Keys("doomed") recreated = %+v; want none`, got)
	}
	if got, want := keys(t, s, "Survivor"), owned("Survivor", sv, shared); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Survivor") after DeleteUser("Doomed") = %+v; want %+v`, got, want)
	}
	// The new account may register d1 and d2.
	f1 := addKey(t, s, newKey("doomed", "d1", base().Add(time.Hour)))
	f2 := addKey(t, s, newKey("doomed", "d2", base().Add(2*time.Hour)))
	if f1.Fingerprint != d1.Fingerprint || f2.Fingerprint != d2.Fingerprint {
		t.Fatalf("newKey made fingerprints %q, %q; want %q, %q", f1.Fingerprint, f2.Fingerprint, d1.Fingerprint, d2.Fingerprint)
	}
	if got, want := keys(t, s, "Doomed"), owned("doomed", f1, f2); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("Doomed") = %+v; want %+v`, got, want)
	}
}

// testKeysRename checks that keys belong to the account, not to the
// handle: they follow a rename.
func testKeysRename(t *testing.T, s *store.Store) {
	ctx := t.Context()
	u := create(t, s, newUser("Alice"))
	k := addKey(t, s, newKey("Alice", "laptop", base()))
	u.Handle = "Alicia"
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		t.Fatalf("UpdateUser(%q) = %v; want nil", u.Handle, err)
	}
	if got, want := keys(t, s, "alicia"), owned("Alicia", k); !slices.EqualFunc(got, want, sameKey) {
		t.Errorf(`Keys("alicia") after rename = %+v; want %+v`, got, want)
	}
	if got := keys(t, s, "Alice"); len(got) != 0 {
		t.Errorf(`Keys("Alice") after rename = %+v; want none`, got)
	}
	if err := s.Keys.DeleteKey(ctx, "Alice", k.Fingerprint); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`DeleteKey("Alice", %q) after rename = %v; want ErrNotFound`, k.Fingerprint, err)
	}
	if err := s.Keys.DeleteKey(ctx, "Alicia", k.Fingerprint); err != nil {
		t.Errorf(`DeleteKey("Alicia", %q) after rename = %v; want nil`, k.Fingerprint, err)
	}
}
