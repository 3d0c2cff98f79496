package sshd

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/internal/filearea"
	"github.com/x84bbs/x84/store"
)

// vaultNeeds50 is the board's say over the file area in this test: the
// vault folder needs level 50, and unvalidated accounts upload nothing.
type vaultNeeds50 struct{}

func (vaultNeeds50) Sees(u filearea.User, rel string) bool {
	return (rel != "vault" && path.Dir(rel) != "vault") || access.Need{Level: 50}.Allows(u.Account)
}

func (vaultNeeds50) MayUpload(u filearea.User) error { return access.CheckValidated(u.Account) }

// TestSFTPAccount: an sftp session carries the account as it stands
// when the transfer starts, so the file area's hook applies its level
// and validation: a level the sysop gives shows from the next session.
func TestSFTPAccount(t *testing.T) {
	var dir string
	f := newFixture(t, func(f *fixture, c *Config) {
		dir = filepath.Join(t.TempDir(), "files")
		area, err := filearea.Open(filearea.Config{Dir: dir, Uploads: f.store.Uploads})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { area.Close() })
		area.SetAccessHook(vaultNeeds50{})
		c.Files = area
	})
	if err := os.MkdirAll(filepath.Join(dir, "vault"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vault", "gold.txt"), []byte("gold"), 0o644); err != nil {
		t.Fatal(err)
	}
	setAlice := func(level int, groups ...string) {
		u, err := f.store.Users.User(t.Context(), "alice")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Users.ModifyUser(t.Context(), u.ID, func(u *store.User) error {
			u.Level, u.Groups = level, groups
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	session := func() *sftp.Client {
		c, err := f.dial(t, "alice", ssh.Password("right-password"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		cl, err := sftp.NewClient(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cl.Close() })
		return cl
	}
	lists := func(cl *sftp.Client) []string {
		ents, err := cl.ReadDir("/")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names
	}
	upload := func(cl *sftp.Client, name string) error {
		w, err := cl.Create("/uploads/" + name)
		if err != nil {
			return err
		}
		return w.Close()
	}

	setAlice(10, store.GroupUnvalidated)
	cl := session()
	if got := lists(cl); slices.Contains(got, "vault") {
		t.Errorf("at level 10 the root lists %v; want no vault", got)
	}
	if _, err := cl.Stat("/vault/gold.txt"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stat /vault/gold.txt at level 10: %v; want no such file", err)
	}
	if err := upload(cl, "early.txt"); !errors.Is(err, os.ErrPermission) {
		t.Errorf("an unvalidated account's upload: %v; want permission denied", err)
	}

	setAlice(50)
	cl = session()
	if got := lists(cl); !slices.Contains(got, "vault") {
		t.Errorf("at level 50 the root lists %v; want the vault", got)
	}
	if err := upload(cl, "later.txt"); err != nil {
		t.Errorf("a validated account's upload: %v", err)
	}
}
