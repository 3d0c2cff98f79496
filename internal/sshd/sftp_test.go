package sshd

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/x84bbs/x84/internal/filearea"
)

// withFiles gives the fixture a file area.
func withFiles(t *testing.T) func(*fixture, *Config) {
	return func(f *fixture, c *Config) {
		area, err := filearea.Open(filearea.Config{Dir: filepath.Join(t.TempDir(), "files"), Uploads: f.store.Uploads})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { area.Close() })
		c.Files = area
	}
}

// openSFTP opens the sftp subsystem on a new connection as Alice, as
// a bare channel, whose requests (the exit status) the test reads.
func openSFTP(t *testing.T, f *fixture) (ssh.Channel, <-chan *ssh.Request) {
	t.Helper()
	c, err := f.dial(t, "alice", ssh.Password("right-password"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ch, reqs, err := c.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := ch.SendRequest("subsystem", true, ssh.Marshal(struct{ Name string }{"sftp"})); !ok || err != nil {
		t.Fatalf("subsystem request: %v, %v", ok, err)
	}
	return ch, reqs
}

func sendPacket(t *testing.T, w io.Writer, typ byte, body []byte) {
	t.Helper()
	b := binary.BigEndian.AppendUint32(nil, uint32(1+len(body)))
	b = append(b, typ)
	if _, err := w.Write(append(b, body...)); err != nil {
		t.Fatal(err)
	}
}

func readPacket(t *testing.T, r io.Reader) (byte, []byte) {
	t.Helper()
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, binary.BigEndian.Uint32(n[:]))
	if _, err := io.ReadFull(r, b); err != nil {
		t.Fatal(err)
	}
	return b[0], b[1:]
}

func sshString(s string) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(s))), s...)
}

// TestSFTPLimits: x84 announces limits@openssh.com and answers it, so
// that OpenSSH's client reads and writes in 255 KiB chunks; transfers of
// that size work; and the client gets exit status 0 at the end.
func TestSFTPLimits(t *testing.T) {
	f := newFixture(t, withFiles(t))
	ch, reqs := openSFTP(t, f)
	w, r := ch, ch

	sendPacket(t, w, 1, binary.BigEndian.AppendUint32(nil, 3)) // init, version 3
	typ, body := readPacket(t, r)
	if typ != fxpVersion {
		t.Fatalf("answer to init: type %d", typ)
	}
	if !bytes.Contains(body, append(sshString(limitsExt), sshString("1")...)) {
		t.Errorf("the version packet does not list %s: %q", limitsExt, body)
	}
	// Another extension, then the limits: each gets its own answer.
	sendPacket(t, w, fxpExtended, append(binary.BigEndian.AppendUint32(nil, 6), sshString("no-such@x84")...))
	sendPacket(t, w, fxpExtended, append(binary.BigEndian.AppendUint32(nil, 7), sshString(limitsExt)...))
	got := map[uint32]byte{}
	for range 2 {
		typ, body = readPacket(t, r)
		id := binary.BigEndian.Uint32(body)
		got[id] = typ
		if id != 7 {
			continue
		}
		if typ != fxpExtendedReply || len(body) != 4+4*8 {
			t.Fatalf("limits answer: type %d, %d bytes", typ, len(body))
		}
		var v [4]uint64
		for i := range v {
			v[i] = binary.BigEndian.Uint64(body[4+8*i:])
		}
		// Over loopback, a near link: the short queue of reads.
		if v != [4]uint64{sftpMaxPacket, sftpMaxData, sftpMaxData, min(filearea.DefaultMaxOpen, nearReadAhead)} {
			t.Errorf("limits = %v", v)
		}
	}
	if got[6] != 101 || got[7] != fxpExtendedReply { // 101: status
		t.Errorf("answers by id: %v", got)
	}
	// The client is done: it gets exit status 0, then the channel closes.
	ch.CloseWrite()
	status := -1
	for req := range reqs {
		if req.Type == "exit-status" && len(req.Payload) == 4 {
			status = int(binary.BigEndian.Uint32(req.Payload))
		}
	}
	if status != 0 {
		t.Errorf("exit status %d; want 0", status)
	}

	// A client that uses the limits: pkg/sftp's, told to.
	c, err := f.dial(t, "alice", ssh.Password("right-password"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := sftp.NewClient(c, sftp.MaxPacketUnchecked(sftpMaxData))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	data := make([]byte, 3<<20+12345)
	rand.Read(data)
	up, err := cl.Create("/uploads/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := up.ReadFrom(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := up.Close(); err != nil {
		t.Fatal(err)
	}
	down, err := cl.Open("/uploads/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	var back bytes.Buffer
	if _, err := down.WriteTo(&back); err != nil {
		t.Fatal(err)
	}
	down.Close()
	if !bytes.Equal(back.Bytes(), data) {
		t.Errorf("downloaded %d bytes, not what was uploaded (%d)", back.Len(), len(data))
	}
}

// fakeChannel is an ssh.Channel that reads from in and records writes.
type fakeChannel struct {
	in     io.Reader
	mu     sync.Mutex
	writes [][]byte
	closed bool
}

func (c *fakeChannel) Read(p []byte) (int, error) { return c.in.Read(p) }
func (c *fakeChannel) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}
func (c *fakeChannel) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}
func (c *fakeChannel) CloseWrite() error { return nil }
func (c *fakeChannel) SendRequest(string, bool, []byte) (bool, error) {
	return false, errors.New("fake")
}
func (c *fakeChannel) Stderr() io.ReadWriter { return nil }

func (c *fakeChannel) written() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.writes...)
}

