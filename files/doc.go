// Package files holds the rules of the board's file areas, with no user
// interface: which areas a caller sees, what each file shows (size,
// date, downloads, a description from its FILE_ID.DIZ or the sysop),
// search, files new since a caller's last call, tagging for a batch
// download, the download ratio, uploads held for a sysop's review, and
// the one-time links the browser terminal downloads with. The terminal's
// Files screen, the web server and a custom board call it; the files
// themselves go through internal/filearea, so that what sftp refuses a
// terminal transfer refuses too.
//
// A Browser is one caller's look at the areas during a call: it holds
// a filearea.Session (one of the caller's sessions on the area) and
// belongs to that caller's goroutine. The Service is safe for concurrent
// use.
//
// Areas are folders of the file area ([[files.area]] in x84.toml); their
// files are the regular files directly in the folder. Uploads land in
// the area's upload folder, hidden from other callers, until a sysop
// releases them into an area with a description (Browser.Release) or
// deletes them. Download counts, descriptions, tags and each account's
// totals live in store.Files.
//
// An area may be for sysops only, or need a security level or a group
// (AreaConfig.Need, checked by package access against User.Account): a
// caller who does not meet it does not see it in Areas or in searches,
// and List and Receive refuse it (ErrNoArea). A path handed in (Tag,
// Tagged, Prepare, View, Link, and so Redeem) is judged by the area that
// holds it, the deepest area folder it lies in: a file of an area the
// caller may not see is refused with ErrNoArea, and left out of Tagged
// (its tag kept). New gives the file area an AccessHook with the same
// rule, so sftp hides and refuses those folders too, for the account as
// it stood when the sftp session began; a folder on the way to an area
// the caller sees stays open, without its own files. What lies in no
// area (a folder no [[files.area]] names, when the root is none) is
// listed nowhere in the terminal but served over sftp, so keep private
// files in an area with a need, or outside the file area.
//
// An account awaiting a sysop's validation reads what level 0 opens, but
// uploads nothing, by the Files screen or sftp: Receive and the sftp
// upload answer access.ErrUnvalidated.
//
// Limits: a caller tags at most Config.MaxTags files, and a batch is at
// most Config.MaxBatch bytes; listings stop at MaxListed files and
// searches at MaxFound matches; descriptions read from archives are
// cached for MaxCached files.
package files
