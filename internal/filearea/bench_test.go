package filearea

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkg/sftp"
)

const benchSize = 64 << 20

// BenchmarkUpload puts a 64 MiB file into uploads/ through an in-memory
// pipe, as pkg/sftp's client does with concurrent writes.
func BenchmarkUpload(b *testing.B) {
	e := newEnv(b, Config{})
	c := e.connect(b, alice, sftp.UseConcurrentWrites(true))
	data := bytes.Repeat([]byte("0123456789abcdef"), benchSize/16)
	b.SetBytes(benchSize)
	for b.Loop() {
		if err := c.put("/uploads/bench.bin", data); err != nil {
			b.Fatal(err)
		}
	}
	if fi, err := os.Stat(filepath.Join(e.dir, "uploads", "bench.bin")); err != nil || fi.Size() != benchSize {
		b.Fatalf("bench.bin: %v, %v", fi, err)
	}
}

// BenchmarkDownload gets a 64 MiB file through an in-memory pipe, as
// pkg/sftp's client does with concurrent reads.
func BenchmarkDownload(b *testing.B) {
	e := newEnv(b, Config{})
	data := bytes.Repeat([]byte("0123456789abcdef"), benchSize/16)
	if err := os.WriteFile(filepath.Join(e.dir, "pub", "bench.bin"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	c := e.connect(b, alice)
	b.SetBytes(benchSize)
	for b.Loop() {
		f, err := c.Open("/pub/bench.bin")
		if err != nil {
			b.Fatal(err)
		}
		n, err := f.WriteTo(io.Discard)
		f.Close()
		if err != nil || n != benchSize {
			b.Fatalf("WriteTo = %d, %v", n, err)
		}
	}
}