func packet(typ byte, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(1+len(body)))
	return append(append(b, typ), body...)
}

// oneByte reads one byte at a time, to split packets everywhere.
type oneByte struct{ r io.Reader }

func (o oneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}

func TestSFTPChannelRead(t *testing.T) {
	limits := packet(fxpExtended, append(binary.BigEndian.AppendUint32(nil, 9), sshString(limitsExt)...))
	other := packet(fxpExtended, append(binary.BigEndian.AppendUint32(nil, 10), sshString("statvfs@openssh.com")...))
	big := packet(6, bytes.Repeat([]byte{'x'}, 70000)) // a write, say
	init := packet(1, binary.BigEndian.AppendUint32(nil, 3))
	short := []byte{0, 0, 0, 2, 1, 2} // too short to be a request
	stream := bytes.Join([][]byte{init, limits, other, big, limits, short, limits}, nil)
	// After the short packet, everything passes as it is.
	want := bytes.Join([][]byte{init, other, big, short, limits}, nil)
	for _, split := range []bool{false, true} {
		var in io.Reader = bytes.NewReader(stream)
		if split {
			in = oneByte{in}
		}
		fc := &fakeChannel{in: in}
		c := newSFTPChannel(fc, 5)
		got, err := io.ReadAll(c)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("split %v: read %d bytes, %v; want the %d bytes without the first two limits requests", split, len(got), err, len(want))
		}
		ws := fc.written()
		if len(ws) != 2 {
			t.Fatalf("split %v: %d packets written; want 2 answers", split, len(ws))
		}
		for _, w := range ws {
			if w[4] != fxpExtendedReply || binary.BigEndian.Uint32(w[5:]) != 9 || binary.BigEndian.Uint64(w[33:]) != 5 {
				t.Errorf("answer %x", w)
			}
		}
	}
}

