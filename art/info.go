package art

import (
	"fmt"
	"strings"
)

// Fact is one line of what a viewer says about a piece of art: a label
// and its value, both plain text.
type Fact struct {
	Label, Value string
}

// Title returns what to call the art: its SAUCE title, else its name
// without the gallery folder.
func (a *Art) Title() string { return title(a.Name, a.SAUCE) }

func title(name string, s *SAUCE) string {
	if s != nil && strings.TrimSpace(s.Title) != "" {
		return s.Title
	}
	return strings.TrimPrefix(name, galleryPrefix)
}

// Facts describes the art for a viewer's info panel, from its SAUCE
// record: title, author, group, date (YYYY-MM-DD), size in bytes (the
// art without its record), font, width × height (the record's, or as
// drawn when it gives none) and whether blink means a bright background
// (iCE colours). Art without a record gets a line saying so, its size
// and its width × height as drawn. Missing fields say "unknown".
func (a *Art) Facts() []Fact {
	size := Fact{"Size", byteCount(len(a.Body))}
	s := a.SAUCE
	if s == nil {
		return []Fact{
			{"SAUCE", "no SAUCE record"},
			size,
			{"Width × height", fmt.Sprintf("%d × %d", a.Width(), a.Height())},
		}
	}
	w, h := s.Width, s.Height
	if w <= 0 {
		w = a.Width()
	}
	if h <= 0 {
		h = a.Height()
	}
	date := ""
	if !s.Date.IsZero() {
		date = s.Date.Format("2006-01-02")
	}
	ice := "no"
	if s.ICEColors {
		ice = "yes"
	}
	return []Fact{
		{"Title", orUnknown(s.Title)},
		{"Author", orUnknown(s.Author)},
		{"Group", orUnknown(s.Group)},
		{"Date", orUnknown(date)},
		size,
		{"Font", orUnknown(s.Font)},
		{"Width × height", fmt.Sprintf("%d × %d", w, h)},
		{"iCE colours", ice},
	}
}

func orUnknown(v string) string {
	if strings.TrimSpace(v) == "" {
		return "unknown"
	}
	return v
}

// byteCount says a size in bytes: "512 bytes", "12.3 KiB (12595 bytes)".
func byteCount(n int) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/1024, n)
	}
	return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1024*1024), n)
}
