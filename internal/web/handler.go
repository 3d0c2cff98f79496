package web

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
)

// Handler returns the HTTPS handler: every route behind the security
// headers, the ban check and the request body limit.
func (s *Server) Handler() http.Handler {
	rt := router{}
	rt.handle(http.MethodGet, "/", s.page)
	rt.handle(http.MethodGet, "/ws", s.terminal)
	rt.handle(http.MethodGet, "/ws/telnet", s.telnetTerminal)
	if s.cfg.PublicWho {
		rt.handle(http.MethodGet, "/api/who", s.who)
	}
	rt.handle(http.MethodGet, "/api/oneliners", s.oneliners)
	rt.handle(http.MethodPost, "/api/oneliners", s.postOneliner)
	rt.handle(http.MethodGet, "/api/lastcallers", s.lastCallers)
	rt.handle(http.MethodGet, "/healthz", s.healthz)
	rt.handle(http.MethodGet, "/metrics", s.metrics)
	if s.cfg.Files != nil {
		rt.handle(http.MethodGet, "/files/*", s.download)
	}
	for p := range s.assets {
		rt.handle(http.MethodGet, p, s.asset)
	}
	var h http.Handler = rt
	if s.cfg.Admin != nil {
		h = withAdmin(s.cfg.Admin, rt)
	}
	return s.secure(true, s.admit(h))
}

// router routes by exact path, then method, answering 404 and 405 in
// JSON (net/http's ServeMux answers them in plain text).
type router map[string]map[string]http.HandlerFunc

func (rt router) handle(method, path string, h http.HandlerFunc) {
	if rt[path] == nil {
		rt[path] = make(map[string]http.HandlerFunc)
	}
	rt[path][method] = h
}

func (rt router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	methods, ok := rt[r.URL.Path]
	if !ok && strings.Count(r.URL.Path, "/") == 2 {
		// "/files/TOKEN": one level under a folder that takes any name.
		methods, ok = rt[path.Dir(r.URL.Path)+"/*"]
	}
	if !ok {
		writeError(w, http.StatusNotFound, "no such page")
		return
	}
	h, ok := methods[r.Method]
	if !ok && r.Method == http.MethodHead {
		h, ok = methods[http.MethodGet]
	}
	if !ok {
		allow := make([]string, 0, len(methods)+1)
		for m := range methods {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
		slices.Sort(allow)
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed here")
		return
	}
	h(w, r)
}

// Security headers. Every response forbids framing, sniffing, referrers
// and (with CSP) loading anything; the page relaxes CSP to what it uses.
const (
	hsts       = "max-age=31536000"
	defaultCSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	// pageCSP allows the page's own files and WebSocket. Scripts come
	// only from files. xterm.js adds <style> elements, which carry the
	// page's nonce (x84.js sets it), and style attributes for 24-bit
	// colours, which cannot run code or select elements.
	pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; style-src-elem 'self' 'nonce-%s'; " +
		"style-src-attr 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

// securityHeaders are the headers every response carries (secure), and
// net/http's own error replies too (errorReply). HSTS only over HTTPS,
// where browsers heed it.
var securityHeaders = [...]struct {
	name, value string
	httpsOnly   bool
}{
	{"Strict-Transport-Security", hsts, true},
	{"Content-Security-Policy", defaultCSP, false},
	{"X-Frame-Options", "DENY", false},
	{"X-Content-Type-Options", "nosniff", false},
	{"Referrer-Policy", "no-referrer", false},
	{"Cross-Origin-Opener-Policy", "same-origin", false},
	{"Cross-Origin-Resource-Policy", "same-origin", false},
}

// secure sets the security headers on every response.
func (s *Server) secure(https bool, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		for _, sh := range securityHeaders {
			if https || !sh.httpsOnly {
				hd.Set(sh.name, sh.value)
			}
		}
		h.ServeHTTP(w, r)
	})
}

// admit refuses banned clients and limits request bodies.
func (s *Server) admit(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Admit != nil {
			if err := s.cfg.Admit(clientAddr(r)); err != nil {
				writeError(w, http.StatusForbidden, err.Error())
				return
			}
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		}
		h.ServeHTTP(w, r)
	})
}

// writeJSON sends v as JSON with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError sends {"error": msg} with the status.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

//go:embed static
var staticFiles embed.FS

// asset is one embedded file served under /assets/.
type asset struct {
	body  []byte
	ctype string
	etag  string
}

// loadAssets reads the embedded files once: every file under static/
// but the page's template is served as /assets/PATH.
func loadAssets() map[string]asset {
	out := make(map[string]asset)
	fs.WalkDir(staticFiles, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "static/index.html" {
			return err
		}
		b, err := staticFiles.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out["/assets/"+strings.TrimPrefix(name, "static/")] = asset{
			body:  b,
			ctype: contentType(name),
			etag:  `"` + hex.EncodeToString(sum[:12]) + `"`,
		}
		return nil
	})
	return out
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// asset serves an embedded file, revalidated by its ETag.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	a := s.assets[r.URL.Path]
	hd := w.Header()
	hd.Set("ETag", a.etag)
	hd.Set("Cache-Control", "no-cache")
	if inm := r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", a.ctype)
	w.Write(a.body)
}

var pageTemplate = template.Must(template.ParseFS(staticFiles, "static/index.html"))

// page serves the browser terminal, with a fresh nonce for the styles
// xterm.js adds.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	var raw [18]byte
	rand.Read(raw[:])
	nonce := base64.RawURLEncoding.EncodeToString(raw[:])
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, struct{ Title, Nonce string }{s.cfg.Name, nonce}); err != nil {
		s.log.Error("web: page template", "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", strings.Replace(pageCSP, "%s", nonce, 1))
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}
