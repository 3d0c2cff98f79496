package web

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAdminMount(t *testing.T) {
	admin := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.URL.Path+" "+string(b))
	})
	f := newFixture(t, setup{config: func(c *Config) { c.Admin = admin; c.MaxBody = 1024 }})
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{http.MethodGet, "/admin/", "", http.StatusOK, "GET /admin/ "},
		{http.MethodGet, "/admin/users", "", http.StatusOK, "GET /admin/users "},
		{http.MethodPost, "/admin/user/lock", "a=b", http.StatusOK, "POST /admin/user/lock a=b"},
		{http.MethodPut, "/admin/x", "", http.StatusOK, "PUT /admin/x "},
		// Bodies keep the server's limit.
		{http.MethodPost, "/admin/user/lock", strings.Repeat("x", 2000), http.StatusOK, "POST /admin/user/lock " + strings.Repeat("x", 1024)},
		{http.MethodGet, "/administrator", "", http.StatusNotFound, `{"error":"no such page"}`},
		{http.MethodGet, "/api/oneliners", "", http.StatusOK, "["},
	}
	for _, tt := range tests {
		req := mustRequest(t, tt.method, f.base+tt.path, strings.NewReader(tt.body))
		resp, body := f.do(req)
		if resp.StatusCode != tt.status || !strings.HasPrefix(body, tt.want) {
			t.Errorf("%s %s = %d %q; want %d %q", tt.method, tt.path, resp.StatusCode, body, tt.status, tt.want)
		}
		for _, sh := range securityHeaders {
			if resp.Header.Get(sh.name) == "" {
				t.Errorf("%s %s has no %s", tt.method, tt.path, sh.name)
			}
		}
	}
	noRedirect := *f.client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Get(f.base + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || resp.Header.Get("Location") != "/admin/" {
		t.Errorf("GET /admin = %d to %q; want 308 to /admin/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestNoAdmin(t *testing.T) {
	f := newFixture(t, setup{})
	resp, body := f.get("/admin/")
	if resp.StatusCode != http.StatusNotFound || jsonError(body) != "no such page" {
		t.Errorf("GET /admin/ without an admin = %d %q; want 404 in JSON", resp.StatusCode, body)
	}
}
