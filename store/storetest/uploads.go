package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// tib is a tebibyte: uploads as large as this must be counted.
const tib = int64(1) << 40

// putUpload stores u or ends the test.
func putUpload(t *testing.T, s *store.Store, u store.Upload) store.Upload {
	t.Helper()
	if err := s.Uploads.PutUpload(t.Context(), u); err != nil {
		t.Fatalf("PutUpload(%q) = %v; want nil", u.Path, err)
	}
	return u
}

// upload returns the record for path or ends the test.
func upload(t *testing.T, s *store.Store, path string) store.Upload {
	t.Helper()
	u, err := s.Uploads.Upload(t.Context(), path)
	if err != nil {
		t.Fatalf("Upload(%q) = %v; want nil", path, err)
	}
	return u
}

// usage returns what the account uses or ends the test.
func usage(t *testing.T, s *store.Store, owner int64) store.UploadUsage {
	t.Helper()
	n, err := s.Uploads.UploadUsage(t.Context(), owner)
	if err != nil {
		t.Fatalf("UploadUsage(%d) = %v; want nil", owner, err)
	}
	return n
}

func testUploads(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice, emile, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Émile")), create(t, s, newUser("bob"))
	if got, err := s.Uploads.Upload(ctx, "uploads/demo.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`Upload("uploads/demo.zip") on empty store = %+v, %v; want ErrNotFound`, got, err)
	}
	demo := putUpload(t, s, store.Upload{Path: "uploads/demo.zip", OwnerID: alice.ID, Owner: "Alice", Size: 1234, Uploaded: base()})
	art := putUpload(t, s, store.Upload{Path: "uploads/art/ACiD-9603.zip", OwnerID: emile.ID, Owner: "Émile", Size: 99, Uploaded: base().Add(time.Minute)})
	// A zero Uploaded is kept as the zero time.
	undated := putUpload(t, s, store.Upload{Path: "uploads/undated.txt", OwnerID: bob.ID, Owner: "bob", Size: 0})
	// A file no account owns.
	orphan := putUpload(t, s, store.Upload{Path: "uploads/orphan.txt", Owner: "gone", Size: 3, Uploaded: base()})

	tests := []struct {
		path string
		want *store.Upload // nil: ErrNotFound
	}{
		{demo.Path, &demo},
		{art.Path, &art},
		{undated.Path, &undated},
		{orphan.Path, &orphan},
		// Paths are compared byte by byte.
		{"uploads/DEMO.zip", nil},
		{"Uploads/demo.zip", nil},
		{"uploads/demo.zip ", nil},
		{"/uploads/demo.zip", nil},
		{"uploads", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := s.Uploads.Upload(ctx, tt.path)
		if tt.want == nil {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Upload(%q) = %+v, %v; want ErrNotFound", tt.path, got, err)
			}
			continue
		}
		if err != nil || !sameUpload(got, *tt.want) {
			t.Errorf("Upload(%q) = %+v, %v; want %+v, nil", tt.path, got, err, *tt.want)
		}
	}

	// PutUpload on a recorded path replaces the record, owner included.
	carol := create(t, s, newUser("Carol"))
	replaced := store.Upload{Path: demo.Path, OwnerID: carol.ID, Owner: "Carol", Size: 4321, Uploaded: base().Add(time.Hour)}
	putUpload(t, s, replaced)
	if got := upload(t, s, demo.Path); !sameUpload(got, replaced) {
		t.Errorf("Upload(%q) after PutUpload = %+v; want %+v", demo.Path, got, replaced)
	}
	if got := usage(t, s, alice.ID); got != (store.UploadUsage{}) {
		t.Errorf(`UploadUsage(Alice) after her file changed owner = %+v; want none`, got)
	}
	if got, want := usage(t, s, carol.ID), (store.UploadUsage{Bytes: replaced.Size, Files: 1}); got != want {
		t.Errorf(`UploadUsage(Carol) = %+v; want %+v`, got, want)
	}

	// An owner must be an account.
	if err := s.Uploads.PutUpload(ctx, store.Upload{Path: "uploads/x", OwnerID: carol.ID + 1000, Owner: "nobody"}); err == nil {
		t.Errorf("PutUpload with an OwnerID of no account = nil; want an error")
	}
}

func testDeleteUpload(t *testing.T, s *store.Store) {
	ctx := t.Context()
	alice := create(t, s, newUser("Alice"))
	a := putUpload(t, s, store.Upload{Path: "uploads/a.zip", OwnerID: alice.ID, Owner: "Alice", Size: 10, Uploaded: base()})
	b := putUpload(t, s, store.Upload{Path: "uploads/b.zip", OwnerID: alice.ID, Owner: "Alice", Size: 20, Uploaded: base()})
	tests := []struct {
		path string
		want error
	}{
		{"uploads/A.ZIP", store.ErrNotFound}, // paths are compared as given
		{"uploads/missing.zip", store.ErrNotFound},
		{"", store.ErrNotFound},
		{a.Path, nil},
		{a.Path, store.ErrNotFound},
	}
	for _, tt := range tests {
		if err := s.Uploads.DeleteUpload(ctx, tt.path); !errors.Is(err, tt.want) {
			t.Errorf("DeleteUpload(%q) = %v; want %v", tt.path, err, tt.want)
		}
	}
	if got, err := s.Uploads.Upload(ctx, a.Path); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Upload(%q) after DeleteUpload = %+v, %v; want ErrNotFound", a.Path, got, err)
	}
	if got := upload(t, s, b.Path); !sameUpload(got, b) {
		t.Errorf("Upload(%q) after deleting another = %+v; want %+v", b.Path, got, b)
	}
	if got, want := usage(t, s, alice.ID), (store.UploadUsage{Bytes: b.Size, Files: 1}); got != want {
		t.Errorf(`UploadUsage(alice) after DeleteUpload = %+v; want %+v`, got, want)
	}
}

