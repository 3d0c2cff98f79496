package webadmin

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxSearch bounds the text searched for in a list (handles, bans).
const maxSearch = 64

// searchText is a list's search as asked in the query, trimmed and cut
// to maxSearch characters.
func searchText(asked string) string {
	s := strings.TrimSpace(asked)
	if utf8.RuneCountInString(s) > maxSearch {
		s = string([]rune(s)[:maxSearch])
	}
	return s
}

// pager is one page of a list: which, of how many, and links to the
// pages before and after ("" for none).
type pager struct {
	Page, Pages int
	Prev, Next  string
}

// paginate picks the page asked for (a number, clamped to the pages
// there are) of total rows, size a page, and returns it with the rows'
// bounds [from, to); link writes the address of a page.
func paginate(total, size int, asked string, link func(page int) string) (p pager, from, to int) {
	p.Pages = max(1, (total+size-1)/size)
	n, _ := strconv.Atoi(asked)
	p.Page = min(max(n, 1), p.Pages)
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	from = (p.Page - 1) * size
	return p, from, min(from+size, total)
}
