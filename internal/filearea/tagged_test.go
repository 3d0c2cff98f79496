package filearea

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pkg/sftp"
	"github.com/x84bbs/x84/store"
)

// TestTaggedFolder: @tagged lists a user's tagged files that exist and
// that the user may see, serves them, and refuses every change.
func TestTaggedFolder(t *testing.T) {
	tags := map[int64][]string{
		alice.ID: {"pub/readme.txt", "gone.txt", "uploads/bobs.bin", "pub/sub", "pub/dup/readme.txt", "../outside/secret.txt"},
	}
	e := newEnv(t, Config{Tagged: func(_ context.Context, id int64) ([]string, error) { return tags[id], nil }})
	mustWrite(t, filepath.Join(e.dir, "uploads", "bobs.bin"), "bob's")
	e.up.PutUpload(context.Background(), store.Upload{Path: "uploads/bobs.bin", OwnerID: bob.ID, Owner: "bob", Size: 5})
	mustWrite(t, filepath.Join(e.dir, "pub", "dup", "readme.txt"), "another readme")
	os.Mkdir(filepath.Join(e.dir, TaggedDir), 0o755) // a real folder of that name is hidden

	c := e.connect(t, alice)
	root, err := c.ReadDir("/")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, fi := range root {
		names = append(names, fi.Name())
	}
	if want := []string{TaggedDir, "pub", "uploads"}; !slices.Equal(names, want) {
		t.Errorf("root lists %v; want %v", names, want)
	}
	ents, err := c.ReadDir("/" + TaggedDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != "readme.txt" || ents[0].Size() != 14 {
		t.Fatalf("@tagged lists %v; want readme.txt alone (the first of its name, no one else's upload, nothing gone)", ents)
	}
	if got, err := c.get("/" + TaggedDir + "/readme.txt"); err != nil || got != "hello, caller\n" {
		t.Errorf("get @tagged/readme.txt = %q, %v", got, err)
	}
	if fi, err := c.Stat("/" + TaggedDir); err != nil || !fi.IsDir() {
		t.Errorf("Stat(@tagged) = %v, %v; want a folder", fi, err)
	}
	if _, err := c.get("/" + TaggedDir + "/bobs.bin"); code(err) != sftp.ErrSSHFxNoSuchFile {
		t.Errorf("get someone else's upload through @tagged: %v; want no such file", err)
	}
	for name, op := range map[string]func() error{
		"put":    func() error { return c.put("/"+TaggedDir+"/new.txt", []byte("x")) },
		"remove": func() error { return c.Remove("/" + TaggedDir + "/readme.txt") },
		"rename": func() error { return c.Rename("/pub/readme.txt", "/"+TaggedDir+"/r.txt") },
		"rmdir":  func() error { return c.RemoveDirectory("/" + TaggedDir) },
		"posix-rename": func() error {
			return e.connect(t, sysop).PosixRename("/pub/sub", "/"+TaggedDir)
		},
	} {
		if err := op(); code(err) != sftp.ErrSSHFxPermissionDenied {
			t.Errorf("%s in @tagged: %v; want permission denied", name, err)
		}
	}
	// Nothing tagged: an empty folder. A guest has none.
	if ents, err := e.connect(t, bob).ReadDir("/" + TaggedDir); err != nil || len(ents) != 0 {
		t.Errorf("bob's @tagged: %v, %v; want empty", ents, err)
	}
	if ents, err := e.connect(t, User{}).ReadDir("/" + TaggedDir); err != nil || len(ents) != 0 {
		t.Errorf("a guest's @tagged: %v, %v; want empty, never the real folder", ents, err)
	}
}
