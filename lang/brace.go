package lang

import (
	"fmt"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n/template"
)

// braceParser parses messages with {name} placeholders. Text/template
// would let a catalog run loops and call functions; this only places
// values.
type braceParser struct{}

func (braceParser) Cacheable() bool { return true }

func (braceParser) Parse(src, _, _ string) (template.ParsedTemplate, error) {
	return parseBraces(src)
}

// braced is a parsed message: literal text and placeholder names, in
// turn; parts[0] is text, parts[1] a name, and so on.
type braced struct{ parts []string }

// parseBraces splits src at its placeholders. "{{" and "}}" are literal
// braces; a "{" that opens no name is an error.
func parseBraces(src string) (*braced, error) {
	var parts []string
	var text strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '{' && i+1 < len(src) && src[i+1] == '{':
			text.WriteByte('{')
			i++
		case c == '}' && i+1 < len(src) && src[i+1] == '}':
			text.WriteByte('}')
			i++
		case c == '{':
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				return nil, fmt.Errorf("a { at byte %d is never closed (write {{ for a brace)", i)
			}
			name := src[i+1 : i+end]
			if !isName(name) {
				return nil, fmt.Errorf("{%s} is not a placeholder: use letters, digits and _ (write {{ for a brace)", name)
			}
			parts = append(parts, text.String(), name)
			text.Reset()
			i += end
		case c == '}':
			return nil, fmt.Errorf("a } at byte %d closes nothing (write }} for a brace)", i)
		default:
			text.WriteByte(c)
		}
	}
	return &braced{parts: append(parts, text.String())}, nil
}

func isName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// names returns the placeholders used.
func (b *braced) names() []string {
	var ns []string
	for i := 1; i < len(b.parts); i += 2 {
		ns = append(ns, b.parts[i])
	}
	return ns
}

// Execute fills the placeholders from data, a map[string]string; a name
// with no value is left as it was written, so a mistake shows.
func (b *braced) Execute(data any) (string, error) {
	vals, _ := data.(map[string]string)
	var out strings.Builder
	for i, p := range b.parts {
		if i%2 == 0 {
			out.WriteString(p)
			continue
		}
		if v, ok := vals[p]; ok {
			out.WriteString(v)
		} else {
			out.WriteString("{" + p + "}")
		}
	}
	return out.String(), nil
}
