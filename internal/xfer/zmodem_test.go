package xfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
)

var zsizes = []int{0, 1, 1023, 1024, 1025, 100000, 3 << 20}

// zconn is our side of a pipe pair, with write deadlines as a net.Conn
// has them.
type zconn struct {
	r *os.File
	w *os.File
}

func (p zconn) Read(b []byte) (int, error)         { return p.r.Read(b) }
func (p zconn) Write(b []byte) (int, error)        { return p.w.Write(b) }
func (p zconn) SetReadDeadline(t time.Time) error  { return p.r.SetReadDeadline(t) }
func (p zconn) SetWriteDeadline(t time.Time) error { return p.w.SetWriteDeadline(t) }

// zproc is an lrzsz program with its stdin and stdout on a Conn of ours.
type zproc struct {
	zconn
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan struct{}
	err    error // the program's end, once exited is closed
}

func zpeer(t testing.TB, dir string, args ...string) *zproc {
	t.Helper()
	e2e.LookPath(t, args[0])
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &zproc{zconn: zconn{r: outR, w: inW}, exited: make(chan struct{})}
	p.cmd = exec.Command(args[0], args[1:]...)
	p.cmd.Dir = dir
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = inR, outW, &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	inR.Close()
	outW.Close()
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { inW.Close(); outR.Close(); p.cmd.Process.Kill(); <-p.exited })
	return p
}

// wait ends the session (the program's input) and waits for the program.
func (p *zproc) wait() error {
	p.w.Close()
	if !p.exitedWithin(20 * time.Second) {
		p.cmd.Process.Kill()
		<-p.exited
		return errors.New("the program did not end")
	}
	return p.result()
}

func (p *zproc) exitedWithin(d time.Duration) bool {
	select {
	case <-p.exited:
		return true
	case <-time.After(d):
		return false
	}
}

func (p *zproc) result() error {
	if p.err != nil {
		return fmt.Errorf("%v: %s", p.err, lastLines(p.stderr.String(), 6))
	}
	return nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(len(l)-n, 0):], "\n")
}

// outgoing offers data as a file; seekable makes its Open give an
// io.Seeker, as an *os.File is.
func outgoing(name string, data []byte, seekable bool) Outgoing {
	return Outgoing{File: File{Name: name, Size: int64(len(data)), ModTime: time.Unix(1700000000, 0)},
		Open: func() (io.ReadCloser, error) {
			if seekable {
				return struct {
					io.ReadSeeker
					io.Closer
				}{bytes.NewReader(data), io.NopCloser(nil)}, nil
			}
			return io.NopCloser(bytes.NewReader(data)), nil
		}}
}

// collector is a create for ReceiveZ that keeps what it gets.
type collector struct {
	mu    sync.Mutex
	files map[string]*bytes.Buffer
	skip  map[string]bool
}

func (c *collector) create(f File) (io.WriteCloser, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.skip[f.Name] {
		return nil, ErrSkip
	}
	if c.files == nil {
		c.files = map[string]*bytes.Buffer{}
	}
	b := &bytes.Buffer{}
	c.files[f.Name] = b
	return nopCloser{b}, nil
}

