package sqldb

import (
	"fmt"
	"strings"
)

// ValidFilePath reports whether p may name a file in the file area:
// slash-separated and relative, with no empty, "." or ".." element (so
// neither a leading nor a trailing slash), as fs.ValidPath says; unlike
// fs.ValidPath it need not be UTF-8, since a file on disk may have any
// name.
func ValidFilePath(p string) bool {
	for {
		elem, rest, more := strings.Cut(p, "/")
		if elem == "" || elem == "." || elem == ".." {
			return false
		}
		if !more {
			return true
		}
		p = rest
	}
}

// FileDir returns the folder p is directly in, as file_records.dir keeps
// it: p up to its last '/', or "" for the area's root.
func FileDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// CheckFilePath refuses a path no file can have.
func CheckFilePath(p string) error {
	if !ValidFilePath(p) {
		return fmt.Errorf("%q is not a relative, slash-separated path", p)
	}
	return nil
}

// CheckBytes refuses a negative byte count.
func CheckBytes(n int64) error {
	if n < 0 {
		return fmt.Errorf("negative byte count %d", n)
	}
	return nil
}
