package filearea

import (
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/pkg/sftp"
)

// TaggedDir is the virtual folder, at the area's root, that lists the
// files a user tagged in the terminal's Files screen (Config.Tagged), so
// that an sftp client can fetch the batch: "get @tagged/*". It is read
// only; a real folder of that name cannot be made, and one already on
// disk is hidden by it.
const TaggedDir = "@tagged"

// taggedPath reports whether rel is the tagged folder or a file in it,
// and for a file returns its name there.
func (s *session) taggedPath(rel string) (name string, isDir, ok bool) {
	if s.a.tagged == nil {
		return "", false, false
	}
	if rel == TaggedDir {
		return "", true, true
	}
	if name, ok := strings.CutPrefix(rel, TaggedDir+"/"); ok {
		return name, false, true
	}
	return "", false, false
}

// taggedFiles returns the user's tagged files that exist and that the
// user may see, by the name they have in the tagged folder: the base
// name, escaped as listings show it; of two with one name the first
// tagged wins.
func (s *session) taggedFiles() (map[string]string, listing, error) {
	if s.user.ID == 0 {
		return nil, nil, nil // guests tag nothing
	}
	paths, err := s.a.tagged(s.ctx, s.user.ID)
	if err != nil {
		return nil, nil, err
	}
	byName := make(map[string]string, len(paths))
	var l listing
	for _, p := range paths {
		rel := local(p)
		if hidden(rel) || rel == "." {
			continue
		}
		if ok, err := s.visible(rel, true); err != nil || !ok {
			continue
		}
		fi, err := s.a.root.Stat(rel)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		name := escapeName(fi.Name())
		if _, dup := byName[name]; dup {
			continue
		}
		byName[name] = rel
		l = append(l, show(fi))
	}
	return byName, l, nil
}

// taggedList answers List, Stat and Lstat inside the tagged folder.
func (s *session) taggedList(method, rel, name string, isDir bool) (sftp.ListerAt, error) {
	if err := s.wait(); err != nil {
		return nil, s.refuse(method, rel, err)
	}
	byName, l, err := s.taggedFiles()
	if err != nil {
		return nil, s.refuse(method, rel, err)
	}
	if isDir {
		if method == "List" {
			return l, nil
		}
		return listing{taggedDirInfo{}}, nil
	}
	real, ok := byName[name]
	if !ok {
		return nil, s.refuse(method, rel, errNoSuchFile)
	}
	fi, err := s.a.root.Stat(real)
	if err != nil {
		return nil, s.refuse(method, rel, err)
	}
	return listing{show(fi)}, nil
}

// taggedOpen opens a file of the tagged folder for download.
func (s *session) taggedOpen(method, rel, name string) (*download, error) {
	if err := s.wait(); err != nil {
		return nil, s.refuse(method, rel, err)
	}
	byName, _, err := s.taggedFiles()
	if err != nil {
		return nil, s.refuse(method, rel, err)
	}
	real, ok := byName[name]
	if !ok {
		return nil, s.refuse(method, rel, errNoSuchFile)
	}
	return s.openFile(method, real, true)
}

// taggedDirInfo describes the tagged folder.
type taggedDirInfo struct{}

func (taggedDirInfo) Name() string       { return TaggedDir }
func (taggedDirInfo) Size() int64        { return 0 }
func (taggedDirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (taggedDirInfo) ModTime() time.Time { return time.Now() }
func (taggedDirInfo) IsDir() bool        { return true }
func (taggedDirInfo) Sys() any           { return nil }

var _ os.FileInfo = taggedDirInfo{}

// inTagged reports whether rel names the tagged folder or something in
// it, which no request may change.
func (s *session) inTagged(rel string) bool {
	return s.a.tagged != nil && (rel == TaggedDir || strings.HasPrefix(rel, TaggedDir+"/"))
}
