package community

import (
	"slices"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/store"
)

// MayRead reports whether u may read and write in a public message area:
// the area exists and u meets what it requires (Config.AreaNeeds). Every
// caller may use their own mail (MailArea). A nil u is a guest.
func (m *Messages) MayRead(u *store.User, area string) bool {
	if area == MailArea {
		return true
	}
	return slices.Contains(m.areas, area) && m.needs[area].Allows(u)
}

// Areas returns the tags of the public areas the caller may read, in
// the board's order. Screens list these; the Reading's other methods
// answer ErrNoArea for the rest, as for an area that does not exist.
func (r *Reading) Areas() []string {
	out := make([]string, 0, len(r.m.areas))
	for _, a := range r.m.areas {
		if r.mayRead(a) {
			out = append(out, a)
		}
	}
	return out
}

// mayRead checks the caller's account as it is now: a sysop's change
// (validation, a new level) counts from the next call of a method.
func (r *Reading) mayRead(area string) bool { return r.m.MayRead(r.user, area) }

// Need returns what the public area needs of its readers (nothing for
// an area not listed in Config.AreaNeeds, and for letters), so that a
// screen can keep the names of restricted areas out of who's online.
func (m *Messages) Need(area string) access.Need { return m.needs[area] }
