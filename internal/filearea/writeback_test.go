package filearea

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteBehind: an upload asks for write-back every writeBehindChunk
// bytes, and a large upload arrives intact.
func TestWriteBehind(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "wb")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := &upload{f: f}
	u.size.Store(writeBehindChunk - 1)
	u.writeBehind()
	if got := u.written.Load(); got != 0 {
		t.Errorf("write-back started at %d bytes, short of a chunk", got)
	}
	u.size.Store(writeBehindChunk + 5)
	u.writeBehind()
	if got := u.written.Load(); got != writeBehindChunk+5 {
		t.Errorf("written = %d; want %d", got, writeBehindChunk+5)
	}

	e := newEnv(t, Config{})
	c := e.connect(t, alice)
	data := make([]byte, 2*writeBehindChunk+12345)
	rand.Read(data)
	if err := c.put("/uploads/big.bin", data); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(e.dir, "uploads", "big.bin"))
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("uploaded file: %d bytes, %v; want the %d sent", len(got), err, len(data))
	}
}
