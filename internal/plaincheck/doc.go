// Package plaincheck reads a terminal's output as a screen reader or a
// braille display gets it, for the tests of x84's accessible mode: what
// in it is not plain text (Violations), and the lines it reads as
// (Lines).
//
// Plain text is printable UTF-8 in lines ended by CR LF, with Backspace
// as the only other control character, in rub-outs (n Backspaces, n
// spaces, n Backspaces: typed characters taken back). A CR without its
// LF (which would write over the line), a Backspace doing anything else
// and the bell are not plain text; nor are escape sequences of any kind
// (cursor addressing, clearing, colour, saving the cursor, OSC), C1
// controls and invalid UTF-8.
//
// Concurrency: the functions keep no state.
package plaincheck