func TestSendZToRZ(t *testing.T) {
	// One file a transfer, every size, and rz asking for escaped control
	// characters or making CRC errors (its ZRPOS makes us go back).
	for _, args := range [][]string{{"rz"}, {"rz", "-e"}, {"rz", "--errors", "40000"}} {
		for _, n := range zsizes {
			t.Run(fmt.Sprintf("%s,%d", strings.Join(args, ""), n), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				data := testData(n)
				p := zpeer(t, dir, append(args, "-q")...)
				m, err := SendZ(t.Context(), p, []Outgoing{outgoing("f.bin", data, n%2 == 0)}, Options{})
				if werr := p.wait(); err != nil || werr != nil {
					t.Fatalf("SendZ = %d, %v; rz: %v", m, err, werr)
				}
				got, err := os.ReadFile(filepath.Join(dir, "f.bin"))
				if err != nil || !bytes.Equal(got, data) || m != int64(n) {
					t.Fatalf("rz wrote %d bytes (%v) for %d sent (%d counted), equal %v", len(got), err, n, m, bytes.Equal(got, data))
				}
				if fi, _ := os.Stat(filepath.Join(dir, "f.bin")); !fi.ModTime().Equal(time.Unix(1700000000, 0)) {
					t.Errorf("rz set the time to %v, want %v", fi.ModTime(), time.Unix(1700000000, 0))
				}
			})
		}
	}
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		var out []Outgoing
		var datas [][]byte
		var total int64
		for i, n := range zsizes {
			datas = append(datas, testData(n))
			out = append(out, outgoing(fmt.Sprintf("f%d.bin", i), datas[i], i%2 == 0))
			total += int64(n)
		}
		// A name with a directory goes as its base name.
		out[1].Name = "some/dir/f1.bin"
		var mu sync.Mutex
		whole := map[string]int{}
		progress := func(name string, done, size int64) {
			mu.Lock()
			defer mu.Unlock()
			if done == size {
				whole[name]++
			}
		}
		p := zpeer(t, dir, "rz", "-q")
		m, err := SendZ(t.Context(), p, out, Options{Progress: progress})
		if werr := p.wait(); err != nil || werr != nil {
			t.Fatalf("SendZ = %d, %v; rz: %v", m, err, werr)
		}
		if m != total {
			t.Errorf("SendZ counted %d bytes, want %d", m, total)
		}
		for i := range out {
			got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("f%d.bin", i)))
			if err != nil || !bytes.Equal(got, datas[i]) {
				t.Errorf("file %d: rz wrote %d bytes, %v; want %d", i, len(got), err, len(datas[i]))
			}
			if whole[out[i].Name] != 1 {
				t.Errorf("%s: Progress said whole %d times, want once", out[i].Name, whole[out[i].Name])
			}
		}
	})
}

func TestReceiveZFromSZ(t *testing.T) {
	// sz with its options: escaping every control character (ZSINIT),
	// CRC-16, 8 KiB subpackets, a window (ZCRCQ and ZACKs).
	for _, opt := range []string{"-q", "-e", "-o", "-8", "--start-8k", "-w16384"} {
		for _, n := range zsizes {
			t.Run(fmt.Sprintf("%s,%d", opt, n), func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				data := testData(n)
				os.WriteFile(filepath.Join(dir, "f.bin"), data, 0o600)
				os.Chtimes(filepath.Join(dir, "f.bin"), time.Unix(1700000000, 0), time.Unix(1700000000, 0))
				p := zpeer(t, dir, "sz", "-q", opt, "f.bin")
				var c collector
				files, err := ReceiveZ(t.Context(), p, c.create, Options{})
				if werr := p.wait(); err != nil || werr != nil {
					t.Fatalf("ReceiveZ = %v, %v; sz: %v", files, err, werr)
				}
				want := []File{{Name: "f.bin", Size: int64(n), ModTime: time.Unix(1700000000, 0)}}
				if !slices.EqualFunc(files, want, func(a, b File) bool { return a.Name == b.Name && a.Size == b.Size && a.ModTime.Equal(b.ModTime) }) {
					t.Errorf("ReceiveZ = %+v, want %+v", files, want)
				}
				if b := c.files["f.bin"]; b == nil || !bytes.Equal(b.Bytes(), data) {
					t.Errorf("received %v, want %d bytes", b != nil, n)
				}
			})
		}
	}
	t.Run("batch", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		var names []string
		var datas [][]byte
		for i, n := range zsizes {
			names = append(names, fmt.Sprintf("f%d.bin", i))
			datas = append(datas, testData(n))
			os.WriteFile(filepath.Join(dir, names[i]), datas[i], 0o600)
		}
		p := zpeer(t, dir, append([]string{"sz", "-q"}, names...)...)
		var c collector
		var calls atomic.Int64
		files, err := ReceiveZ(t.Context(), p, c.create, Options{Progress: func(string, int64, int64) { calls.Add(1) }})
		if werr := p.wait(); err != nil || werr != nil {
			t.Fatalf("ReceiveZ = %v, %v; sz: %v", files, err, werr)
		}
		if len(files) != len(names) {
			t.Fatalf("received %d files, want %d: %+v", len(files), len(names), files)
		}
		for i, name := range names {
			if b := c.files[name]; b == nil || !bytes.Equal(b.Bytes(), datas[i]) || files[i].Size != int64(len(datas[i])) {
				t.Errorf("%s: received %v (size %d), want %d bytes", name, b != nil, files[i].Size, len(datas[i]))
			}
		}
		if calls.Load() < int64(len(names)) {
			t.Errorf("Progress called %d times for %d files", calls.Load(), len(names))
		}
	})
}

// damaging passes a Conn's reads on with one byte in every period
// flipped (line noise), and counts the ZRPOS headers written.
type damaging struct {
	Conn
	period, n int
	zrpos     atomic.Int64
}

