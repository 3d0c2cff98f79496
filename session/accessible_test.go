package session

import (
	"bytes"
	"io"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/term"
)

// In accessible mode the session's own lines are plain lines too: the
// idle warning, and a Disconnect's last line.
func TestAccessibleLines(t *testing.T) {
	t.Run("idle warning", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, client, _ := newPipeSession(t, term.Info{Size: term.Size{Cols: 80, Rows: 24}}, Config{
				IdleTimeout: 30 * time.Minute,
				IdleWarning: time.Minute,
			})
			s.SetAccessible(true)
			var out bytes.Buffer
			var mu sync.Mutex
			go func() {
				buf := make([]byte, 256)
				for {
					n, err := client.Read(buf)
					mu.Lock()
					out.Write(buf[:n])
					mu.Unlock()
					if err != nil {
						return
					}
				}
			}()
			if _, err := s.ReadKey(t.Context()); err == nil {
				t.Fatalf("ReadKey with no key = nil error; want ErrIdle")
			}
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			if want := "\r\nIdle: you will be disconnected in 1m0s unless you press a key.\r\n"; out.String() != want {
				t.Errorf("idle warning %q; want %q", out.String(), want)
			}
		})
	})
	t.Run("disconnect", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			s, client, _ := newPipeSession(t, term.Info{}, Config{})
			s.SetAccessible(true)
			if !s.Accessible() {
				t.Fatalf("Accessible() = false after SetAccessible(true)")
			}
			var got []byte
			read := make(chan struct{})
			go func() { got, _ = io.ReadAll(client); close(read) }()
			s.Disconnect("Bye.")
			<-read
			if want := "\r\nBye.\r\n"; string(got) != want {
				t.Errorf("the caller got %q; want %q", got, want)
			}
		})
	})
}
