package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/rlogin"
)

// filesConfig is a board with one file area besides the upload folder,
// and an upload limit the tests can pass.
const filesConfig = `[files]
max_upload_mib = 2

[[files.area]]
name = "Demo files"
dir = "pub"
description = "for the tests"
`

// binaryData is n bytes holding every byte value (IAC, CAN, XON/XOFF, CR
// NUL …) and random ones.
func binaryData(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	for i := range min(n, 512) {
		b[i] = byte(i)
	}
	if n > 600 {
		copy(b[512:], "\r\x00\r\n\xff\xff\x18\x18\x18\x18\x18\x11\x13\x91\x93")
	}
	return b
}

// fileArea fills the area's "pub" folder and returns its files' content.
func fileArea(t testing.TB, s *server) map[string][]byte {
	t.Helper()
	pub := filepath.Join(s.dir, "files", "pub")
	if err := os.MkdirAll(pub, 0o755); err != nil {
		t.Fatal(err)
	}
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("FILE_ID.DIZ")
	w.Write([]byte("\xc9\xcd\xcd\xbb Demo archive\r\nfor the file area test\r\n"))
	w, _ = zw.Create("demo.txt")
	w.Write([]byte("inside"))
	zw.Close()
	content := map[string][]byte{
		"binary.dat": binaryData(3 << 20),
		"empty.txt":  {},
		"readme.txt": []byte("Welcome to the demo area.\nSecond line of the readme.\n"),
		"demo.zip":   zbuf.Bytes(),
	}
	for name, b := range content {
		if err := os.WriteFile(filepath.Join(pub, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return content
}

// sameFile fails the test unless dir/name holds want.
func sameFile(t testing.TB, dir, name string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: got %d bytes, want %d; they differ", name, len(got), len(want))
	}
}

// choose answers the board's question of which protocol to use with
// key, and waits for the line saying the transfer begins.
func (p *pipeTerm) choose(question, key, begins string) {
	p.t.Helper()
	p.wait(question)
	p.keys(key)
	p.wait(begins)
}

// telnetLogin starts Debian's telnet on pipes and logs in.
func telnetLogin(t testing.TB, s *server, handle, password string) *pipeTerm {
	t.Helper()
	e2e.LookPath(t, "telnet")
	p := startPipeTerm(t, "telnet", "-8", "-E", "127.0.0.1", s.port())
	p.wait("Handle:")
	p.keys(handle + "\r")
	p.wait("assword")
	p.keys(password + "\r")
	p.wait("Welcome, " + handle + ".")
	return p
}

// TestFilesTelnetZmodem: a caller on Debian's telnet browses the file
// area, reads a description from a zip, tags two files and downloads
// them by ZMODEM into lrzsz's rz, uploads by sz, and a sysop releases
// the upload into the area.
func TestFilesTelnetZmodem(t *testing.T) {
	e2e.LookPath(t, "sz", "rz")
	s := startX84(t, filesConfig)
	content := fileArea(t, s)
	s.addUser(t, "alice", "wonderland", true)
	s.addUser(t, "bob", "builder12", false)

	p := telnetLogin(t, s, "bob", "builder12")
	p.keys("f")
	p.wait("File areas of x84")
	p.wait("Demo files - for the tests")
	p.keys("1")
	p.wait("Files in Demo files (4 files, 3.0 MiB)")
	p.wait("╔══╗ Demo archive")

	// Tag binary.dat and empty.txt (the list is by name: binary, demo,
	// empty, readme), then download the batch.
	p.keys(" ")
	p.wait("Tagged binary.dat")
	p.keys("\x1b[B ")
	p.wait("Tagged empty.txt")
	p.keys("b")
	p.choose("Download 2 files, 3.0 MiB by which protocol?", "z", "Sending 2 files, 3.0 MiB by ZMODEM.")
	down := t.TempDir()
	if said, err := p.bridge(down, 0, "rz", "-b", "-y"); err != nil {
		t.Fatalf("rz: %v\n%s", err, said)
	}
	p.wait("Sent 2 files (3.0 MiB) by ZMODEM")
	sameFile(t, down, "binary.dat", content["binary.dat"])
	sameFile(t, down, "empty.txt", nil)

	// The list counts the downloads.
	p.keys("q")
	p.wait("File areas of x84")
	p.keys("t")
	p.wait("No files here.")
	p.keys("q1")
	p.wait("Files in Demo files")

	// An upload of two files by sz lands in the upload folder, hidden
	// from others until a sysop releases it.
	up := t.TempDir()
	upData := binaryData(300 << 10)
	os.WriteFile(filepath.Join(up, "mine.bin"), upData, 0o644)
	os.WriteFile(filepath.Join(up, "note.txt"), []byte("a note\r\n"), 0o644)
	p.keys("u")
	p.choose("Upload by which protocol?", "z", "Receiving by ZMODEM into the upload folder.")
	if said, err := p.bridge(up, 0, "sz", "-b", "mine.bin", "note.txt"); err != nil {
		t.Fatalf("sz: %v\n%s", err, said)
	}
	p.wait("Received mine.bin, note.txt; it waits for a sysop's review.")
	sameFile(t, filepath.Join(s.dir, "files", "uploads"), "mine.bin", upData)

	a := telnetLogin(t, s, "alice", "wonderland")
	a.keys("f")
	a.wait("Uploads - Uploads waiting for a sysop")
	a.keys("2")
	a.wait("Files in Uploads (2 files")
	a.keys("r")
	a.wait("Release mine.bin into which area?")
	a.keys("1")
	a.wait("Description:")
	a.keys("Bob's binary\r")
	a.wait("Released mine.bin into Demo files.")
	sameFile(t, filepath.Join(s.dir, "files", "pub"), "mine.bin", upData)

	// Bob sees it in the area, with its description.
	p.keys("q1")
	p.wait("Files in Demo files (5 files")
	p.wait("Bob's binary")
	if !s.logSays("files: download") {
		t.Errorf("the log has no download line")
	}
}

// sshLogin starts OpenSSH's ssh (through sshpass) on pipes and logs in.
func sshLogin(t testing.TB, s *server, handle, password string) *pipeTerm {
	t.Helper()
	e2e.LookPath(t, "ssh", "sshpass")
	// -e none: OpenSSH's escape character (~ after a newline) would eat
	// bytes of an upload, as it would a caller's.
	args := append([]string{"-p", password, "ssh", "-tt", "-e", "none", "-p", s.portOf("ssh")}, sshOpts...)
	p := startPipeTerm(t, "sshpass", append(args, handle+"@127.0.0.1")...)
	p.wait("Welcome, " + handle + ".")
	return p
}

// TestFilesSSHResumeAndYmodem: over OpenSSH's client, an interrupted
// ZMODEM download resumes where it stopped (rz --resume asks for the rest
// only), and a YMODEM batch upload by sb arrives whole.
func TestFilesSSHResumeAndYmodem(t *testing.T) {
	e2e.LookPath(t, "sz", "rz", "sb")
	s := startX84(t, filesConfig)
	content := fileArea(t, s)
	s.addUser(t, "carol", "carols-password", false)
	p := sshLogin(t, s, "carol", "carols-password")
	p.keys("f1")
	p.wait("Files in Demo files (4 files")

	// The first 1 MiB is already here, from a download cut short.
	down := t.TempDir()
	const had = 1 << 20
	os.WriteFile(filepath.Join(down, "binary.dat"), content["binary.dat"][:had], 0o644)
	p.keys("d")
	p.choose("Download 1 file, 3.0 MiB by which protocol?", "z", "Sending 1 file, 3.0 MiB by ZMODEM.")
	if said, err := p.bridge(down, 0, "rz", "-b", "--resume"); err != nil {
		t.Fatalf("rz --resume: %v\n%s", err, said)
	}
	p.wait("Sent 1 file (2.0 MiB) by ZMODEM")
	sameFile(t, down, "binary.dat", content["binary.dat"])

	up := t.TempDir()
	one, two := binaryData(200<<10), binaryData(5000)
	os.WriteFile(filepath.Join(up, "one.bin"), one, 0o644)
	os.WriteFile(filepath.Join(up, "two.bin"), two, 0o644)
	p.keys("u")
	p.choose("Upload by which protocol?", "y", "Receiving by YMODEM batch into the upload folder.")
	if said, err := p.bridge(up, 0, "sb", "one.bin", "two.bin"); err != nil {
		t.Fatalf("sb: %v\n%s", err, said)
	}
	p.wait("Received one.bin, two.bin; it waits for a sysop's review.")
	sameFile(t, filepath.Join(s.dir, "files", "uploads"), "one.bin", one)
	sameFile(t, filepath.Join(s.dir, "files", "uploads"), "two.bin", two)
}

// TestFilesRloginXmodem: over rlogin (a client script on the board's
// rlogin client, handing its stream to lrzsz), XMODEM-1K down to rx,
// ZMODEM up from sz, YMODEM down to rb and XMODEM-CRC up from sx.
func TestFilesRloginXmodem(t *testing.T) {
	e2e.LookPath(t, "sx", "rx", "sz", "rb")
	s := startX84(t, filesConfig)
	content := fileArea(t, s)
	s.addUser(t, "kay", "kays-password", false)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c, err := rlogin.Dial(ctx, s.addrOf("rlogin"), rlogin.Handshake{ClientUser: "kay", ServerUser: "kay", Term: "xterm", Speed: 38400}, 80, 24)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	p := newPipeTerm(t, c, c)
	p.wait("assword")
	p.keys("kays-password\r")
	p.wait("Welcome, kay.")
	p.keys("f1")
	p.wait("Files in Demo files (4 files")
	p.keys("\x1b[B\x1b[B\x1b[Bv") // down to readme.txt, view it
	p.wait("Welcome to the demo area.")
	p.keys("q")
	p.wait("Files in Demo files")
	p.keys("d")
	p.choose("Download 1 file, 53 B by which protocol?", "x", "Sending 1 file, 53 B by XMODEM-1K.")
	down := t.TempDir()
	if said, err := p.bridge(down, 0, "rx", "-b", "readme.txt"); err != nil {
		t.Fatalf("rx: %v\n%s", err, said)
	}
	p.wait("Sent 1 file")
	// XMODEM has no length: the last block is padded with SUB.
	want := append(bytes.Clone(content["readme.txt"]), bytes.Repeat([]byte{0x1a}, 128-53)...)
	sameFile(t, down, "readme.txt", want)

	up := t.TempDir()
	data := binaryData(100 << 10)
	os.WriteFile(filepath.Join(up, "r.bin"), data, 0o644)
	p.keys("u")
	p.choose("Upload by which protocol?", "z", "Receiving by ZMODEM")
	if said, err := p.bridge(up, 0, "sz", "-b", "r.bin"); err != nil {
		t.Fatalf("sz: %v\n%s", err, said)
	}
	p.wait("Received r.bin")
	sameFile(t, filepath.Join(s.dir, "files", "uploads"), "r.bin", data)

	// YMODEM batch down to rb; XMODEM-CRC up from sx, which asks a name.
	p.keys("\x1b[H ")
	p.wait("Tagged binary.dat")
	p.keys("b")
	p.choose("Download 1 file, 3.0 MiB by which protocol?", "y", "Sending 1 file, 3.0 MiB by YMODEM batch.")
	ydown := t.TempDir()
	if said, err := p.bridge(ydown, 0, "rb", "-b"); err != nil {
		t.Fatalf("rb: %v\n%s", err, said)
	}
	p.wait("Sent 1 file (3.0 MiB) by YMODEM batch")
	sameFile(t, ydown, "binary.dat", content["binary.dat"])
	small := binaryData(1000)
	small[len(small)-1] = 'x' // XMODEM pads with SUB: a file must not end in one
	os.WriteFile(filepath.Join(up, "x.bin"), small, 0o644)
	p.keys("u")
	p.choose("Upload by which protocol?", "c", "File name:")
	p.keys("x.bin\r")
	p.wait("Receiving by XMODEM-CRC")
	if said, err := p.bridge(up, 0, "sx", "-b", "x.bin"); err != nil {
		t.Fatalf("sx: %v\n%s", err, said)
	}
	p.wait("Received x.bin")
	sameFile(t, filepath.Join(s.dir, "files", "uploads"), "x.bin", small)
}

// TestFilesAborted: a download the caller's rz interrupts counts
// nothing; an upload over the size limit is stopped by the board and
// leaves no file; a terminal that never starts is timed out; and the
// caller is back at the list each time.
func TestFilesAborted(t *testing.T) {
	e2e.LookPath(t, "sz", "rz")
	s := startX84(t, strings.Replace(filesConfig, "[files]\n", "[files]\ntransfer_timeout = \"3s\"\n", 1))
	content := fileArea(t, s)
	_ = content
	s.addUser(t, "dave", "daves-password", false)
	p := telnetLogin(t, s, "dave", "daves-password")
	p.keys("f1")
	p.wait("Files in Demo files (4 files")

	p.keys("d")
	p.choose("by which protocol?", "z", "Sending 1 file, 3.0 MiB by ZMODEM.")
	if _, err := p.bridge(t.TempDir(), 256<<10, "rz", "-b"); err == nil {
		t.Errorf("rz, interrupted, exited 0")
	}
	p.wait("Download stopped: it was cancelled. 0 files of 1 file sent whole.")
	p.keys("\x1b[H") // Home: the list again
	p.wait("binary.dat")
	p.wait(time.Now().Format("2006-01-02") + "    0  ") // no download counted

	up := t.TempDir()
	os.WriteFile(filepath.Join(up, "big.bin"), binaryData(3<<20), 0o644)
	p.keys("u")
	p.choose("Upload by which protocol?", "z", "Receiving by ZMODEM")
	if _, err := p.bridge(up, 0, "sz", "-b", "big.bin"); err == nil {
		t.Errorf("sz of a file over the limit exited 0")
	}
	p.wait("Upload stopped: a file was over the upload size limit of 2 MiB.")
	ents, _ := os.ReadDir(filepath.Join(s.dir, "files", "uploads"))
	if len(ents) != 0 {
		t.Errorf("the upload folder holds %v after a refused upload; want nothing", ents)
	}

	// A terminal that never answers.
	p.keys("d")
	p.choose("by which protocol?", "z", "Sending 1 file")
	p.wait("Download stopped: your terminal stopped answering (or never started).")
}

// TestFilesWebLink: the browser terminal gets a one-time HTTPS link
// instead of a transfer protocol; the link gives the file once, to the
// address that asked, and counts the download.
func TestFilesWebLink(t *testing.T) {
	s := startX84(t, filesConfig)
	content := fileArea(t, s)
	s.addUser(t, "erin", "erins-password", false)
	ctx, c, client, waitFor := dialWeb(t, s.addrOf("web"))
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`))
	waitFor("Handle:")
	c.Write(ctx, websocket.MessageBinary, []byte("erin\r"))
	c.Write(ctx, websocket.MessageBinary, []byte("erins-password\r"))
	waitFor("Goodbye (log off)")
	c.Write(ctx, websocket.MessageBinary, []byte("f1"))
	waitFor("Files in Demo files")
	c.Write(ctx, websocket.MessageBinary, []byte("d"))
	waitFor("Download links")
	waitFor("\x1b]8;;/files/")
	token := waitFor("\x1b\\")
	url := "https://" + s.addrOf("web") + "/files/" + token
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, content["binary.dat"]) {
		t.Fatalf("GET link: %s, %d bytes; want 200 and binary.dat's %d", resp.Status, len(body), len(content["binary.dat"]))
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=binary.dat` {
		t.Errorf("Content-Disposition %q", cd)
	}
	again, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotFound {
		t.Errorf("the link used twice: %s; want 404", again.Status)
	}
	c.Write(ctx, websocket.MessageBinary, []byte("x"))
	waitFor("binary.dat")
	waitFor(time.Now().Format("2006-01-02") + "    1  ") // one download counted
	c.Close(websocket.StatusNormalClosure, "")
}

// TestFilesTaggedSFTP: the files a caller tags in the terminal are an
// sftp folder, @tagged, that OpenSSH's sftp fetches in one "get"; it
// takes no uploads.
func TestFilesTaggedSFTP(t *testing.T) {
	e2e.LookPath(t, "sftp", "sshpass")
	s := startX84(t, filesConfig)
	content := fileArea(t, s)
	s.addUser(t, "bob", "builder12", false)
	p := telnetLogin(t, s, "bob", "builder12")
	p.keys("f1")
	p.wait("Files in Demo files (4 files")
	p.keys(" ")
	p.wait("Tagged binary.dat")
	p.keys("\x1b[B\x1b[B ")
	p.wait("Tagged readme.txt")

	local := t.TempDir()
	out, ok := runSFTPBatch(t, s, "bob", "builder12", "ls -1 @tagged\nlcd "+local+"\nget @tagged/*\n")
	if !ok || !strings.Contains(out, "binary.dat") || !strings.Contains(out, "readme.txt") || strings.Contains(out, "demo.zip") {
		t.Fatalf("sftp of @tagged: ok=%v\n%s", ok, out)
	}
	sameFile(t, local, "binary.dat", content["binary.dat"])
	sameFile(t, local, "readme.txt", content["readme.txt"])
	os.WriteFile(filepath.Join(local, "x.txt"), []byte("x"), 0o644)
	out, ok = runSFTPBatch(t, s, "bob", "builder12", "lcd "+local+"\nput x.txt @tagged/x.txt\n")
	if ok || !strings.Contains(out, "ermission denied") {
		t.Errorf("put into @tagged: ok=%v\n%s", ok, out)
	}
}
