package board

import (
	"context"
	"time"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/store"
)

// envLanguages are the environment variables that name a terminal's
// language, in the order POSIX gives them weight.
var envLanguages = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// terminalLanguages returns the languages the caller's terminal asks
// for: LC_ALL, LC_MESSAGES and LANG as the client sent them (telnet's
// NEW-ENVIRON, ssh's env requests).
func terminalLanguages(s *session.Session) []string {
	env := s.Info().Env
	prefs := make([]string, 0, len(envLanguages))
	for _, k := range envLanguages {
		if v := env[k]; v != "" {
			prefs = append(prefs, v)
		}
	}
	return prefs
}

// printer returns the printer of the first of prefs the board speaks
// (its default when none): one per language, shared by every call.
func (b *Board) printer(prefs ...string) *lang.Printer {
	tag := b.lang.Match(prefs...)
	if p, ok := b.printers.Load(tag); ok {
		return p.(*lang.Printer)
	}
	p, _ := b.printers.LoadOrStore(tag, b.lang.Printer(tag))
	return p.(*lang.Printer)
}

// chooseLanguage gives the session the language its caller wants: the
// account's choice (u may be nil before login), else the terminal's,
// else the board's default.
func (b *Board) chooseLanguage(s *session.Session, u *store.User) {
	prefs := terminalLanguages(s)
	if u != nil && u.Language != "" {
		prefs = append([]string{u.Language}, prefs...)
	}
	s.SetLang(b.printer(prefs...))
}

// Languages returns the languages the board speaks, its default first.
func (b *Board) Languages() []lang.Language { return b.lang.Languages() }

// languageValue is the profile's line for the caller's language: its
// own name, and whether the account chose it or the terminal did.
func languageValue(c *Call) string {
	name := c.Board.languageName(c.Lang().Tag())
	if c.User.Language == "" {
		return c.T("profile.language_auto", "language", name)
	}
	return name
}

// languageName returns a language's name for itself ("Deutsch").
func (b *Board) languageName(tag string) string {
	for _, l := range b.lang.Languages() {
		if l.Tag == tag {
			return l.Name
		}
	}
	return tag
}

// nextLanguage moves the account to the board's next language, and
// after the last back to the terminal's: a key press each, as the
// encoding does, so that it works the same on plain screens.
func nextLanguage(ctx context.Context, c *Call) (string, string, error) {
	langs := c.Board.lang.Languages()
	next := ""
	if c.User.Language == "" {
		next = langs[0].Tag
	} else {
		for i, l := range langs {
			if l.Tag == c.User.Language && i+1 < len(langs) {
				next = langs[i+1].Tag
			}
		}
	}
	u, err := c.Board.cfg.Accounts.SetLanguage(ctx, c.User.ID, next)
	if err := c.changed(u, err); err != nil {
		return "", "", err
	}
	c.Board.chooseLanguage(c.Session, c.User)
	c.Theme = c.Board.themeFor(c.Session)
	return c.T("profile.language_saved", "language", c.Board.languageName(c.Lang().Tag())), c.Theme.OK, nil
}

// dateLayouts are the date layouts the screens use, in English, and the
// message that gives each in the caller's language (dates.*).
var dateLayouts = map[string]string{
	"Mon Jan 02 15:04":      "dates.day_time",
	"Jan 02 15:04":          "dates.date_time",
	"Mon Jan 02 2006 15:04": "dates.full",
	"Jan 02":                "dates.day_month",
	"Jan 02 2006":           "dates.date",
	"Jan 2 2006":            "dates.plain_date",
	"Jan 2":                 "dates.plain_day_month",
	"Mon Jan 2 15:04":       "dates.plain_day_time",
	"Jan 2 15:04":           "dates.plain_date_time",
	"Mon Jan 2 2006 15:04":  "dates.plain_full",
}

// date writes t as layout (one of dateLayouts, in English) would, in the
// caller's language's layout.
func (c *Call) date(t time.Time, layout string) string { return dateIn(c.Lang(), t, layout) }

// dateIn is date in the language of p.
func dateIn(p *lang.Printer, t time.Time, layout string) string {
	if id, ok := dateLayouts[layout]; ok {
		layout = p.T(id)
	}
	return t.Format(layout)
}
