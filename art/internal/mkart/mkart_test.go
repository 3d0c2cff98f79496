package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestUpToDate checks that the committed art is what the drawings in
// pieces.go make, and that no other file is there.
func TestUpToDate(t *testing.T) {
	var names []string
	for _, p := range pieces() {
		names = append(names, p.name+".ans")
		got, err := build(p)
		if err != nil {
			t.Fatalf("build(%s) error %v", p.name, err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "ans", p.name+".ans"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("ans/%s.ans is out of date; run go generate ./art", p.name)
		}
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "ans", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	slices.Sort(files)
	slices.Sort(names)
	if !slices.Equal(files, names) {
		t.Errorf("art/ans holds %q; want %q", files, names)
	}
}

func TestSet(t *testing.T) {
	got := set(map[rune]bitmap{'a': {"#", "#"}, 'b': {"##", ".#", "#."}}, "aba", 1)
	want := bitmap{"#.##.#", "#..#.#", "..#..."}
	if !slices.Equal(got, want) {
		t.Errorf("set(aba) = %q; want %q", got, want)
	}
}

func TestBlocks(t *testing.T) {
	var s sheet
	s.blocks(1, 0, bitmap{"##.#", "#.#."}, func(r int) int { return white })
	s.shadow(1, 0, 1, bitmap{"#"}, darkGrey)
	var got []rune
	for _, c := range s.rows[0][:6] {
		got = append(got, c.r)
	}
	if string(got) != " █▀▄▀ " {
		t.Errorf("blocks row 0 = %q; want %q", string(got), " █▀▄▀ ")
	}
	if c := s.rows[1][2]; c.r != '░' || c.fg != darkGrey {
		t.Errorf("shadow = %q in %d; want ░ in %d", c.r, c.fg, darkGrey)
	}
}

func TestANSI(t *testing.T) {
	var s sheet
	s.paint(1, 0, "█▓ ░", "fc04")
	s.text(0, 1, "é", cyan)
	got, err := s.ansi()
	want := "\x1b[0m \x1b[1m\xdb\x1b[34m\xb2 \x1b[0;34m\xb0\x1b[0m\r\n\x1b[36m\x82\x1b[0m\r\n"
	if err != nil || string(got) != want {
		t.Errorf("ansi() = %q, %v; want %q", got, err, want)
	}
	s.text(0, 2, "→", cyan)
	if _, err := s.ansi(); err == nil {
		t.Errorf("ansi() with → succeeded; want error (a control byte in CP437)")
	}
}
