package filearea

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pkg/sftp"
)

// FuzzHandlers sends the area's handlers requests of any method, path
// and target, as a user and as a sysop: none may panic, and nothing may
// appear outside the area.
func FuzzHandlers(f *testing.F) {
	seeds := []struct {
		method, path, target string
		sysop                bool
	}{
		{"List", "/uploads", "", false},
		{"Stat", "/../../etc/passwd", "", false},
		{"Rename", "/pub/readme.txt", "/../outside/x", true},
		{"Mkdir", "/pub/\x1b[2J", "", true},
		{"Remove", `/pub/cls\x1b[2J`, "", true},
		{"Put", "/uploads/\u202eexe.txt", "", false},
		{"Get", "/pub/readme.txt", "", false},
		{"Setstat", "/uploads/.x84-upload-AAAA", "", false},
		{"Symlink", "/pub/readme.txt", "/uploads/l", true},
		{"Rmdir", "/uploads", "", true},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.target, s.sysop)
	}
	e := newEnv(f, Config{RequestsPerSecond: 1 << 20, LinesPerSecond: 1})
	outside := filepath.Join(e.tmp, "outside")
	f.Fuzz(func(t *testing.T, method, p, target string, asSysop bool) {
		u := alice
		if asSysop {
			u = sysop
		}
		ss, err := e.area.NewSession(t.Context(), u)
		if err != nil {
			t.Skip("sessions in use")
		}
		defer ss.Close()
		s := ss.s
		r := sftp.NewRequest(method, p)
		r.Target = target
		switch method {
		case "Get":
			if rd, err := s.Fileread(r); err == nil {
				rd.(*download).Close()
			}
		case "Put":
			if w, err := s.Filewrite(r); err == nil {
				w.(*upload).Close()
			}
		case "List", "Stat":
			if l, err := s.Filelist(r); err == nil {
				if d, ok := l.(*dirHandle); ok {
					d.Close()
				}
			}
		case "Lstat":
			s.Lstat(r)
		case "Readlink":
			s.Readlink(p)
		case "PosixRename":
			s.PosixRename(r)
		default:
			s.Filecmd(r)
		}
		ents, err := os.ReadDir(outside)
		if err != nil || len(ents) != 1 {
			t.Fatalf("outside the area: %v, %v", ents, err)
		}
		if s.open != 0 {
			t.Fatalf("%d handles left open", s.open)
		}
	})
}
