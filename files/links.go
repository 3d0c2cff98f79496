package files

import (
	"context"
	"crypto/rand"
	"net/netip"
	"path"
	"sync"
	"time"

	"github.com/x84bbs/x84/internal/xfer"
)

// MaxLinks bounds the download links one account holds at once; making
// another drops its oldest.
const MaxLinks = 20

// ErrLink is the answer to a link that does not exist, was used, has
// expired, or was made for another address: one answer for all, so that
// a guess learns nothing.
var ErrLink error = newError("files.error.link", "this download link is not valid: links work once, for a few minutes, from the browser that asked for them")

// links are one-time download links: a browser terminal cannot take a
// ZMODEM transfer, so it downloads over HTTPS instead.
type links struct {
	lifetime time.Duration
	mu       sync.Mutex
	byToken  map[string]link
}

type link struct {
	user    User
	path    string
	addr    netip.Addr
	expires time.Time
}

func newLinks(lifetime time.Duration) *links {
	return &links{lifetime: lifetime, byToken: make(map[string]link)}
}

// add stores a link, dropping expired ones and the account's oldest
// beyond MaxLinks.
func (l *links) add(ln link) string {
	token := rand.Text() + rand.Text() // 260 bits
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var oldest string
	mine := 0
	for t, x := range l.byToken {
		if now.After(x.expires) {
			delete(l.byToken, t)
			continue
		}
		if x.user.ID == ln.user.ID {
			mine++
			if oldest == "" || x.expires.Before(l.byToken[oldest].expires) {
				oldest = t
			}
		}
	}
	if mine >= MaxLinks {
		delete(l.byToken, oldest)
	}
	l.byToken[token] = ln
	return token
}

// take removes and returns a valid link.
func (l *links) take(token string, addr netip.Addr) (link, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ln, ok := l.byToken[token]
	if !ok || time.Now().After(ln.expires) || ln.addr != addr.Unmap() {
		return link{}, false
	}
	delete(l.byToken, token)
	return ln, true
}

// Link makes a one-time link token for downloading the file at p from
// the browser at addr, after the checks a transfer passes (the file's
// area, the ratio, the batch limit). The web server serves it at
// /files/TOKEN.
func (b *Browser) Link(p string, addr netip.Addr) (string, error) {
	if _, err := b.prepare([]string{p}, false); err != nil {
		return "", err
	}
	u := b.user
	if u.Account != nil {
		// Redeem reads it on another goroutine, while the caller's
		// screen may read the account again.
		acct := *u.Account
		u.Account = &acct
	}
	return b.svc.links.add(link{user: u, path: clean(p), addr: addr.Unmap(),
		expires: time.Now().Add(b.svc.links.lifetime)}), nil
}

// LinkLifetime is how long a download link works.
func (s *Service) LinkLifetime() time.Duration { return s.links.lifetime }

// Download is a file a link opened: read it, then call Done with
// whether it was sent whole.
type Download struct {
	Name string
	Size int64
	File interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	}
	ModTime time.Time
	done    func(whole bool)
}

// Done records a whole download and releases the file.
func (d *Download) Done(whole bool) { d.done(whole) }

// Redeem opens the file of a link, once; the link is gone afterwards.
// Every failure to find a valid link is ErrLink. The download passes
// Prepare's checks again (the file's area, the ratio).
func (s *Service) Redeem(ctx context.Context, token string, addr netip.Addr) (*Download, error) {
	ln, ok := s.links.take(token, addr)
	if !ok {
		return nil, ErrLink
	}
	b, err := s.Open(ctx, ln.user)
	if err != nil {
		return nil, err
	}
	bt, err := b.Prepare([]string{ln.path}) // the ratio may have changed since
	if err != nil {
		b.Close()
		return nil, err
	}
	f, err := b.fs.Open(ln.path)
	if err != nil {
		bt.Release()
		b.Close()
		return nil, ErrLink
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		bt.Release()
		b.Close()
		return nil, err
	}
	return &Download{Name: path.Base(ln.path), Size: fi.Size(), File: f, ModTime: fi.ModTime(),
		done: func(whole bool) {
			f.Close()
			if whole {
				bt.Done([]xfer.File{bt.Files[0].File})
			} else {
				bt.Release()
			}
			b.Close()
		}}, nil
}
