package xfer

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// peer starts an lrzsz program in dir with its stdin and stdout on a
// Conn of ours (zpeer), and returns the Conn and what ends the program's
// input and waits for it.
func peer(t *testing.T, dir string, args ...string) (Conn, func() error) {
	t.Helper()
	p := zpeer(t, dir, args...)
	return p.zconn, p.wait
}

// testData is every byte value (0xFF, CAN, XON/XOFF, CR NUL …) and
// random bytes, n long, not ending in SUB (XMODEM cannot keep those).
func testData(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	for i := range min(n, 256) {
		b[i] = byte(i)
	}
	if n > 0 && b[n-1] == sub {
		b[n-1] = 'x'
	}
	return b
}

var sizes = []int{1, 127, 128, 129, 1000, 1024, 1025, 5000, 1 << 20}

func TestReceiveXFromSX(t *testing.T) {
	for _, oneK := range []bool{false, true} {
		for _, n := range sizes {
			dir := t.TempDir()
			data := testData(n)
			os.WriteFile(filepath.Join(dir, "f.bin"), data, 0o600)
			args := []string{"sx", "-q", "f.bin"}
			if oneK {
				args = []string{"sx", "-q", "-k", "f.bin"}
			}
			c, wait := peer(t, dir, args...)
			var got bytes.Buffer
			m, err := ReceiveX(t.Context(), c, &got, Options{})
			if werr := wait(); err != nil || werr != nil {
				t.Fatalf("1K %v, %d bytes: ReceiveX = %d, %v; sx: %v", oneK, n, m, err, werr)
			}
			if !bytes.Equal(got.Bytes(), data) || m != int64(n) {
				t.Errorf("1K %v: received %d bytes (%d counted), want %d, equal %v", oneK, got.Len(), m, n, bytes.Equal(got.Bytes(), data))
			}
		}
	}
}

func TestSendXToRX(t *testing.T) {
	// rx takes a second to start: the cases run side by side.
	for _, tc := range []struct {
		crc, oneK bool
	}{{false, false}, {true, false}, {true, true}} {
		for _, n := range []int{1, 128, 1025, 1 << 20} {
			t.Run(fmt.Sprintf("crc=%v,1k=%v,%d", tc.crc, tc.oneK, n), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				data := testData(n)
				args := []string{"rx", "-q", "out.bin"}
				if tc.crc {
					args = []string{"rx", "-q", "-c", "out.bin"}
				}
				c, wait := peer(t, dir, args...)
				m, err := SendX(t.Context(), c, bytes.NewReader(data), Options{OneK: tc.oneK})
				if werr := wait(); err != nil || werr != nil {
					t.Fatalf("SendX = %d, %v; rx: %v", m, err, werr)
				}
				got, _ := os.ReadFile(filepath.Join(dir, "out.bin"))
				// XMODEM pads the last block; rx keeps the padding.
				if !bytes.HasPrefix(got, data) || len(bytes.TrimRight(got[len(data):], "\x1a")) != 0 || m != int64(n) {
					t.Errorf("rx wrote %d bytes for %d sent (%d counted)", len(got), n, m)
				}
			})
		}
	}
}

func TestReceiveYFromSB(t *testing.T) {
	dir := t.TempDir()
	names := []string{"empty.bin", "one.bin", "block.bin", "big.bin", "sub.bin"}
	datas := [][]byte{{}, testData(1), testData(1024), testData(3<<20 + 17), append(testData(300), sub, sub)}
	for i, name := range names {
		os.WriteFile(filepath.Join(dir, name), datas[i], 0o600)
	}
	c, wait := peer(t, dir, append([]string{"sb", "-q"}, names...)...)
	got := map[string]*bytes.Buffer{}
	files, err := ReceiveY(t.Context(), c, func(f File) (io.WriteCloser, error) {
		b := &bytes.Buffer{}
		got[f.Name] = b
		return nopCloser{b}, nil
	}, Options{})
	if werr := wait(); err != nil || werr != nil {
		t.Fatalf("ReceiveY = %v, %v; sb: %v", files, err, werr)
	}
	if len(files) != len(names) {
		t.Fatalf("received %d files, want %d: %+v", len(files), len(names), files)
	}
	for i, name := range names {
		if b := got[name]; b == nil || !bytes.Equal(b.Bytes(), datas[i]) || files[i].Size != int64(len(datas[i])) {
			t.Errorf("%s: received %v (size %d), want %d bytes", name, b != nil, files[i].Size, len(datas[i]))
		}
	}
}