func TestSFTPChannelWrite(t *testing.T) {
	fc := &fakeChannel{in: bytes.NewReader(nil)}
	c := newSFTPChannel(fc, 0)
	version := packet(fxpVersion, append(binary.BigEndian.AppendUint32(nil, 3), append(sshString("posix-rename@openssh.com"), sshString("1")...)...))
	c.Write(version)
	// A data packet, written as pkg/sftp does: header, then data.
	data := bytes.Repeat([]byte{'d'}, 100000)
	header := binary.BigEndian.AppendUint32(nil, uint32(9+len(data)))
	header = append(header, fxpData)
	header = binary.BigEndian.AppendUint32(header, 42)
	header = binary.BigEndian.AppendUint32(header, uint32(len(data)))
	if n, err := c.Write(header); n != len(header) || err != nil {
		t.Fatalf("header: %d, %v", n, err)
	}
	// An answer of x84's own waits for the data.
	done := make(chan struct{})
	go func() {
		c.reply([]byte("REPLY"))
		close(done)
	}()
	select {
	case <-done:
		t.Fatal("the reply went out inside a packet")
	case <-time.After(20 * time.Millisecond):
	}
	if n, err := c.Write(data); n != len(data) || err != nil {
		t.Fatalf("data: %d, %v", n, err)
	}
	<-done
	// A short data packet and a status go out as they come.
	small := append(binary.BigEndian.AppendUint32(nil, 9+3), fxpData, 0, 0, 0, 43, 0, 0, 0, 3)
	c.Write(small)
	c.Write([]byte("abc"))
	status := packet(101, make([]byte, 12))
	c.Write(status)

	ws := fc.written()
	if len(ws) != 6 {
		t.Fatalf("%d writes to the channel; want 6", len(ws))
	}
	wantVersion := append(bytes.Clone(version), append(sshString(limitsExt), sshString("1")...)...)
	binary.BigEndian.PutUint32(wantVersion, uint32(len(wantVersion)-4))
	if !bytes.Equal(ws[0], wantVersion) {
		t.Errorf("version packet %q; want %q", ws[0], wantVersion)
	}
	if len(ws[1]) != joinSize || !bytes.Equal(ws[1][:len(header)], header) || !bytes.Equal(ws[2], data[joinSize-len(header):]) {
		t.Errorf("data packet written as %d + %d bytes; want its header joined to the data's first %d", len(ws[1]), len(ws[2]), joinSize-len(header))
	}
	if string(ws[3]) != "REPLY" {
		t.Errorf("then %q; want the reply", ws[3])
	}
	if !bytes.Equal(ws[4], append(small, "abc"...)) || !bytes.Equal(ws[5], status) {
		t.Errorf("then %q, %q", ws[4], ws[5])
	}
	// The version is rewritten only as the first packet.
	c.Write(version)
	if ws := fc.written(); !bytes.Equal(ws[6], version) {
		t.Errorf("a later version packet was changed")
	}
}

// TestReadAhead: near clients are offered a short queue of reads, far
// ones (or unknown) the file area's figure.
func TestReadAhead(t *testing.T) {
	tests := []struct {
		rtt     time.Duration
		maxOpen int
		want    int
	}{
		{0, 64, 64},
		{0, 0, 0},
		{50 * time.Microsecond, 64, nearReadAhead},
		{50 * time.Microsecond, 0, nearReadAhead},
		{50 * time.Microsecond, 2, 2},
		{nearLink, 64, 64},
		{80 * time.Millisecond, 64, 64},
	}
	for _, tt := range tests {
		if got := readAhead(tt.rtt, tt.maxOpen); got != tt.want {
			t.Errorf("readAhead(%v, %d) = %d; want %d", tt.rtt, tt.maxOpen, got, tt.want)
		}
	}
}

// TestRoundTrip: a loopback TCP connection has a round trip, under a
// millisecond; a pipe has none.
func TestRoundTrip(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			c.Write([]byte("x"))
			c.Close()
		}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Read(make([]byte, 1))
	rtt := roundTrip(c)
	if runtime.GOOS == "linux" && (rtt <= 0 || rtt >= nearLink) {
		t.Errorf("roundTrip(loopback) = %v; want between 0 and %v", rtt, nearLink)
	}
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if got := roundTrip(a); got != 0 {
		t.Errorf("roundTrip(pipe) = %v; want 0", got)
	}
}
