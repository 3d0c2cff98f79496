package sqlite

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/x84bbs/x84/store"
)

// TestManyWriters checks that 200 goroutines writing at once never see
// SQLITE_BUSY ("database is locked"): they queue for the one writer.
func TestManyWriters(t *testing.T) {
	const (
		writers = 200
		each    = 10
	)
	ctx := t.Context()
	s := openTemp(t)
	defer s.Close()
	for g := range writers {
		if err := s.Users.CreateUser(ctx, &store.User{Handle: fmt.Sprintf("w%d", g)}); err != nil {
			t.Fatalf("CreateUser(w%d) = %v; want nil", g, err)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			<-start
			h := fmt.Sprintf("w%d", g)
			for j := range each {
				if j%2 == 0 {
					o := store.Oneliner{Handle: h, Text: "x"}
					if err := s.Oneliners.AddOneliner(ctx, &o, 0); err != nil {
						t.Errorf("AddOneliner(%q) = %v; want nil", h, err)
					}
				} else if _, err := s.Calls.RecordCall(ctx, h, "telnet", time.Now()); err != nil {
					t.Errorf("RecordCall(%q) = %v; want nil", h, err)
				}
				// Reads run beside the writes on the reader pool.
				if _, err := s.Oneliners.LastOnelinerBy(ctx, h); err != nil {
					t.Errorf("LastOnelinerBy(%q) = %v; want nil", h, err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	if got, err := s.Oneliners.Oneliners(ctx, 10*writers*each); err != nil || len(got) != writers*each/2 {
		t.Errorf("Oneliners() = %d, %v; want %d, nil", len(got), err, writers*each/2)
	}
}

// TestTwoProcesses opens the file twice, as the server and an x84
// subcommand do, and writes through both: the two writers wait for each
// other under busy_timeout, and immediate transactions keep a waiting
// writer from failing at once with SQLITE_BUSY.
func TestTwoProcesses(t *testing.T) {
	const (
		writers = 20
		each    = 10
	)
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "x84.db")
	var stores [2]*store.Store
	for i := range stores {
		s, err := Open(ctx, path, Config{})
		if err != nil {
			t.Fatalf("Open(%q) #%d = %v; want nil", path, i, err)
		}
		defer s.Close()
		stores[i] = s
	}
	if err := stores[0].Users.CreateUser(ctx, &store.User{Handle: "shared"}); err != nil {
		t.Fatalf("CreateUser() = %v; want nil", err)
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			<-start
			s := stores[g%2]
			for range each {
				if _, err := s.Calls.RecordCall(ctx, "shared", "ssh", time.Now()); err != nil {
					t.Errorf("store %d: RecordCall() = %v; want nil", g%2, err)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	u, err := stores[1].Users.User(ctx, "shared")
	if err != nil || u.Calls != writers*each {
		t.Errorf(`User("shared") = %v, %v; want Calls %d`, u, err, writers*each)
	}
}
