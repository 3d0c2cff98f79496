// Package access decides who may use what: a message or file area, a
// door, a menu entry or a script may need a security level, a group, or
// both (a Need), and a caller meets it or not (Need.Allows). Screens
// list only what a caller may use, and the services refuse the rest, so
// both ask this one rule.
//
// Sysops meet every need. An account awaiting a sysop's validation
// (store.GroupUnvalidated) counts as level 0 in no group until it is
// validated, so that a board with validation shows it only what needs
// nothing. Guests (a nil account) are level 0 in no group too. Beyond
// what its level opens, such an account may not post, upload or run
// doors: the services ask CheckValidated, and refuse with
// ErrUnvalidated, whatever a sysop's menus offer.
//
// The groups sysop, locked and unvalidated have a meaning to the board
// and are set by their own commands; Need.Check refuses them as what
// something requires (ErrReservedGroup).
package access
