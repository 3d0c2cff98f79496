package account

import (
	"context"

	"golang.org/x/text/language"

	"github.com/x84bbs/x84/store"
)

// maxLanguageTag bounds a language tag; BCP 47 tags in use are far
// shorter ("pt-BR", "zh-Hant-TW").
const maxLanguageTag = 35

// SetLanguage sets the language the account's screens speak, a BCP 47
// tag such as "de" (store.User.Language); "" follows the terminal's
// LANG. The board shows a language it lacks in its default.
func (s *Service) SetLanguage(ctx context.Context, id int64, tag string) (*store.User, error) {
	if tag != "" {
		t, err := language.Parse(tag)
		if err != nil || len(tag) > maxLanguageTag || t == language.Und {
			return nil, &InvalidError{Field: "language", Msg: "That is not a language tag, such as en or de.", ID: "rules.language"}
		}
		tag = t.String()
	}
	return s.modify(ctx, id, func(u *store.User) { u.Language = tag })
}
