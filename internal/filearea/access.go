package filearea

// AccessHook is the board's say over what a user may see of the area
// and whether he may upload at all (SetAccessHook): the board's file
// areas may need a security level or a group, or be for sysops only,
// and an account awaiting validation uploads nothing. The area's own
// rules (the drop box, what only sysops may do) hold on top of it, and
// sysops are not asked about.
type AccessHook interface {
	// Sees reports whether u may see rel (relative, slash-separated,
	// symlinks resolved; "." is the root), a folder or a file. What u
	// may not see answers "no such file", as if it were not there, and
	// is left out of listings and of the tagged folder.
	Sees(u User, rel string) bool
	// MayUpload returns nil if u may upload, or why not, in words for
	// the client.
	MayUpload(u User) error
}

// SetAccessHook sets the hook every session, sftp's and the terminal's,
// asks; without one, a user sees the whole area but the drop box.
func (a *Area) SetAccessHook(h AccessHook) { a.access.Store(&h) }

// sees asks the AccessHook whether the session's user may see rel.
func (s *session) sees(rel string) bool {
	h := s.a.access.Load()
	return h == nil || (*h).Sees(s.user, rel)
}

// mayUpload asks the AccessHook whether the session's user may upload.
func (s *session) mayUpload() error {
	h := s.a.access.Load()
	if h == nil || s.user.Sysop {
		return nil
	}
	if err := (*h).MayUpload(s.user); err != nil {
		return deniedBy(err)
	}
	return nil
}

// openToAll reports whether every caller may see rel (the AccessHook
// lets a guest see it), so that who's online may name it.
func (s *session) openToAll(rel string) bool {
	h := s.a.access.Load()
	return h == nil || (*h).Sees(User{}, rel)
}
