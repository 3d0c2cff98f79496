package ui

import (
	"strings"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/term"
)

// Quote returns text quoted for a reply, to start an Editor with: a line
// saying who wrote it ("On 2006-01-02 15:04, author wrote:", or "author
// wrote:" when is zero), then each line of the text behind "> ", wrapped
// to width cells (an Editor's width less one, 79 on an 80-column screen).
// Lines that were already quoted gain one more '>' ("> hi" and "> > hi"
// become ">> hi" and ">>> hi"), and blank lines become ">". Every line ends in "\n", so that the
// reply starts on the line after the quote. Escape sequences and control
// characters in the author and the text are dropped. The line saying
// who wrote it is in English; QuoteIn says it in a caller's language.
func Quote(author, text string, when time.Time, width int) string {
	return QuoteIn(lang.Fallback(), author, text, when, width)
}

// QuoteIn is Quote with the line saying who wrote it in p's language
// (the replying caller's: session.Session.Lang).
func QuoteIn(p *lang.Printer, author, text string, when time.Time, width int) string {
	var b strings.Builder
	if when.IsZero() {
		b.WriteString(p.T("ui.quote.wrote", "author", term.Sanitize(author)) + "\n")
	} else {
		b.WriteString(p.T("ui.quote.wrote_on", "date", when.Format("2006-01-02 15:04"), "author", term.Sanitize(author)) + "\n")
	}
	text = strings.TrimRight(cleanText(text), " \n")
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, " ")
		// The quote marks the line has, and the text after them.
		marks := len(line) - len(strings.TrimLeft(line, "> "))
		prefix := "> "
		if marks > 0 && line[0] == '>' {
			prefix = ">" + strings.ReplaceAll(line[:marks], " ", "") + " "
		} else {
			marks = 0
		}
		body := []rune(line[marks:])
		if len(body) == 0 {
			b.WriteString(strings.TrimRight(prefix, " ") + "\n")
			continue
		}
		for _, r := range appendWrapped(nil, body, max(width-len(prefix), 8)) {
			b.WriteString(prefix + strings.TrimRight(string(r.text), " ") + "\n")
		}
	}
	return b.String()
}
