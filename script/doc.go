// Package script runs sysops' JavaScript screens. A sysop puts
// DATA/scripts/NAME.js on the board and a menu entry names it; Engine.Run
// runs it for a caller as a screen, in a JavaScript runtime of its own
// (github.com/dop251/goja, ECMAScript 5.1 with most of ES2015 and later),
// until it ends or the caller leaves. docs/scripts.md is the sysop's
// reference to the API, the global object bbs.
//
// # Files
//
// A script is a file NAME.js of Config.Dir, NAME being 1 to 32 of a–z,
// 0–9, '_' and '-'; the file is opened through an os.Root, so no name or
// symbolic link reaches outside the folder. A sysop's file replaces a
// built-in script (Config.Builtin) of the same name. Programs are
// compiled once and kept; each run looks at the file's size and
// modification time (one stat) and compiles it again when either
// changed, so an edit takes effect at the next run. A script that does
// not compile, or is larger than Limits.MaxFileSize, is not run: the
// caller reads that it has an error, the log gets the error with its
// file, line and column.
//
// # The sandbox
//
// Each run has a fresh runtime holding only the standard ECMAScript
// globals, bbs, and console (whose functions write to the log as
// bbs.log does). There is no require, no timers, no file, network or
// process access: everything a script does to the world goes through
// bbs, and so through the board's services and their rules (the
// one-liners' length and interval, who may read which message) and the
// store's bounds. Text a script writes is sysop text: escape sequences
// and control characters in it are removed, and pipe colours and
// @-codes rendered (package markup), so a script cannot send the
// terminal anything but text, colours and the cursor moves of the API.
// What scripts get back from other callers (handles, one-liners,
// messages) is plain data, cleaned again when written.
//
// # Languages
//
// Scripts are written in English; the catalogs (package lang) translate
// them. bbs.language is the caller's language's tag ("en", "de").
// bbs.text(key, text, vars) returns the caller's language's own message
// "scripts.NAME.key" if it has one (lang.Printer.Or), else text, the
// {name} placeholders of either filled from vars, an object of strings
// and numbers (converted as JavaScript converts them); {{ and }} are
// braces, and a placeholder with no value is left as written. A key is
// 1 to 64 of a–z, 0–9 and _, words joined by dots (a catalog's table
// path); a text is at most lang.MaxMessage bytes and vars at most 20
// values of 1 KiB, so a result stays under 1 MiB; anything else throws.
// The bundled scripts write all their callers' text through bbs.text;
// their German is lang/catalogs/de/scripts.toml. The engine's own words
// (a script that cannot run, was stopped or failed; the refusals of the
// board's services that the API throws for scripts to show) are the
// catalogs' script table, in the caller's language too.
//
// # Limits
//
// A run is stopped, the caller told why and the log told where, when:
//
//   - its JavaScript runs longer than Limits.Time between two waits for
//     the caller (bbs.key, prompt, confirm, form, pause, sleep,
//     showArt; a sleep or a key's timeout waits 10 ms at least, so that
//     a loop of them cannot spin). A wait that returns in less than
//     that (a key typed ahead, a call that throws on a bad argument)
//     does not start a new span: only its own time is left out. A wait
//     converts its arguments before it pauses the watchdog and makes
//     its result after, so no JavaScript (a valueOf, a getter, a
//     setter) runs unwatched. The time a write waits for a slow
//     connection does not count; calls to the board's services and
//     store do, so a loop of them is stopped like any other. Describing
//     what a script threw (its message may be a getter) is watched the
//     same way. A watchdog goroutine samples the run every few
//     milliseconds while the JavaScript runs and interrupts it (goja's
//     Runtime.Interrupt, which no try/catch or finally can intercept);
//     it sleeps while the script waits, so a waiting script costs no
//     CPU.
//   - the heap grows by more than Limits.MemoryMiB during such a span.
//     Go has no per-goroutine memory accounting, so this is an
//     approximation: the watchdog reads the process's heap
//     (runtime/metrics /memory/classes/heap/objects:bytes) when the
//     span starts and at each sample, and when the growth passes the
//     limit it collects garbage (runtime.GC) and looks again, stopping
//     the script only if the heap is still over. The measure is of the
//     whole process, so other sessions' allocations in the same span
//     count too (spans are short: they end at every wait; but a busy
//     board's live heap can grow for other reasons); the limit stops
//     runaway allocation, it is not a quota.
//   - the heap grows by more than 4 × Limits.MemoryMiB since the run
//     began (the base lowered by each collection): memory a script
//     keeps a little at a time across many waits. This is measured
//     when each wait ends, as well as in the samples, since spans
//     between waits can be shorter than a sample; the same caveats
//     apply, and other sessions' growth over a long run counts too.
//   - its calls nest deeper than Limits.CallStack.
//   - the caller hangs up: every wait reads keys (bbs.sleep too, keeping
//     up to 64 typed keys for the next bbs.key, confirm or pause), and a
//     read is what notices a hang-up on a direct connection.
//
// The parser and compiler recurse in Go for each level of nesting, and
// a Go stack overflow is fatal to the process: a script file whose
// brackets nest deeper than 1000 levels is refused before it is
// compiled (nesting.go), and code cannot be made from text at run time
// (eval is removed; Function and the generator and async function
// constructors throw, see sandbox.go). Regular expressions that goja
// hands to regexp2 (backreferences, lookaround) can backtrack for ever
// inside one call: regexp2.DefaultMatchTimeout is set to 1 second for
// the process, after which the match fails.
//
// goja cannot interrupt a built-in function while it runs, and some can
// make a huge value in a single call. The runtime's String.prototype
// repeat, padStart and padEnd, the Array.prototype methods that walk or
// copy the whole array, Array.from, Function.prototype.apply,
// Reflect.apply and construct, JSON.stringify, and the ArrayBuffer and
// typed array constructors are therefore wrapped with checks of the
// sizes involved (from Limits.MemoryMiB: strings of half as many
// characters as bytes, arrays of a sixteenth as many elements) that
// throw a RangeError before the call; JSON.stringify and join estimate
// the text they would make, shared parts counted each time they are
// reached, and refuse values nested more than 1000 deep. Also guarded:
// String.prototype concat (objects converted first, so what is counted
// is what is used), replace and replaceAll (estimated from the number
// of possible matches and the replacement, $` and $' counted as the
// whole string; a replacement function's results are counted as they
// come), split, String.raw, the string iterator and Object.keys,
// values, entries and getOwnPropertyNames of a string (an element per
// character), Array.prototype.flat (its elements down to the depth),
// and the typed arrays' join, toString and toLocaleString. Not guarded:
// the other regular expression methods, and what toJSON methods or a
// replacer give JSON.stringify, whose cost is bounded by their inputs
// but can multiply them. The guards cost
// about 120 KB of heap and 0.2 ms at the start of each run (the
// runtime makes its built-ins lazily; wrapping makes them).
//
// A script that throws, or a Go panic in an API call, ends the run the
// same way: the caller reads the message ("The script NAME failed: …")
// and presses a key, and Run returns nil, back to the menu. Only the end
// of the call (the caller hung up, the session closed or idled out, the
// board stopping) is returned as an error, as every screen returns it.
//
// # Concurrency
//
// An Engine is safe for concurrent use; its cache of programs is
// guarded by a mutex held only to read or store an entry. A run belongs
// to the goroutine that called Run, with two exceptions: its watchdog's
// goroutine, started and waited for by Run, which shares the run's
// timing under a leaf mutex and calls Runtime.Interrupt; and the
// delivery of bbs.events, which the bus calls on the publisher's
// goroutine and which only appends to a bounded queue under a leaf
// mutex. Every goroutine of a run has ended when Run returns.
package script
