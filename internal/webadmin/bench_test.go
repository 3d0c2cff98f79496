package webadmin

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/x84bbs/x84/community"
	"github.com/x84bbs/x84/store"
)

// BenchmarkPage renders each admin page for a logged-in sysop, on a
// board of 1000 users, 100 one-liners, 500 messages, 50 bans, 20
// callers online and a full day of chart points: the time from request
// to page, the account's check included.
//
//	go test ./internal/webadmin -run '^$' -bench Page -benchmem
func BenchmarkPage(b *testing.B) {
	f := newFixture(b, func(c *Config) { c.Now = nil })
	root := f.sysop("root")
	ctx := b.Context()
	for i := range 1000 {
		u := &store.User{Handle: fmt.Sprintf("caller%04d", i), Password: "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA",
			RealName: "Some Caller", Location: "Springfield", Groups: []string{"staff"}, Encoding: store.EncodingAuto,
			Level: i % 256, LastCall: time.Now(), Calls: i}
		if err := f.st.Users.CreateUser(ctx, u); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 100 {
		o := &store.Oneliner{Handle: fmt.Sprintf("caller%04d", i), Text: fmt.Sprintf("one-liner number %d, with a few words", i), Posted: time.Now()}
		f.st.Oneliners.AddOneliner(ctx, o, 0)
	}
	r := f.svc.Messages.Reading(root)
	for i := range 500 {
		if _, err := r.Post(ctx, community.Draft{Area: "general", Subject: fmt.Sprintf("Subject %d", i), Body: "A body of a few lines.\nAnd a second."}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 50 {
		if _, err := f.accounts.Ban(ctx, fmt.Sprintf("198.51.100.%d", i)); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 20 {
		f.online(fmt.Sprintf("caller%04d", i), "main menu")
	}
	for i := range 288 {
		f.met.Login(i%5 != 0)
		f.h.cfg.History.Sample(time.Now().Add(time.Duration(i-288) * 5 * time.Minute))
	}
	c := f.client()
	c.loginSysop(root)
	pages := []struct{ name, path string }{
		{"who", Prefix},
		{"who.json", Prefix + "who.json"},
		{"users", Prefix + "users"},
		{"users-search", Prefix + "users?q=caller09"},
		{"users-page-10", Prefix + "users?page=10"},
		{"user", Prefix + "user?handle=caller0500"},
		{"bans", Prefix + "bans"},
		{"oneliners", Prefix + "oneliners"},
		{"messages", Prefix + "messages?area=general"},
		{"config", Prefix + "config"},
		{"charts", Prefix + "charts"},
		{"login", Prefix + "login"},
	}
	cookie := &http.Cookie{Name: SessionCookie, Value: c.cookies[SessionCookie]}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, "https://bbs.example"+p.path, nil)
				req.RemoteAddr = "192.0.2.10:40000"
				if p.name != "login" {
					req.AddCookie(cookie)
				}
				rec := httptest.NewRecorder()
				f.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d", p.path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
