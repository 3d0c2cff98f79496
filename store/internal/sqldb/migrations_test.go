package sqldb

import (
	"os"
	"slices"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  []int // nil: an error
	}{
		{"in order", []string{"0001_init.sql", "0002_more.sql", "0003_x.sql"}, []int{1, 2, 3}},
		{"other files ignored", []string{"0001_init.sql", "README.md"}, []int{1}},
		{"short numbers", []string{"1_a.sql", "02_b.sql"}, []int{1, 2}},
		{"none", nil, []int{}},
		{"gap", []string{"0001_a.sql", "0003_c.sql"}, nil},
		{"duplicate", []string{"0001_a.sql", "0001_b.sql"}, nil},
		{"starts at 0", []string{"0000_a.sql"}, nil},
		{"no number", []string{"init.sql"}, nil},
		{"bad number", []string{"00x1_a.sql"}, nil},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{"m": &fstest.MapFile{Mode: os.ModeDir | 0o755}}
		for _, f := range tt.files {
			fsys["m/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		ms, err := LoadMigrations(fsys, "m", "test")
		if tt.want == nil {
			if err == nil {
				t.Errorf("%s: LoadMigrations(%q) = %d migrations; want an error", tt.name, tt.files, len(ms))
			}
			continue
		}
		var got []int
		for _, m := range ms {
			got = append(got, m.Version)
		}
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: LoadMigrations(%q) = %v, %v; want %v, nil", tt.name, tt.files, got, err, tt.want)
		}
	}
}
