// Package markup renders the text a sysop writes for the board (menu
// labels, prompts, theme colours, news, script output) and the colour a
// caller may type, for a terminal.
//
// Two kinds of code are understood:
//
//   - Pipe colour codes, as Renegade and Mystic write them: |00–|07 the
//     DOS foreground colours (black, blue, green, cyan, red, magenta,
//     brown, light grey, in DOS's order, not ANSI's), |08–|15 their bright
//     forms, |16–|23 the backgrounds in the same order. They become SGR
//     sequences, as the art renderer writes them: 30–37 and 90–97 for the
//     foreground, 40–47 for the background, or with 256 colours xterm
//     palette indexes that a terminal's own palette does not change. A
//     '|' not followed by two digits from 00 to 23 is shown as it is.
//
//   - @-codes, @NAME@ or @NAME:W@, where NAME is 2 to 16 of A–Z, 0–9 and
//     '_' and W a width from 1 to 200: the value the caller of Render
//     gives for NAME, padded with spaces or cut to W columns. A code
//     whose name has no value is shown as it is, so e-mail addresses
//     survive. Values are plain text: control characters are removed and
//     codes inside them are shown as written, so a caller named "|12bob"
//     shows as that.
//
// The board fills these standard @-codes (constants VarUser…VarRows):
//
//	USER      the caller's handle
//	NODE      the caller's node number
//	BBS       the board's name
//	TIMELEFT  minutes left in the call, or "unlimited"
//	DATE      today's date, YYYY-MM-DD
//	TIME      the time of day, HH:MM (24 hours)
//	CALLS     how many calls the caller has made
//	LOCATION  where the caller says they are
//	ONLINE    how many callers are online
//	COLS      the caller's terminal width in columns
//	ROWS      the caller's terminal height in rows
//
// Render is for the sysop's text; RenderCaller for a caller's, with colour
// codes only and no invisible colours; Strip and Width give the plain
// text and its width in columns; Colour turns a theme's colour spec such
// as "|15|17" into its SGR sequence.
//
// Text from anywhere is safe to pass: escape sequences and control
// characters in it are removed before codes are read, the output holds
// no escape sequences but the SGR colours this package writes, its size
// is bounded by a fixed multiple of the input's (see Render), and all
// work is linear in the input.
//
// Concurrency: the functions keep no state and may be called from any
// goroutine. Render does not change its Vars.
package markup
