// Package diz reads the description of an archive the way BBS file areas
// do: from the FILE_ID.DIZ inside it.
//
// A FILE_ID.DIZ ("description in zip") is a short text file that the
// author puts at the top level of an archive: by convention up to 10
// lines of at most 45 columns, in the IBM PC's code page 437, often with
// box-drawing characters and sometimes with ANSI colour codes. File
// lists show it under the file's name. DESC.SDI is an older name for the
// same thing and is used when there is no FILE_ID.DIZ.
//
//	desc, err := diz.FromFile(root, "pub/utils/pkz204g.zip")
//	if err != nil { … } // not a readable zip: show no description
//
// The text comes back as clean UTF-8 to show to others: decoded from
// CP437 unless it is valid UTF-8, cut at a DOS end-of-file mark (^Z,
// which also drops an ANSI artist's SAUCE record), without escape
// sequences or other control characters (term.SanitizeText), with line
// ends as "\n", tabs as spaces, no trailing spaces or blank lines, and at
// most MaxLines lines.
//
// # Limits
//
// Archives come from uploaders, and a zip describes itself: its central
// directory may claim any number of entries and any sizes. So:
//
//   - MaxDIZ (8 KiB): at most MaxDIZ+1 bytes of a description are ever
//     decompressed, whatever size the archive claims, so a zip bomb costs
//     nothing; a longer description is cut, not refused.
//   - MaxEntries (10000) and MaxDirectory (4 MiB): archive/zip loads the
//     whole central directory into memory, about six bytes of heap for
//     every byte of directory, and it reads entries until one does not
//     parse, checking their count only modulo 65536 (a 48 MB directory of
//     a million empty entries that claims 5 costs 266 MB). Before
//     handing the archive to archive/zip, FromZip reads the
//     end-of-central-directory record itself (and its zip64 form) and
//     refuses an archive that claims more than MaxEntries entries or a
//     directory larger than MaxDirectory; while archive/zip reads the
//     directory, reads beyond MaxDirectory plus the few hundred KiB its
//     search for the end record and comment can take fail, so a directory
//     that lies about its size or count is refused too, and a count over
//     MaxEntries found is refused after the fact. One call thus costs at
//     most about 26 MiB of short-lived memory (a hostile directory of
//     empty entries), a few tens of KiB for an ordinary archive.
//     Refusals are errors wrapping ErrTooLarge.
//   - MaxLines (20): the lines kept, twice the convention.
//
// A result holds at most MaxLines lines and at most 8*MaxDIZ bytes (a
// byte read becomes at most three bytes of UTF-8, a tab at most eight
// spaces).
//
// Encrypted entries, and entries in compression methods archive/zip does
// not know (the Shrink and Implode of PKZIP 1.x, LZMA…) or that do not
// decompress or fail their checksum, count as no description.
//
// Functions in this package keep no state and are safe for concurrent use.
package diz
