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

// usage returns the bytes the owner uses or ends the test.
func usage(t *testing.T, s *store.Store, owner string) int64 {
	t.Helper()
	n, err := s.Uploads.UploadUsage(t.Context(), owner)
	if err != nil {
		t.Fatalf("UploadUsage(%q) = %v; want nil", owner, err)
	}
	return n
}

func testUploads(t *testing.T, s *store.Store) {
	ctx := t.Context()
	if got, err := s.Uploads.Upload(ctx, "uploads/demo.zip"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf(`Upload("uploads/demo.zip") on empty store = %+v, %v; want ErrNotFound`, got, err)
	}
	// Owners need no account: the file area records whoever sent the
	// file, and the record outlives accounts.
	demo := putUpload(t, s, store.Upload{Path: "uploads/demo.zip", Owner: "Alice", Size: 1234, Uploaded: base()})
	art := putUpload(t, s, store.Upload{Path: "uploads/art/ACiD-9603.zip", Owner: "Émile", Size: 99, Uploaded: base().Add(time.Minute)})
	// A zero Uploaded is kept as the zero time.
	undated := putUpload(t, s, store.Upload{Path: "uploads/undated.txt", Owner: "bob", Size: 0})

	tests := []struct {
		path string
		want *store.Upload // nil: ErrNotFound
	}{
		{demo.Path, &demo},
		{art.Path, &art},
		{undated.Path, &undated},
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
	replaced := store.Upload{Path: demo.Path, Owner: "Carol", Size: 4321, Uploaded: base().Add(time.Hour)}
	putUpload(t, s, replaced)
	if got := upload(t, s, demo.Path); !sameUpload(got, replaced) {
		t.Errorf("Upload(%q) after PutUpload = %+v; want %+v", demo.Path, got, replaced)
	}
	if got := usage(t, s, "Alice"); got != 0 {
		t.Errorf(`UploadUsage("Alice") after her file changed owner = %d; want 0`, got)
	}
	if got := usage(t, s, "Carol"); got != replaced.Size {
		t.Errorf(`UploadUsage("Carol") = %d; want %d`, got, replaced.Size)
	}
}

func testDeleteUpload(t *testing.T, s *store.Store) {
	ctx := t.Context()
	a := putUpload(t, s, store.Upload{Path: "uploads/a.zip", Owner: "Alice", Size: 10, Uploaded: base()})
	b := putUpload(t, s, store.Upload{Path: "uploads/b.zip", Owner: "Alice", Size: 20, Uploaded: base()})
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
	if got := usage(t, s, "alice"); got != b.Size {
		t.Errorf(`UploadUsage("alice") after DeleteUpload = %d; want %d`, got, b.Size)
	}
}

func testUploadUsage(t *testing.T, s *store.Store) {
	if got := usage(t, s, "Alice"); got != 0 {
		t.Errorf(`UploadUsage("Alice") on empty store = %d; want 0`, got)
	}
	// The owner is kept as given, and counted regardless of case.
	owners := []struct {
		owner string
		size  int64
	}{
		{"Alice", 100},
		{"ALICE", 200},
		{"alice", tib},
		{"Alicette", 1},
		{"Bob", 7},
		{"Émile", 5},
		{"E\u0301MILE", 6}, // decomposed É
		{"Straße", 3},
		{"STRASSE", 4},
	}
	for i, o := range owners {
		u := putUpload(t, s, store.Upload{
			Path:     fmt.Sprintf("uploads/%d.bin", i),
			Owner:    o.owner,
			Size:     o.size,
			Uploaded: base().Add(time.Duration(i) * time.Minute),
		})
		if got := upload(t, s, u.Path); got.Owner != o.owner {
			t.Errorf("Upload(%q).Owner = %q; want %q as given", u.Path, got.Owner, o.owner)
		}
	}
	tests := []struct {
		owner string
		want  int64
	}{
		{"Alice", 300 + tib},
		{"aLiCe", 300 + tib},
		{"Alicette", 1},
		{"bob", 7},
		{"émile", 11},
		{"e\u0301mile", 11},
		{"strasse", 7},
		{"Emile", 0},
		{"Alice ", 0},
		{"Carol", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := usage(t, s, tt.owner); got != tt.want {
			t.Errorf("UploadUsage(%q) = %d; want %d", tt.owner, got, tt.want)
		}
	}
}

// testUploadSizes checks that sizes of int64 beyond 32 bits, up to a
// tebibyte, come back whole, alone and summed.
func testUploadSizes(t *testing.T, s *store.Store) {
	sizes := []int64{0, 1, 1<<31 - 1, 1 << 31, 1<<32 + 1, 700 << 30, tib - 1, tib}
	var total int64
	for i, size := range sizes {
		owner := fmt.Sprintf("owner%d", i)
		u := putUpload(t, s, store.Upload{Path: fmt.Sprintf("uploads/big%d.iso", i), Owner: owner, Size: size, Uploaded: base()})
		if got := upload(t, s, u.Path).Size; got != size {
			t.Errorf("Upload(%q).Size = %d; want %d", u.Path, got, size)
		}
		if got := usage(t, s, owner); got != size {
			t.Errorf("UploadUsage(%q) = %d; want %d", owner, got, size)
		}
		putUpload(t, s, store.Upload{Path: fmt.Sprintf("uploads/hoard%d.iso", i), Owner: "Hoarder", Size: size, Uploaded: base()})
		total += size
	}
	if got := usage(t, s, "hoarder"); got != total {
		t.Errorf(`UploadUsage("hoarder") = %d; want %d`, got, total)
	}
}

// testUploadsOutliveUser checks that deleting an account leaves the
// records of the files it sent, which stay in the upload folder.
func testUploadsOutliveUser(t *testing.T, s *store.Store) {
	create(t, s, newUser("Leaver"))
	u := putUpload(t, s, store.Upload{Path: "uploads/left.zip", Owner: "Leaver", Size: 42, Uploaded: base()})
	if err := s.Users.DeleteUser(t.Context(), "leaver"); err != nil {
		t.Fatalf(`DeleteUser("leaver") = %v; want nil`, err)
	}
	if got := upload(t, s, u.Path); !sameUpload(got, u) {
		t.Errorf("Upload(%q) after DeleteUser = %+v; want %+v", u.Path, got, u)
	}
	if got := usage(t, s, "Leaver"); got != u.Size {
		t.Errorf(`UploadUsage("Leaver") after DeleteUser = %d; want %d`, got, u.Size)
	}
}
