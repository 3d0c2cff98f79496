package webadmin

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed templates static
var files embed.FS

// templates are the pages, each parsed with the layout.
var templates = parseTemplates()

func parseTemplates() map[string]*template.Template {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := make(map[string]*template.Template)
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" {
			continue
		}
		out[name] = template.Must(template.New(name).ParseFS(files, "templates/layout.html", n))
	}
	return out
}

// asset is one embedded file served under Prefix+"assets/".
type asset struct {
	body  []byte
	ctype string
	etag  string
}

// loadAssets reads the embedded style sheet, script and icon.
func loadAssets() map[string]asset {
	out := make(map[string]asset)
	names, _ := fs.Glob(files, "static/*")
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			continue
		}
		ctype := "text/css; charset=utf-8"
		switch path.Ext(n) {
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		}
		sum := sha256.Sum256(b)
		out[Prefix+"assets/"+path.Base(n)] = asset{body: b, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	}
	return out
}

// asset serves an embedded file, revalidated by its ETag.
func (h *Handler) asset(q *request) {
	a := h.assets[q.r.URL.Path]
	hd := q.w.Header()
	hd.Set("ETag", a.etag)
	hd.Set("Cache-Control", "no-cache")
	if inm := q.r.Header.Get("If-None-Match"); inm != "" && strings.Contains(inm, a.etag) {
		q.w.WriteHeader(http.StatusNotModified)
		return
	}
	hd.Set("Content-Type", a.ctype)
	q.w.Write(a.body)
}