// TestReceiveYSkip: a file create declines is received and dropped;
// the rest of the batch arrives.
func TestReceiveYSkip(t *testing.T) {
	dir := t.TempDir()
	a, b := testData(5000), testData(3000)
	os.WriteFile(filepath.Join(dir, "skip.bin"), a, 0o600)
	os.WriteFile(filepath.Join(dir, "keep.bin"), b, 0o600)
	c, wait := peer(t, dir, "sb", "-q", "skip.bin", "keep.bin")
	var kept bytes.Buffer
	files, err := ReceiveY(t.Context(), c, func(f File) (io.WriteCloser, error) {
		if f.Name == "skip.bin" {
			return nil, ErrSkip
		}
		return nopCloser{&kept}, nil
	}, Options{})
	if werr := wait(); err != nil || werr != nil {
		t.Fatalf("ReceiveY = %v, %v; sb: %v", files, err, werr)
	}
	if len(files) != 1 || files[0].Name != "keep.bin" || !bytes.Equal(kept.Bytes(), b) {
		t.Errorf("received %+v (%d bytes kept); want keep.bin alone, whole", files, kept.Len())
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

func TestSendYToRB(t *testing.T) {
	dir := t.TempDir()
	names := []string{"empty.bin", "block.bin", "big.bin"}
	datas := [][]byte{{}, testData(1024), testData(2<<20 + 5)}
	var out []Outgoing
	for i, name := range names {
		d := datas[i]
		out = append(out, Outgoing{File: File{Name: name, Size: int64(len(d)), ModTime: time.Unix(1700000000, 0)},
			Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(d)), nil }})
	}
	c, wait := peer(t, dir, "rb", "-q")
	n, err := SendY(t.Context(), c, out, Options{})
	if werr := wait(); err != nil || werr != nil {
		t.Fatalf("SendY = %d, %v; rb: %v", n, err, werr)
	}
	for i, name := range names {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, datas[i]) {
			t.Errorf("%s: rb wrote %d bytes, %v; want %d", name, len(got), err, len(datas[i]))
		}
	}
}

// scripted is a peer that sends a fixed stream, then nothing.
type scripted struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (s *scripted) Read(p []byte) (int, error) {
	if s.in.Len() == 0 {
		return 0, os.ErrDeadlineExceeded
	}
	return s.in.Read(p)
}
func (s *scripted) Write(p []byte) (int, error)     { return s.out.Write(p) }
func (s *scripted) SetReadDeadline(time.Time) error { return nil }

func TestCancelledByPeer(t *testing.T) {
	good := append([]byte{soh, 1, 0xfe}, bytes.Repeat([]byte{'a'}, 128)...)
	c := crc16(good[3:])
	good = append(good, byte(c>>8), byte(c))
	s := &scripted{in: bytes.NewReader(append(good, can, can))}
	var got bytes.Buffer
	if _, err := ReceiveX(context.Background(), s, &got, Options{}); !errors.Is(err, ErrCancelled) {
		t.Errorf("ReceiveX after CAN CAN = %v; want ErrCancelled", err)
	}
	s = &scripted{in: bytes.NewReader([]byte{crc, can, can})}
	if _, err := SendX(context.Background(), s, bytes.NewReader([]byte("hello")), Options{}); !errors.Is(err, ErrCancelled) {
		t.Errorf("SendX after CAN CAN = %v; want ErrCancelled", err)
	}
}

func TestMaxSize(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "big.bin"), testData(10000), 0o600)
	c, wait := peer(t, dir, "sx", "-q", "-k", "big.bin")
	_, err := ReceiveX(t.Context(), c, io.Discard, Options{MaxSize: 4096})
	wait()
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReceiveX of 10000 bytes with MaxSize 4096 = %v; want ErrTooLarge", err)
	}
}

// FuzzReceive: whatever the peer sends, the receivers end with an error
// or a file, never a panic, and hold at most one block.
func FuzzReceive(f *testing.F) {
	defer func(a, b time.Duration) { startWait, blockWait = a, b }(startWait, blockWait)
	startWait, blockWait = time.Millisecond, time.Millisecond
	good := append([]byte{soh, 1, 0xfe}, bytes.Repeat([]byte{'a'}, 128)...)
	c := crc16(good[3:])
	f.Add(append(append(good, byte(c>>8), byte(c)), eot))
	f.Add([]byte{stx, 0, 0xff})
	f.Add([]byte{can, can})
	f.Add(append([]byte{soh, 0, 0xff}, []byte("name\x00123 777\x00")...))
	f.Fuzz(func(t *testing.T, in []byte) {
		ReceiveX(context.Background(), &scripted{in: bytes.NewReader(in)}, io.Discard, Options{MaxSize: 1 << 20})
		ReceiveY(context.Background(), &scripted{in: bytes.NewReader(in)}, func(File) (io.WriteCloser, error) {
			return nopCloser{io.Discard}, nil
		}, Options{MaxSize: 1 << 20})
	})
}
