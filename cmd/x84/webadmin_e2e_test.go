package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coder/websocket"
)

var (
	adminToken = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	adminNode  = regexp.MustCompile(`name="node" value="(\d+)"><input type="hidden" name="since" value="(\d+)"`)
)

// TestWebAdmin calls the built binary's web admin as a sysop's browser
// would (cookies, forms with their token): erin, in the browser
// terminal, is listed as online; the sysop ends her call, which her
// terminal shows, and locks her account. The browser side, in
// Chromium, is internal/webadmin's TestAdminBrowser. With [admin]
// enabled = false the admin is not there.
func TestWebAdmin(t *testing.T) {
	s := startX84(t, "")
	s.addUser(t, "boss", "boss-password", true)
	s.addUser(t, "erin", "erins-password", false)
	addr := s.addrOf("web")
	ctx, c, client, waitFor := dialWeb(t, addr)
	c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`))
	waitFor("Handle:")
	c.Write(ctx, websocket.MessageBinary, []byte("erin\r"))
	c.Write(ctx, websocket.MessageBinary, []byte("erins-password\r"))
	waitFor("One-liners")

	jar, _ := cookiejar.New(nil)
	client.Jar = jar
	base := "https://" + addr + "/admin/"
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		resp, err := client.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	token := func(page string) string {
		t.Helper()
		m := adminToken.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF token in the page:\n%s", page)
		}
		return m[1]
	}

	_, login := get("login")
	status, home := post("login", url.Values{"csrf": {token(login)}, "handle": {"boss"}, "password": {"boss-password"}})
	if status != http.StatusOK || !strings.Contains(home, "Who&#39;s online") || !strings.Contains(home, "<td>erin</td>") {
		t.Fatalf("after the login: %d\n%s", status, home)
	}
	node := adminNode.FindStringSubmatch(home)
	if node == nil {
		t.Fatalf("no disconnect button for erin:\n%s", home)
	}
	// The button names the call by its node and start time.
	if status, page := post("disconnect", url.Values{"csrf": {token(home)}, "node": {node[1]}, "since": {node[2]}}); status != http.StatusOK ||
		!strings.Contains(page, "Node "+node[1]+" disconnected.") {
		t.Errorf("disconnect: %d\n%s", status, page)
	}
	waitFor("disconnected by the sysop")
	if status, page := post("user/lock", url.Values{"csrf": {"forged"}, "handle": {"erin"}, "locked": {"1"}}); status != http.StatusForbidden {
		t.Errorf("lock with a forged token = %d\n%s", status, page)
	}
	if status, page := post("user/lock", url.Values{"csrf": {token(home)}, "handle": {"erin"}, "locked": {"1"}}); status != http.StatusOK ||
		!strings.Contains(page, "erin: locked.") {
		t.Errorf("lock: %d\n%s", status, page)
	}
	if _, page := get("users?q=erin"); !strings.Contains(page, `class="tag locked"`) {
		t.Errorf("the users page does not show erin locked:\n%s", page)
	}
	if !strings.Contains(s.log.String(), "admin: locked") {
		t.Errorf("the lock is not in the log")
	}

	off := startX84(t, "[admin]\nenabled = false\n")
	resp, err := client.Get("https://" + off.addrOf("web") + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /admin/login with [admin] enabled = false = %d; want 404", resp.StatusCode)
	}
}
