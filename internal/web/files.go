package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"time"

	"github.com/x84bbs/x84/files"
	"github.com/x84bbs/x84/internal/filearea"
)

// download serves a one-time download link (GET /files/TOKEN), which
// the Files screen gives a browser terminal instead of a transfer
// protocol. The link is used up by the request, whole or not; a
// download counts once the last byte is written.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		// HEAD would use the link up without giving the file.
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, http.StatusMethodNotAllowed, "download links answer GET only")
		return
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad remote address")
		return
	}
	d, err := s.cfg.Files.Redeem(r.Context(), path.Base(r.URL.Path), ap.Addr())
	switch {
	case errors.Is(err, files.ErrLink):
		writeError(w, http.StatusNotFound, err.Error())
		return
	case errors.Is(err, files.ErrRatio), errors.Is(err, files.ErrBatch):
		writeError(w, http.StatusForbidden, err.Error())
		return
	case errors.Is(err, filearea.ErrTooManySessions):
		writeError(w, http.StatusTooManyRequests, err.Error())
		return
	case err != nil:
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(d.Size, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	w.Header().Set("Cache-Control", "no-store")
	n, err := s.sendFile(w, d)
	whole := err == nil && n == d.Size
	d.Done(whole)
	if !whole {
		s.log.Info("download link interrupted", "remote", r.RemoteAddr, "file", d.Name,
			"sent", n, "size", d.Size, "err", fmt.Sprint(err))
	}
}

// sendFile copies a download to the client a MiB at a time, moving the
// write deadline on at each: the server's WriteTimeout bounds a
// response whole, and a large file takes longer than that.
func (s *Server) sendFile(w http.ResponseWriter, d *files.Download) (int64, error) {
	rc := http.NewResponseController(w)
	buf := make([]byte, 1<<20)
	var n int64
	for n < d.Size {
		if s.cfg.WriteTimeout > 0 {
			rc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		}
		m, err := io.ReadFull(d.File, buf[:min(int64(len(buf)), d.Size-n)])
		if m > 0 {
			w2, werr := w.Write(buf[:m])
			n += int64(w2)
			if werr != nil {
				return n, werr
			}
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