func testUploadUsage(t *testing.T, s *store.Store) {
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	if got := usage(t, s, alice.ID); got != (store.UploadUsage{}) {
		t.Errorf(`UploadUsage(Alice) on empty store = %+v; want none`, got)
	}
	files := []struct {
		owner int64
		size  int64
	}{
		{alice.ID, 100},
		{alice.ID, 200},
		{alice.ID, tib},
		{bob.ID, 7},
		{0, 5}, // nobody's
		{0, 6},
	}
	for i, f := range files {
		putUpload(t, s, store.Upload{
			Path:     fmt.Sprintf("uploads/%d.bin", i),
			OwnerID:  f.owner,
			Owner:    "someone",
			Size:     f.size,
			Uploaded: base().Add(time.Duration(i) * time.Minute),
		})
	}
	tests := []struct {
		owner int64
		want  store.UploadUsage
	}{
		{alice.ID, store.UploadUsage{Bytes: 300 + tib, Files: 3}},
		{bob.ID, store.UploadUsage{Bytes: 7, Files: 1}},
		{0, store.UploadUsage{}}, // the files nobody owns count for nobody
		{bob.ID + 1000, store.UploadUsage{}},
	}
	for _, tt := range tests {
		if got := usage(t, s, tt.owner); got != tt.want {
			t.Errorf("UploadUsage(%d) = %+v; want %+v", tt.owner, got, tt.want)
		}
	}
}

// testUploadSizes checks that sizes of int64 beyond 32 bits, up to a
// tebibyte, come back whole, alone and summed.
func testUploadSizes(t *testing.T, s *store.Store) {
	hoarder := create(t, s, newUser("Hoarder"))
	sizes := []int64{0, 1, 1<<31 - 1, 1 << 31, 1<<32 + 1, 700 << 30, tib - 1, tib}
	var total int64
	for i, size := range sizes {
		owner := create(t, s, newUser(fmt.Sprintf("owner%d", i)))
		u := putUpload(t, s, store.Upload{Path: fmt.Sprintf("uploads/big%d.iso", i), OwnerID: owner.ID, Owner: owner.Handle, Size: size, Uploaded: base()})
		if got := upload(t, s, u.Path).Size; got != size {
			t.Errorf("Upload(%q).Size = %d; want %d", u.Path, got, size)
		}
		if got := usage(t, s, owner.ID).Bytes; got != size {
			t.Errorf("UploadUsage(%s).Bytes = %d; want %d", owner.Handle, got, size)
		}
		putUpload(t, s, store.Upload{Path: fmt.Sprintf("uploads/hoard%d.iso", i), OwnerID: hoarder.ID, Owner: "Hoarder", Size: size, Uploaded: base()})
		total += size
	}
	if got := usage(t, s, hoarder.ID); got.Bytes != total || got.Files != int64(len(sizes)) {
		t.Errorf(`UploadUsage(hoarder) = %+v; want %d bytes in %d files`, got, total, len(sizes))
	}
}

// testUploadsOutliveUser checks that deleting an account leaves the
// records of the files it sent, owned by no account, and that an account
// made later under the same handle starts with nothing.
func testUploadsOutliveUser(t *testing.T, s *store.Store) {
	leaver := create(t, s, newUser("Leaver"))
	u := putUpload(t, s, store.Upload{Path: "uploads/left.zip", OwnerID: leaver.ID, Owner: "Leaver", Size: 42, Uploaded: base()})
	if err := s.Users.DeleteUser(t.Context(), "leaver"); err != nil {
		t.Fatalf(`DeleteUser("leaver") = %v; want nil`, err)
	}
	orphan := u
	orphan.OwnerID = 0
	if got := upload(t, s, u.Path); !sameUpload(got, orphan) {
		t.Errorf("Upload(%q) after DeleteUser = %+v; want %+v", u.Path, got, orphan)
	}
	again := create(t, s, newUser("Leaver"))
	if got := usage(t, s, again.ID); got != (store.UploadUsage{}) {
		t.Errorf(`UploadUsage of a new "Leaver" = %+v; want none`, got)
	}
	if got, err := s.Uploads.UploadsOf(t.Context(), again.ID); err != nil || len(got) != 0 {
		t.Errorf(`UploadsOf(new "Leaver") = %+v, %v; want none`, got, err)
	}
}

func testUploadsOf(t *testing.T, s *store.Store) {
	alice, bob := create(t, s, newUser("Alice")), create(t, s, newUser("Bob"))
	b := putUpload(t, s, store.Upload{Path: "uploads/b", OwnerID: alice.ID, Owner: "Alice", Size: 2, Uploaded: base()})
	a := putUpload(t, s, store.Upload{Path: "uploads/a", OwnerID: alice.ID, Owner: "Alice", Size: 1, Uploaded: base()})
	putUpload(t, s, store.Upload{Path: "uploads/c", OwnerID: bob.ID, Owner: "Bob", Size: 3, Uploaded: base()})
	putUpload(t, s, store.Upload{Path: "uploads/d", Owner: "gone", Size: 4, Uploaded: base()})
	got, err := s.Uploads.UploadsOf(t.Context(), alice.ID)
	if err != nil || len(got) != 2 || !sameUpload(got[0], a) || !sameUpload(got[1], b) {
		t.Errorf("UploadsOf(Alice) = %+v, %v; want %+v and %+v, in that order", got, err, a, b)
	}
	if got, err := s.Uploads.UploadsOf(t.Context(), 0); err != nil || len(got) != 0 {
		t.Errorf("UploadsOf(0) = %+v, %v; want none", got, err)
	}
}
