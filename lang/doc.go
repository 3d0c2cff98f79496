// Package lang holds the board's text in the languages it speaks, as
// message catalogs: one TOML file per language, built in (catalogs/) or
// the sysop's own (DATA/lang/TAG.toml, which adds a language or replaces
// some of a built-in one's messages).
//
// A catalog names each message by an id in tables, one table per screen:
//
//	[login]
//	connected = "Connected to {board}, node {node}."
//
//	[who.count]          # a message with plural forms (CLDR's)
//	one   = "{n} caller online"
//	other = "{n} callers online"
//
// gives the messages "login.connected" and "who.count". Placeholders are
// names in braces, as in themes; English (the built-in en.toml) is the
// reference: a translation may use only the placeholders its English
// message has, and a message it lacks is shown in English. Load refuses
// a broken file with its file, line and id; Problems lists what the
// languages lack.
//
// A Printer speaks the first language of a caller's preferences the
// catalog has (the account's choice, then the terminal's LANG, then the
// board's default), matched as BCP 47 tags: "de_DE.UTF-8" from a
// terminal is German. github.com/nicksnyder/go-i18n/v2 keeps the
// messages, matches the languages and picks plural forms; placeholders
// are filled by this package's own brace parser, not text/template, so a
// sysop's catalog can only place the values a screen gives.
//
// A Catalog and its Printers are safe for concurrent use; a Catalog
// never changes once loaded (load another to reload).
package lang
