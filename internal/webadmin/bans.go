package webadmin

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/x84bbs/x84/account"
	"github.com/x84bbs/x84/internal/auth"
	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

type banRow struct {
	Prefix, Until, Reason, Created string
	Strikes                        int
	Active                         bool
}

type bansData struct {
	Query string
	Bans  []banRow
	Total int // bans matching
	pager
}

// bans lists the bans a page at a time, those in force first, then
// those that ended (their strikes still count toward the next ban's
// length), each part by address; a search keeps those whose address or
// reason contains it.
func (h *Handler) bans(q *request) {
	now := time.Now()
	search := searchText(q.r.URL.Query().Get("q"))
	key := strings.ToLower(search)
	var rows []banRow
	for _, b := range h.cfg.Bans.List() {
		until := "never ends"
		if !b.Permanent() {
			until = since(b.Until)
		}
		r := banRow{Prefix: prefixName(b.Prefix.String(), b.Prefix.IsSingleIP()), Until: until,
			Reason: term.Sanitize(b.Reason), Created: since(b.Created), Strikes: b.Strikes, Active: b.ActiveAt(now)}
		if key == "" || strings.Contains(r.Prefix, key) || strings.Contains(strings.ToLower(r.Reason), key) {
			rows = append(rows, r)
		}
	}
	// Stable: within each part, the list's order (by address).
	slices.SortStableFunc(rows, func(a, b banRow) int {
		switch {
		case a.Active == b.Active:
			return 0
		case a.Active:
			return -1
		}
		return 1
	})
	p, from, to := paginate(len(rows), h.cfg.PageSize, q.r.URL.Query().Get("page"), listLink("bans", search))
	q.render(http.StatusOK, "bans", "Bans", bansData{Query: search, Bans: rows[from:to], Total: len(rows), pager: p})
}

// prefixName writes a single address without its length.
func prefixName(p string, single bool) string {
	if single {
		for i := len(p) - 1; i >= 0; i-- {
			if p[i] == '/' {
				return p[:i]
			}
		}
	}
	return p
}

// banAdd bans an address or range for good, unless the range holds
// the sysop's own address or is wider than the admin allows.
func (h *Handler) banAdd(q *request) {
	address := q.form("address")
	if p, err := config.ParsePrefix(address); err == nil { // else Ban says what is wrong
		if why := h.tooWide(auth.NormalPrefix(p), remote(q.r)); why != "" {
			q.refused(Prefix+"bans", why)
			return
		}
	}
	p, err := h.cfg.Accounts.Ban(q.r.Context(), address)
	switch {
	case errors.Is(err, account.ErrInvalid):
		q.refused(Prefix+"bans", account.Message(err))
	case err != nil:
		q.internal(err)
	default:
		h.log.Info("admin: banned", "prefix", p, "by", q.user.Handle)
		q.done(Prefix+"bans", prefixName(p.String(), p.IsSingleIP())+" banned.")
	}
}

// tooWide says why the admin will not ban p for a sysop at self, or ""
// when it may.
func (h *Handler) tooWide(p netip.Prefix, self netip.Addr) string {
	name := prefixName(p.String(), p.IsSingleIP())
	least, family := h.cfg.MinBanBitsIPv6, "IPv6"
	if p.Addr().Is4() {
		least, family = h.cfg.MinBanBitsIPv4, "IPv4"
	}
	switch {
	case p.Bits() < least:
		return fmt.Sprintf("Not banned: %s is too wide. The admin bans %s ranges of /%d or narrower ([admin] min_ban_bits_ipv4, min_ban_bits_ipv6).",
			name, family, least)
	case self.IsValid() && p.Contains(self):
		return fmt.Sprintf("Not banned: %s holds your own address (%s), and you would be locked out.", name, self)
	}
	return ""
}

// banRemove lifts a ban.
func (h *Handler) banRemove(q *request) {
	p, err := h.cfg.Accounts.Unban(q.r.Context(), q.form("address"))
	switch {
	case errors.Is(err, account.ErrInvalid):
		q.refused(Prefix+"bans", account.Message(err))
	case errors.Is(err, store.ErrNotFound):
		q.refused(Prefix+"bans", term.Sanitize(err.Error()))
	case err != nil:
		q.internal(err)
	default:
		h.log.Info("admin: unbanned", "prefix", p, "by", q.user.Handle)
		q.done(Prefix+"bans", prefixName(p.String(), p.IsSingleIP())+" unbanned.")
	}
}
