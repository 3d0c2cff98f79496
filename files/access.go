package files

import (
	"path"
	"slices"
	"strings"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/internal/filearea"
)

// sees reports whether u may see area a: sysop-only areas are for
// sysops, the review folder for accounts, and an area's Need for those
// who meet it (sysops meet every one).
func sees(u User, a Area) bool {
	switch {
	case a.SysopOnly && !u.Sysop, a.Review && u.ID == 0:
		return false
	case u.Sysop:
		return true
	}
	return a.Need.Allows(u.Account)
}

// sees reports whether the caller may see area a.
func (b *Browser) sees(a Area) bool { return sees(b.user, a) }

// seesArea reports whether a, handed back by a screen, is one of the
// areas the caller sees, so that an area left off the list cannot be
// opened either.
func (b *Browser) seesArea(a Area) bool {
	return slices.ContainsFunc(b.svc.areas, func(x Area) bool {
		return x.Name == a.Name && x.Dir == a.Dir && b.sees(x)
	})
}

// under reports whether p is dir or lies inside it (both clean, "/"
// the root).
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// areasOf returns the areas that hold what is at p (clean, "/pub/x.zip"
// or "/pub/sub"): those of the deepest area folder that is p or holds
// it. Areas may nest ("/" and "/pub"); several may share one folder.
func (s *Service) areasOf(p string) []Area {
	var out []Area
	for _, a := range s.areas {
		switch {
		case !under(p, a.Dir):
		case len(out) == 0 || len(a.Dir) > len(out[0].Dir):
			out = append(out[:0], a)
		case a.Dir == out[0].Dir:
			out = append(out, a)
		}
	}
	return out
}

// seesPath reports whether u may see what is at p (a file or folder,
// clean, from "/"): it is in an area u sees, or is a folder on the way
// to one (its own files hidden), or is in no area at all, which the
// board shows in no listing and sftp serves as before areas had needs.
func (s *Service) seesPath(u User, p string) bool {
	if u.Sysop {
		return true
	}
	holders := s.areasOf(p)
	if len(holders) == 0 || slices.ContainsFunc(holders, func(a Area) bool { return sees(u, a) }) {
		return true
	}
	return slices.ContainsFunc(s.areas, func(a Area) bool { return a.Dir != p && under(a.Dir, p) && sees(u, a) })
}

// clean makes a path from a screen or a link into the form areas use:
// "/pub/x.zip", never above the root.
func clean(p string) string { return path.Clean("/" + p) }

// sftpAccess applies the areas' rules to sftp sessions and to the
// terminal's transfers, which go through the file area too: a folder of
// an area a user may not see is hidden with its files, and an account
// awaiting validation uploads nothing.
type sftpAccess struct{ s *Service }

func (h sftpAccess) Sees(u filearea.User, rel string) bool {
	return h.s.seesPath(userOf(u), clean(rel))
}

func (h sftpAccess) MayUpload(u filearea.User) error {
	if u.Sysop {
		return nil
	}
	return access.CheckValidated(u.Account)
}

// userOf is the file area's user as the service knows it.
func userOf(u filearea.User) User {
	return User{ID: u.ID, Handle: u.Handle, Sysop: u.Sysop, Account: u.Account}
}

var _ filearea.AccessHook = sftpAccess{}

// checkPaths refuses, with ErrNoArea, a path the caller may not see.
func (b *Browser) checkPaths(paths ...string) error {
	for _, p := range paths {
		if !b.svc.seesPath(b.user, clean(p)) {
			return ErrNoArea
		}
	}
	return nil
}
