package sqldb

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// A Migration takes a schema from Version-1 to Version.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// LoadMigrations reads the files NNNN_name.sql in dir of fsys. Their
// numbers must run 1, 2, 3… without gaps, since each is recorded as the
// schema version once applied. engine starts the errors ("sqlite").
func LoadMigrations(fsys fs.FS, dir, engine string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: migrations: %w", engine, err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("%s: migration %s: name is not NNNN_name.sql", engine, name)
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("%s: migration %s: %w", engine, name, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	// Sort by number, not name: "10_x" comes after "9_y". A gap or a
	// duplicate would record a wrong version.
	slices.SortStableFunc(ms, func(a, b Migration) int { return cmp.Compare(a.Version, b.Version) })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("%s: migration %s: version %d, want %d", engine, m.Name, m.Version, i+1)
		}
	}
	return ms, nil
}
