package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/internal/e2e"
	"github.com/x84bbs/x84/telnet"
)

// benchFile is the size of the file the ZMODEM benchmarks move.
const benchFile = 64 << 20

// BenchmarkZmodemDownload measures a ZMODEM download of a 64 MiB file
// from the board into lrzsz's rz, over Debian's telnet and over
// OpenSSH's ssh (loopback), against sz sending the same file to rz over
// plain pipes in the same run. The time is the transfer's, from the
// start of the caller's rz to its end (menus, and the board's half
// second of quiet before it draws the result, are not counted). It
// reports MB/s, the CPU time the
// sending side used (the board, or sz) and the board's resident memory
// growth during the transfer (rss-KiB). The board's figures include the
// client programs' share of two cores: telnet or ssh, the test's bridge
// and rz all run beside it.
//
//	go test -run XXX -bench ZmodemDownload -benchtime 3x ./cmd/x84/
func BenchmarkZmodemDownload(b *testing.B) {
	e2e.LookPath(b, "sz", "rz", "telnet", "ssh", "sshpass")
	s := startX84(b, "[files]\nmax_batch_mib = 1024\n[[files.area]]\nname = \"Bench\"\ndir = \"pub\"\n")
	pub := filepath.Join(s.dir, "files", "pub")
	os.MkdirAll(pub, 0o755)
	data := binaryData(benchFile)
	if err := os.WriteFile(filepath.Join(pub, "big.bin"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	s.addUser(b, "bench", "bench-password", false)

	b.Run("pipe-sz-rz", func(b *testing.B) {
		b.SetBytes(benchFile)
		var cpu time.Duration
		for b.Loop() {
			dir := b.TempDir()
			szCPU, _ := szToRz(b, pub, dir)
			cpu += szCPU
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "sender-cpu-ms/op")
	})
	for _, proto := range []string{"telnet", "telnet-script", "ssh"} {
		b.Run(proto, func(b *testing.B) {
			p := benchCaller(b, s, proto, "Bench")
			b.SetBytes(benchFile)
			var grew int64
			cpu0 := cpuTime(b, s.cmd.Process.Pid)
			defer func() {
				b.ReportMetric(float64((cpuTime(b, s.cmd.Process.Pid)-cpu0).Milliseconds())/float64(b.N), "sender-cpu-ms/op")
			}()
			for b.Loop() {
				// Timed: the transfer as the caller's program sees it,
				// from its start to its end, as for sz and rz on a pipe.
				b.StopTimer()
				dir := b.TempDir()
				before := rssKiB(b, s.cmd.Process.Pid)
				p.keys("d")
				p.wait("by which protocol?")
				p.keys("z")
				p.wait("by ZMODEM.")
				b.StartTimer()
				peak := make(chan int64)
				stop := make(chan struct{})
				go func() {
					var max int64
					for {
						select {
						case <-stop:
							peak <- max
							return
						case <-time.After(20 * time.Millisecond):
							max = maxInt(max, rssKiB(b, s.cmd.Process.Pid))
						}
					}
				}()
				if said, err := p.bridge(dir, 0, "rz", "-b", "-y"); err != nil {
					b.Fatalf("rz: %v\n%s", err, said)
				}
				b.StopTimer()
				close(stop)
				grew = maxInt(grew, <-peak-before)
				p.wait("Sent 1 file")
				got, _ := os.ReadFile(filepath.Join(dir, "big.bin"))
				if !bytes.Equal(got, data) {
					b.Fatalf("rz received %d bytes that differ from the file", len(got))
				}
				os.RemoveAll(dir)
				b.StartTimer()
			}
			b.ReportMetric(float64(grew), "rss-KiB")
		})
	}
}

// benchCaller logs the bench account in by telnet or ssh and opens the
// first file area.
func benchCaller(b *testing.B, s *server, proto, area string) *pipeTerm {
	var p *pipeTerm
	switch proto {
	case "telnet":
		p = telnetLogin(b, s, "bench", "bench-password")
	case "telnet-script":
		p = telnetScript(b, s, "bench", "bench-password")
	default:
		p = sshLogin(b, s, "bench", "bench-password")
	}
	p.keys("f1")
	p.wait("Files in " + area)
	return p
}

// telnetScript logs in with the board's own telnet client in the test's
// process (BINARY, transparent), which hands the stream to lrzsz with
// one copy: a terminal program's cost, without Debian's telnet beside
// the board on the same two cores.
func telnetScript(b *testing.B, s *server, handle, password string) *pipeTerm {
	c, err := net.Dial("tcp", s.addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	cc := telnet.NewClientConn(c, &telnet.ClientConfig{TermTypes: []string{"xterm"}, Cols: 80, Rows: 24,
		Binary: true, Transparent: true, Env: map[string]string{"LANG": "C.UTF-8"}})
	p := newPipeTerm(b, cc, cc)
	p.wait("Handle:")
	p.keys(handle + "\r")
	p.wait("assword")
	p.keys(password + "\r")
	p.wait("Welcome, " + handle + ".")
	return p
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// szToRz sends dir/big.bin with sz to rz in out, over two pipes, and
// returns the CPU time each used.
func szToRz(b *testing.B, dir, out string) (szCPU, rzCPU time.Duration) {
	sz := exec.Command("sz", "-b", "big.bin")
	sz.Dir = dir
	rz := exec.Command("rz", "-b", "-y")
	rz.Dir = out
	toRz, err := sz.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	rz.Stdin = toRz
	toSz, err := rz.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	sz.Stdin = toSz
	if err := sz.Start(); err != nil {
		b.Fatal(err)
	}
	if err := rz.Start(); err != nil {
		b.Fatal(err)
	}
	if err := rz.Wait(); err != nil {
		b.Fatalf("rz: %v", err)
	}
	if err := sz.Wait(); err != nil {
		b.Fatalf("sz: %v", err)
	}
	return sz.ProcessState.UserTime() + sz.ProcessState.SystemTime(), rz.ProcessState.UserTime() + rz.ProcessState.SystemTime()
}

// cpuTime reads the CPU time a process has used (user and system).
func cpuTime(tb testing.TB, pid int) time.Duration {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		tb.Fatal(err)
	}
	// The fields after the command's closing parenthesis; utime and
	// stime are the 12th and 13th of them, in clock ticks (100 a second).
	f := strings.Fields(string(st[bytes.LastIndexByte(st, ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

// rssKiB reads a process's resident set size.
func rssKiB(tb testing.TB, pid int) int64 {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for l := range strings.Lines(string(st)) {
		if rest, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkZmodemUpload measures a ZMODEM upload of a 64 MiB file from
// lrzsz's sz into the board's upload folder, over Debian's telnet and
// OpenSSH's ssh, against sz sending it to rz over plain pipes.
//
//	go test -run XXX -bench ZmodemUpload -benchtime 3x ./cmd/x84/
func BenchmarkZmodemUpload(b *testing.B) {
	e2e.LookPath(b, "sz", "rz", "telnet", "ssh", "sshpass")
	s := startX84(b, "[files]\nmax_upload_mib = 1024\nmax_files_per_user = 100000\nquota_mib = 100000\n")
	src := b.TempDir()
	if err := os.WriteFile(filepath.Join(src, "big.bin"), binaryData(benchFile), 0o644); err != nil {
		b.Fatal(err)
	}
	s.addUser(b, "bench", "bench-password", false)
	b.Run("pipe-sz-rz", func(b *testing.B) {
		b.SetBytes(benchFile)
		var cpu time.Duration
		for b.Loop() {
			_, rzCPU := szToRz(b, src, b.TempDir())
			cpu += rzCPU
		}
		b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "receiver-cpu-ms/op")
	})
	for _, proto := range []string{"telnet", "telnet-script", "ssh"} {
		b.Run(proto, func(b *testing.B) {
			p := benchCaller(b, s, proto, "Files")
			b.SetBytes(benchFile)
			uploads := filepath.Join(s.dir, "files", "uploads")
			cpu0 := cpuTime(b, s.cmd.Process.Pid)
			defer func() {
				b.ReportMetric(float64((cpuTime(b, s.cmd.Process.Pid)-cpu0).Milliseconds())/float64(b.N), "receiver-cpu-ms/op")
			}()
			for b.Loop() {
				b.StopTimer() // timed: the transfer, as for downloads
				p.keys("u")
				p.wait("Upload by which protocol?")
				p.keys("z")
				p.wait("by ZMODEM into the upload folder.")
				b.StartTimer()
				if said, err := p.bridge(src, 0, "sz", "-b", "big.bin"); err != nil {
					b.Fatalf("sz: %v\n%s", err, said)
				}
				b.StopTimer()
				p.wait("Received big.bin")
				// The next upload must not meet a file of its name.
				if err := os.Rename(filepath.Join(uploads, "big.bin"), filepath.Join(uploads, fmt.Sprint(time.Now().UnixNano()))); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