func (d *damaging) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("**\x18B09")) {
		d.zrpos.Add(1)
	}
	return d.Conn.Write(p)
}

func (d *damaging) Read(p []byte) (int, error) {
	n, err := d.Conn.Read(p)
	for i := range n {
		if d.n++; d.n%d.period == 0 {
			p[i] ^= 0x5a
		}
	}
	return n, err
}

func TestReceiveZDamage(t *testing.T) {
	// Noise on the line: our ZRPOS makes sz go back, the file arrives
	// whole.
	dir := t.TempDir()
	data := testData(1 << 20)
	os.WriteFile(filepath.Join(dir, "f.bin"), data, 0o600)
	p := zpeer(t, dir, "sz", "-q", "f.bin")
	var c collector
	d := &damaging{Conn: p, period: 150001}
	files, err := ReceiveZ(t.Context(), d, c.create, Options{})
	if werr := p.wait(); err != nil || werr != nil {
		t.Fatalf("ReceiveZ = %v, %v; sz: %v", files, err, werr)
	}
	if b := c.files["f.bin"]; len(files) != 1 || b == nil || !bytes.Equal(b.Bytes(), data) {
		t.Errorf("received %+v, equal %v", files, b != nil && bytes.Equal(b.Bytes(), data))
	}
	if d.zrpos.Load() < 3 {
		t.Errorf("%d ZRPOS sent: the noise did not show", d.zrpos.Load())
	}
}

func TestSendZSkippedByRZ(t *testing.T) {
	// rz skips a file it has (without -y): the batch goes on, and
	// Progress does not call the skipped one whole.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "old.bin"), []byte("old"), 0o600)
	data := testData(5000)
	whole := map[string]bool{}
	p := zpeer(t, dir, "rz", "-q")
	n, err := SendZ(t.Context(), p, []Outgoing{outgoing("old.bin", data, true), outgoing("new.bin", data, true)},
		Options{Progress: func(name string, done, size int64) { whole[name] = whole[name] || done == size }})
	if werr := p.wait(); err != nil || werr != nil {
		t.Fatalf("SendZ = %d, %v; rz: %v", n, err, werr)
	}
	old, _ := os.ReadFile(filepath.Join(dir, "old.bin"))
	got, _ := os.ReadFile(filepath.Join(dir, "new.bin"))
	if string(old) != "old" || !bytes.Equal(got, data) || n != int64(len(data)) || whole["old.bin"] || !whole["new.bin"] {
		t.Errorf("old.bin %q, new.bin %d bytes, %d counted, whole %v", old, len(got), n, whole)
	}
}

// zpair connects SendZ and receiveZ in this process through pipes.
func zpair(t *testing.T) (send, recv zconn) {
	aR, aW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	bR, bW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { aR.Close(); aW.Close(); bR.Close(); bW.Close() })
	return zconn{r: aR, w: bW}, zconn{r: bR, w: aW}
}

func TestZPair(t *testing.T) {
	// SendZ against receivers lrzsz's rz does not play: CRC-16 only, a
	// receive buffer (ZCRCW frames), no overlapped I/O; with noise on
	// the line for files that can seek and files that cannot (read
	// again from a fresh Open).
	for _, tc := range []struct {
		name   string
		flags  byte
		rxbuf  uint16
		damage int
		skip   string
	}{
		{"crc16", canfdx | canovio, 0, 0, ""},
		{"rxbuf", canfdx | canovio | canfc32, 4096, 0, ""},
		{"halfduplex", canfc32, 0, 0, ""},
		{"noise", canfdx | canovio | canfc32, 0, 70001, ""},
		{"noise16,rxbuf", canfdx | canovio, 2048, 70001, ""},
		{"skip", canfdx | canovio | canfc32, 0, 0, "f1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sc, rc := zpair(t)
			var out []Outgoing
			for i, n := range []int{0, 1025, 300000} {
				out = append(out, outgoing(fmt.Sprintf("f%d", i), testData(n), i%2 == 0))
			}
			c := collector{skip: map[string]bool{tc.skip: true}}
			var files []File
			var rerr error
			var wg sync.WaitGroup
			d := &damaging{Conn: rc, period: max(tc.damage, 1<<62)}
			wg.Go(func() {
				files, rerr = receiveZ(t.Context(), d, c.create, Options{}, tc.flags, tc.rxbuf)
				rc.w.Close()
			})
			var mu sync.Mutex
			whole := map[string]bool{}
			n, err := SendZ(t.Context(), sc, out, Options{Progress: func(name string, done, size int64) {
				mu.Lock()
				defer mu.Unlock()
				if done == size {
					whole[name] = true
				}
			}})
			sc.w.Close()
			wg.Wait()
			want := len(out)
			if tc.skip != "" {
				want--
			}
			if err != nil || rerr != nil || len(files) != want {
				t.Fatalf("SendZ = %d, %v; receiveZ = %+v, %v", n, err, files, rerr)
			}
			for _, o := range out {
				rc, _ := o.Open()
				data, _ := io.ReadAll(rc)
				b := c.files[o.Name]
				if o.Name == tc.skip {
					if b != nil || whole[o.Name] {
						t.Errorf("%s: skipped, yet received %v, whole %v", o.Name, b != nil, whole[o.Name])
					}
					continue
				}
				if b == nil || !bytes.Equal(b.Bytes(), data) || !whole[o.Name] {
					t.Errorf("%s: received %v, whole %v; want %d bytes", o.Name, b != nil, whole[o.Name], len(data))
				}
			}
			if tc.damage > 0 && d.zrpos.Load() < 3 {
				t.Errorf("%d ZRPOS sent: the noise did not show", d.zrpos.Load())
			}
		})
	}
}

