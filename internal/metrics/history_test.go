package metrics

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/x84bbs/x84/session"
)

func TestHistoryRing(t *testing.T) {
	m := New(&session.Registry{})
	h := m.NewHistory(time.Minute, 3)
	start := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return start.Add(time.Duration(i) * time.Minute) }
	// logins[i] are the logins (ok, failed) before sample i.
	logins := [][2]int{{1, 0}, {0, 2}, {3, 1}, {0, 0}, {2, 2}}
	for i, l := range logins {
		for range l[0] {
			m.Login(true)
		}
		for range l[1] {
			m.Login(false)
		}
		h.Sample(at(i))
	}
	m.Login(false)
	got := h.Points(at(9))
	want := []Point{
		{At: at(2), LoginsOK: 3, LoginsFailed: 1},
		{At: at(3)},
		{At: at(4), LoginsOK: 2, LoginsFailed: 2},
		{At: at(9), LoginsFailed: 1}, // in progress
	}
	if !slices.Equal(got, want) {
		t.Errorf("Points after %d samples in a ring of 3 = %+v; want %+v", len(logins), got, want)
	}
}

func TestHistoryRunAndClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := New(&session.Registry{}).NewHistory(5*time.Minute, 288)
		done := make(chan error)
		go func() { done <- h.Run() }()
		time.Sleep(16 * time.Minute)
		synctest.Wait()
		if got := len(h.Points(time.Now())); got != 4 {
			t.Errorf("after 16 minutes at 5, %d points; want 3 and the one in progress", got)
		}
		h.Close()
		h.Close() // twice is fine
		if err := <-done; err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
	})
}

func TestHistoryCloseBeforeRun(t *testing.T) {
	h := New(&session.Registry{}).NewHistory(time.Minute, 0)
	h.Close()
	if err := h.Run(); err != nil {
		t.Errorf("Run after Close = %v; want nil", err)
	}
	if got := h.Points(time.Now()); len(got) != 1 {
		t.Errorf("Points of a History never sampled = %+v; want the one in progress", got)
	}
}
