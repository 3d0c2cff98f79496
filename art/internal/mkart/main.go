// Command mkart draws x84's built-in ANSI art and writes it, with SAUCE
// records, to art/ans (the gallery's pieces to art/ans/gallery):
//
//	go run ./art/internal/mkart [-o art/ans]
//
// The pictures are drawn in pieces.go and gallery.go; this file only
// writes them out.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/x84bbs/x84/art"
)

// piece is one art file: its name (without .ans, with a folder for the
// gallery's), SAUCE title and drawing.
type piece struct {
	name, title string
	draw        func(*sheet)
}

// build returns the file for p: ANSI art followed by its SAUCE record.
func build(p piece) ([]byte, error) {
	var s sheet
	p.draw(&s)
	if !s.ice && s.brightBackground() {
		return nil, fmt.Errorf("%s: bright backgrounds in a piece without iCE colours", p.name)
	}
	body, err := s.ansi()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.name, err)
	}
	return art.Join(body, &art.SAUCE{
		Title:  p.title,
		Author: "x84",
		Group:  "x84",
		// A fixed date, so regenerating changes only what the drawing did.
		Date:      time.Date(2026, time.November, 25, 0, 0, 0, 0, time.UTC),
		DataType:  art.DataTypeCharacter,
		FileType:  art.FileTypeANSI,
		Width:     width,
		Height:    len(s.rows),
		ICEColors: s.ice,
		Font:      "IBM VGA",
	})
}

func main() {
	out := flag.String("o", filepath.Join("art", "ans"), "directory to write the .ans files to")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// write writes every piece to dir, leaving files that would not change
// untouched.
func write(dir string) error {
	for _, p := range pieces() {
		data, err := build(p)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, filepath.FromSlash(p.name)+".ans")
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
		fmt.Println("wrote", path)
	}
	return nil
}