// counting counts the bytes written to a Conn, and calls at once when
// they pass at.
type counting struct {
	Conn
	n    atomic.Int64
	at   int64
	once sync.Once
	call func()
}

func (c *counting) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.n.Add(int64(n)) > c.at && c.call != nil {
		c.once.Do(c.call)
	}
	return n, err
}

func TestSendZResume(t *testing.T) {
	// rz --resume holds the first part of the file: only the rest goes.
	dir := t.TempDir()
	data := testData(3 << 20)
	const held = 2<<20 + 12345
	os.WriteFile(filepath.Join(dir, "f.bin"), data[:held], 0o600)
	for _, seekable := range []bool{true, false} {
		os.Truncate(filepath.Join(dir, "f.bin"), held)
		p := zpeer(t, dir, "rz", "-q", "--resume")
		cc := &counting{Conn: p}
		n, err := SendZ(t.Context(), cc, []Outgoing{outgoing("f.bin", data, seekable)}, Options{})
		if werr := p.wait(); err != nil || werr != nil {
			t.Fatalf("SendZ = %d, %v; rz: %v", n, err, werr)
		}
		got, _ := os.ReadFile(filepath.Join(dir, "f.bin"))
		if !bytes.Equal(got, data) {
			t.Fatalf("rz --resume ended with %d bytes, want %d, equal %v", len(got), len(data), bytes.Equal(got, data))
		}
		// rz asks from a whole KiB.
		rest := int64(len(data) - held)
		if n < rest || n > rest+1024 {
			t.Errorf("SendZ counted %d bytes, want the rest: %d", n, rest)
		}
		if w := cc.n.Load(); w < rest || w > rest+rest/20+4096 {
			t.Errorf("%d bytes went on the line for %d of data", w, rest)
		}
	}
}

