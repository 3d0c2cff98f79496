package xfer

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/x84bbs/x84/internal/e2e"
)

// BenchmarkZmodem compares, over os.Pipe with a 16 MiB file read from
// and written to disk: our SendZ to lrzsz's rz, lrzsz's sz to our
// ReceiveZ, and lrzsz against itself (sz to rz), so that one run gives
// the ratios. Allocations are ours (none for sz to rz).
func BenchmarkZmodem(b *testing.B) {
	e2e.LookPath(b, "sz", "rz")
	const size = 16 << 20
	src := b.TempDir()
	path := filepath.Join(src, "f.bin")
	if err := os.WriteFile(path, testData(size), 0o600); err != nil {
		b.Fatal(err)
	}
	file := Outgoing{File: File{Name: "f.bin", Size: size},
		Open: func() (io.ReadCloser, error) { return os.Open(path) }}

	b.Run("SendZ-rz", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			dst := b.TempDir()
			p := zpeer(b, dst, "rz", "-q")
			if _, err := SendZ(b.Context(), p, []Outgoing{file}, Options{}); err != nil {
				b.Fatal(err)
			}
			if err := p.wait(); err != nil {
				b.Fatal(err)
			}
			if fi, err := os.Stat(filepath.Join(dst, "f.bin")); err != nil || fi.Size() != size {
				b.Fatalf("rz wrote %v, %v", fi, err)
			}
			os.Remove(filepath.Join(dst, "f.bin"))
		}
	})
	b.Run("sz-ReceiveZ", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			dst := b.TempDir()
			p := zpeer(b, src, "sz", "-q", "f.bin")
			files, err := ReceiveZ(b.Context(), p, func(f File) (io.WriteCloser, error) {
				return os.Create(filepath.Join(dst, filepath.Base(f.Name)))
			}, Options{})
			if err != nil || len(files) != 1 || files[0].Size != size {
				b.Fatal(files, err)
			}
			if err := p.wait(); err != nil {
				b.Fatal(err)
			}
			os.Remove(filepath.Join(dst, "f.bin"))
		}
	})
	b.Run("sz-rz", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			dst := b.TempDir()
			if err := lrzszPair(src, dst); err != nil {
				b.Fatal(err)
			}
			if fi, err := os.Stat(filepath.Join(dst, "f.bin")); err != nil || fi.Size() != size {
				b.Fatalf("rz wrote %v, %v", fi, err)
			}
			os.Remove(filepath.Join(dst, "f.bin"))
		}
	})
}

// lrzszPair runs sz in src sending f.bin to rz in dst, connected by two
// pipes.
func lrzszPair(src, dst string) error {
	toRZ, fromSZ, err := os.Pipe()
	if err != nil {
		return err
	}
	toSZ, fromRZ, err := os.Pipe()
	if err != nil {
		return err
	}
	sz := exec.Command("sz", "-q", "f.bin")
	sz.Dir, sz.Stdin, sz.Stdout = src, toSZ, fromSZ
	rz := exec.Command("rz", "-q")
	rz.Dir, rz.Stdin, rz.Stdout = dst, toRZ, fromRZ
	err = sz.Start()
	if err == nil {
		if err = rz.Start(); err != nil {
			sz.Process.Kill()
			sz.Wait()
		}
	}
	for _, f := range []*os.File{toRZ, fromSZ, toSZ, fromRZ} {
		f.Close()
	}
	if err != nil {
		return err
	}
	serr, rerr := sz.Wait(), rz.Wait()
	if serr != nil {
		return serr
	}
	return rerr
}
