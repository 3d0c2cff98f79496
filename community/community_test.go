package community_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/events"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store/sqlite"
)

func TestNewNeedsStoreEventsPresence(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "x84.db"), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bus := &events.Encoded{}
	presence := community.NewLocalPresence(&session.Registry{})
	tests := []struct {
		name string
		cfg  community.Config
	}{
		{"no Store", community.Config{Events: bus, Presence: presence}},
		{"no Events", community.Config{Store: st, Presence: presence}},
		{"no Presence", community.Config{Store: st, Events: bus}},
		{"nothing", community.Config{}},
	}
	for _, tt := range tests {
		if svc, err := community.New(tt.cfg); err == nil || svc != nil {
			t.Errorf("New(%s) = %v, %v; want nil and an error", tt.name, svc, err)
		}
	}
	svc, err := community.New(community.Config{Store: st, Events: bus, Presence: presence})
	if err != nil {
		t.Fatalf("New(Store, Events, Presence) = %v; want no error", err)
	}
	if svc.Presence != presence {
		t.Errorf("New(…).Presence = %v; want Config.Presence", svc.Presence)
	}
	if svc.Oneliners == nil || svc.Chat == nil || svc.Pages == nil || svc.Broadcasts == nil || svc.Messages == nil || svc.Polls == nil {
		t.Errorf("New(…) = %+v; want every service", svc)
	}
}

func TestNewDefaults(t *testing.T) {
	f := newFixture(t, community.Config{})
	if got := f.svc.Oneliners.MaxLength(); got != 60 {
		t.Errorf("Oneliners.MaxLength() = %d; want 60", got)
	}
	if got, want := f.svc.Messages.Areas(), []string{"general", "x84"}; !slices.Equal(got, want) {
		t.Errorf("Messages.Areas() = %q; want %q", got, want)
	}
	// The interval: a minute's wait right after a post.
	u := f.user("erin")
	if _, err := f.svc.Oneliners.Post(t.Context(), u, "hello"); err != nil {
		t.Fatal(err)
	}
	var wait *community.WaitError
	if err := f.svc.Oneliners.Wait(t.Context(), u); !errors.As(err, &wait) || wait.Wait <= 59*time.Second || wait.Wait > time.Minute {
		t.Errorf("Oneliners.Wait(after a post) = %v; want a *WaitError of just under a minute", err)
	}
}

func TestNewSettings(t *testing.T) {
	f := newFixture(t, community.Config{OnelinerLength: 20, OnelinerInterval: 2 * time.Hour, Areas: []string{"local"}})
	if got := f.svc.Oneliners.MaxLength(); got != 20 {
		t.Errorf("Oneliners.MaxLength() = %d; want 20", got)
	}
	areas := f.svc.Messages.Areas()
	if want := []string{"local"}; !slices.Equal(areas, want) {
		t.Errorf("Messages.Areas() = %q; want %q", areas, want)
	}
	areas[0] = "changed"
	if got := f.svc.Messages.Areas(); got[0] != "local" {
		t.Errorf("Messages.Areas() after changing a copy = %q; want %q", got, "local")
	}
	u := f.user("erin")
	if _, err := f.svc.Oneliners.Post(t.Context(), u, "hello"); err != nil {
		t.Fatal(err)
	}
	var wait *community.WaitError
	if err := f.svc.Oneliners.Wait(t.Context(), u); !errors.As(err, &wait) || wait.Wait <= 2*time.Hour-time.Minute || wait.Wait > 2*time.Hour {
		t.Errorf("Oneliners.Wait(after a post) = %v; want a *WaitError of just under 2 hours", err)
	}
}

func TestWaitText(t *testing.T) {
	tests := []struct {
		wait time.Duration
		want string
	}{
		{500 * time.Millisecond, "1 second"},
		{time.Second, "1 second"},
		{59*time.Second + time.Millisecond, "60 seconds"},
		{90 * time.Second, "90 seconds"},
		{91 * time.Second, "2 minutes"},
		{time.Hour, "60 minutes"},
		{time.Hour + 31*time.Minute, "2 hours"},
		{24 * time.Hour, "24 hours"},
	}
	for _, tt := range tests {
		if got := community.WaitText(tt.wait); got != tt.want {
			t.Errorf("WaitText(%v) = %q; want %q", tt.wait, got, tt.want)
		}
	}
}

func TestWaitErrorSaysWaitText(t *testing.T) {
	err := &community.WaitError{Wait: 91 * time.Second}
	if got, want := err.Error(), "Not so fast: you may post again in 2 minutes."; got != want {
		t.Errorf("WaitError{91s}.Error() = %q; want %q", got, want)
	}
}