func TestZCancelledByPeer(t *testing.T) {
	// Scripted: the peer answers, then sends five CANs.
	var zrinitHdr bytes.Buffer
	o := newZout(&scripted{in: bytes.NewReader(nil)})
	o.hexHeader(zrinit, [4]byte{3: canfdx | canovio | canfc32})
	zrinitHdr.Write(o.buf)
	cans := []byte{can, can, can, can, can}
	s := &scripted{in: bytes.NewReader(append(zrinitHdr.Bytes(), cans...))}
	if _, err := SendZ(t.Context(), s, []Outgoing{outgoing("f", testData(5000), true)}, Options{}); !errors.Is(err, ErrCancelled) {
		t.Errorf("SendZ after five CANs = %v; want ErrCancelled", err)
	}
	s = &scripted{in: bytes.NewReader(append(zfileFrames(t, "f", 100, true), cans...))}
	if _, err := ReceiveZ(t.Context(), s, (&collector{}).create, Options{}); !errors.Is(err, ErrCancelled) {
		t.Errorf("ReceiveZ after five CANs = %v; want ErrCancelled", err)
	}
	// Four CANs (ZDLE and three) do not cancel: a damaged subpacket.
	s = &scripted{in: bytes.NewReader(append(zfileFrames(t, "f", 100, true), can, can, can, can, 'x'))}
	defer func(b time.Duration) { blockWait = b }(blockWait)
	blockWait = 10 * time.Millisecond
	if _, err := ReceiveZ(t.Context(), s, (&collector{}).create, Options{}); errors.Is(err, ErrCancelled) {
		t.Errorf("ReceiveZ after four CANs = %v; want another error", err)
	}
	blockWait = 10 * time.Second

	// lrzsz stopped (SIGTERM) mid-transfer sends its CANs and exits.
	data := testData(3 << 20)
	p := zpeer(t, t.TempDir(), "rz", "-q")
	cc := &counting{Conn: p, at: 256 << 10, call: func() { p.cmd.Process.Signal(syscall.SIGTERM) }}
	if n, err := SendZ(t.Context(), cc, []Outgoing{outgoing("f.bin", data, true)}, Options{}); !errors.Is(err, ErrCancelled) {
		t.Errorf("SendZ to an interrupted rz = %d, %v; want ErrCancelled", n, err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f.bin"), data, 0o600)
	p = zpeer(t, dir, "sz", "-q", "f.bin")
	var got atomic.Int64
	_, err := ReceiveZ(t.Context(), p, func(File) (io.WriteCloser, error) {
		return nopCloser{writerFunc(func(b []byte) (int, error) {
			if got.Add(int64(len(b))) > 256<<10 {
				p.cmd.Process.Signal(syscall.SIGTERM)
			}
			return len(b), nil
		})}, nil
	}, Options{})
	if !errors.Is(err, ErrCancelled) {
		t.Errorf("ReceiveZ from an interrupted sz = %v; want ErrCancelled", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// zfileFrames is what a sender says up to a file's first data: ZRQINIT,
// ZFILE with its subpacket, ZDATA at 0 and a subpacket of n bytes
// (without its end when open).
func zfileFrames(t testing.TB, name string, n int, open bool) []byte {
	o := newZout(&scripted{in: bytes.NewReader(nil)})
	o.hexHeader(zrqinit, [4]byte{})
	o.binHeader(zfile, [4]byte{3: zcbin}, true)
	o.sub(zfileInfo(File{Name: name, Size: int64(n), ModTime: time.Unix(1700000000, 0)}, 1, int64(n)), zcrcw, true)
	o.binHeader(zdata, [4]byte{}, true)
	if open {
		o.put(testData(n))
	} else {
		o.sub(testData(n), zcrce, true)
	}
	return o.buf
}

func TestZCancelFromOurSide(t *testing.T) {
	// Our context ends mid-transfer: we return at once, and the peer,
	// its input still open, stops by itself (our CANs), failing.
	data := testData(3 << 20)
	check := func(t *testing.T, p *zproc, took time.Duration, err error) {
		t.Helper()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if took > time.Second {
			t.Errorf("returned %v after the cancel", took)
		}
		if !p.exitedWithin(5 * time.Second) {
			t.Fatalf("%s still runs after our cancel", p.cmd.Path)
		}
		if p.err == nil {
			t.Errorf("%s ended well after our cancel", p.cmd.Path)
		}
	}
	t.Run("SendZ", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		p := zpeer(t, t.TempDir(), "rz", "-q")
		var cancelled time.Time
		cc := &counting{Conn: p, at: 256 << 10, call: func() { cancelled = time.Now(); cancel() }}
		_, err := SendZ(ctx, cc, []Outgoing{outgoing("f.bin", data, true)}, Options{})
		check(t, p, time.Since(cancelled), err)
	})
	t.Run("ReceiveZ", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "f.bin"), data, 0o600)
		p := zpeer(t, dir, "sz", "-q", "f.bin")
		var cancelled time.Time
		var got int64
		_, err := ReceiveZ(ctx, p, func(File) (io.WriteCloser, error) {
			return nopCloser{writerFunc(func(b []byte) (int, error) {
				if got += int64(len(b)); got > 256<<10 && cancelled.IsZero() {
					cancelled = time.Now()
					cancel()
				}
				return len(b), nil
			})}, nil
		}, Options{})
		took := time.Since(cancelled)
		// A streaming sender reads our abort only once it can write:
		// the caller drains, as board's transfer screens do.
		p.r.SetReadDeadline(time.Now().Add(5 * time.Second))
		io.Copy(io.Discard, p.r)
		check(t, p, took, err)
	})
}

func TestReceiveZSkipAndTooLarge(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a.bin", "skip.bin", "c.bin"}
	datas := [][]byte{testData(5000), testData(200000), testData(3000)}
	for i, name := range names {
		os.WriteFile(filepath.Join(dir, name), datas[i], 0o600)
	}
	p := zpeer(t, dir, append([]string{"sz", "-q"}, names...)...)
	c := collector{skip: map[string]bool{"skip.bin": true}}
	files, err := ReceiveZ(t.Context(), p, c.create, Options{})
	if werr := p.wait(); err != nil || werr != nil {
		t.Fatalf("ReceiveZ = %v, %v; sz: %v", files, err, werr)
	}
	if len(files) != 2 || files[0].Name != "a.bin" || files[1].Name != "c.bin" || c.files["skip.bin"] != nil {
		t.Errorf("ReceiveZ = %+v, want a.bin and c.bin", files)
	}
	for _, i := range []int{0, 2} {
		if b := c.files[names[i]]; b == nil || !bytes.Equal(b.Bytes(), datas[i]) {
			t.Errorf("%s: received %v, want %d bytes", names[i], b != nil, len(datas[i]))
		}
	}

	// Over MaxSize: create hears the size and may refuse; if it takes
	// the file, the data passing MaxSize ends the transfer, and sz is
	// told (it stops, failing).
	p = zpeer(t, dir, "sz", "-q", "a.bin", "skip.bin", "c.bin")
	var sizes []int64
	files, err = ReceiveZ(t.Context(), p, func(f File) (io.WriteCloser, error) {
		sizes = append(sizes, f.Size)
		return nopCloser{io.Discard}, nil
	}, Options{MaxSize: 100000})
	if !errors.Is(err, ErrTooLarge) || len(files) != 1 || !slices.Equal(sizes, []int64{5000, 200000}) {
		t.Errorf("ReceiveZ with MaxSize = %+v, %v (sizes %v); want a.bin, ErrTooLarge", files, err, sizes)
	}
	if !p.exitedWithin(5*time.Second) || p.err == nil {
		t.Errorf("sz did not stop, failing, after our cancel: %v", p.err)
	}
}

func TestZTimeout(t *testing.T) {
	defer func(s, b time.Duration) { startWait, blockWait = s, b }(startWait, blockWait)
	startWait, blockWait = 300*time.Millisecond, 20*time.Millisecond
	silent := func(t *testing.T) zconn {
		c, _ := zpair(t) // the other side never speaks
		return c
	}
	start := time.Now()
	if _, err := SendZ(t.Context(), silent(t), []Outgoing{outgoing("f", testData(10), true)}, Options{}); !errors.Is(err, ErrTimeout) {
		t.Errorf("SendZ to no one = %v; want ErrTimeout", err)
	}
	if _, err := ReceiveZ(t.Context(), silent(t), (&collector{}).create, Options{}); !errors.Is(err, ErrTimeout) {
		t.Errorf("ReceiveZ from no one = %v; want ErrTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("the timeouts took %v", d)
	}
	// A sender that goes quiet mid-file: maxRetries ZRPOS, then ErrRetries.
	s := &scripted{in: bytes.NewReader(zfileFrames(t, "f", 3000, true))}
	if _, err := ReceiveZ(t.Context(), s, (&collector{}).create, Options{}); !errors.Is(err, ErrRetries) {
		t.Errorf("ReceiveZ from a sender gone quiet = %v; want ErrRetries", err)
	}
}

func TestZHeaders(t *testing.T) {
	// Every header form reads back as written, among noise.
	for _, typ := range []byte{zrinit, zfile, zdata, zrpos} {
		for _, arg := range [][4]byte{{}, {0x18, 0x11, 0x93, 0x0d}, {0xff, 0xff, 0xff, 0xff}} {
			for form := range 3 {
				o := newZout(&scripted{in: bytes.NewReader(nil)})
				o.raw([]byte("noise\x18\x18**\x18Bzz")...)
				switch form {
				case 0:
					o.hexHeader(typ, arg)
				default:
					o.binHeader(typ, arg, form == 2)
				}
				z := newZin(context.Background(), &scripted{in: bytes.NewReader(o.buf)})
				h, err := z.readHeader(time.Now().Add(time.Second))
				if err == errBadHeader { // the noise's
					h, err = z.readHeader(time.Now().Add(time.Second))
				}
				if err != nil || h.typ != typ || h.arg != arg || h.crc32 != (form == 2) {
					t.Errorf("form %d, %d %x: read %+v, %v", form, typ, arg, h, err)
				}
			}
		}
	}
	if c, want := crc16Update(0, []byte("123456789")), crc16([]byte("123456789")); c != want || c != 0x31c3 {
		t.Errorf("crc16Update = %#x, crc16 = %#x; want 0x31c3", c, want)
	}
}
