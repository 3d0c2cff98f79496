// Package filearea serves the board's file area over SFTP: the handlers
// that x84's ssh server passes to github.com/pkg/sftp's RequestServer
// for the "sftp" subsystem (SFTP version 3,
// draft-ietf-secsh-filexfer-02).
//
//	area, err := filearea.Open(filearea.Config{Dir: "DATA/files", Uploads: st.Uploads})
//	…
//	fs, err := area.NewSession(ctx, filearea.User{ID: id, Handle: h, Sysop: s})
//	if err != nil { … } // ErrTooManySessions
//	defer fs.Close()
//	srv := sftp.NewRequestServer(channel, fs.Handlers())
//	err = srv.Serve()
//
// # Confinement
//
// A request's path ("/uploads/x", "../x", "/etc/passwd") is cleaned as
// if it began at "/", and "/" is the area's root, so no path names a
// place above the root. Every file system call then goes through one
// *os.Root opened on the area: the kernel-level checks of os.Root refuse
// symlinks that lead outside the root (absolute ones included), at any
// component of the path. Such refusals reach the client as permission
// denied. Readlink answers only for links whose target stays inside.
//
// # Rules
//
//   - Everyone may list, stat and download everything in the area but
//     the upload folder (Config.UploadDir, x/84's drop box) and what the
//     board's AccessHook hides from him (SetAccessHook: the folders of
//     file areas that need a level, a group or a sysop, as the user's
//     account stood when the session began). In the drop box a user
//     sees only his own uploads, and sysops see everything, until a
//     sysop releases a file by moving it into the area. What a user may
//     not see answers "no such file", and listings and the tagged folder
//     leave it out; the hook judges a symlink's target, not the link.
//     Listings show symlinks as symlinks (lstat, as OpenSSH does); Stat,
//     List and Get follow links only inside the area.
//   - Users upload only directly into the upload folder. Uploads belong
//     to the account (User.ID, store.Upload.OwnerID), not the handle: a
//     file there that exists may be replaced only by the account its
//     upload record names; one without a record, or whose account was
//     deleted, only by a sysop. Sysops may upload anywhere, but not over
//     another user's upload either. Guests (ID 0) may not upload, nor
//     anyone the AccessHook's MayUpload refuses (an account awaiting a
//     sysop's validation).
//   - Config.MaxUpload bounds every file, Config.Quota the bytes and
//     Config.MaxFiles the files one user keeps in the upload folder
//     (store.Uploads.UploadUsage, with this upload, less the user's own
//     file it replaces, and the user's other uploads in progress).
//     Sysops have neither quota nor file limit.
//   - Sysops may also rename (Rename refuses to replace, PosixRename
//     replaces), remove files, and make and remove directories, but not
//     move or remove the root or the upload folder. Upload records
//     follow renames and removals in the upload folder.
//   - Setstat changes nothing and succeeds for sysops on any existing file
//     and for users on their own uploads (clients set times after a put);
//     it is refused otherwise. Symlink and Link are refused for everyone.
//   - New names (uploads, renames, folders) must be clean: no control
//     characters, escape sequences, invisible or direction-changing
//     characters (what term.Sanitize would change), no backslash. Names
//     already on disk that are not are listed escaped (\x1b, \u202e,
//     \\), and the escaped form names the file in requests.
//
// # The tagged folder
//
// With Config.Tagged set, the root holds a virtual folder, TaggedDir
// ("@tagged"), listing the files the user tagged in the terminal's Files
// screen that exist and that the user may see, by base name (the first
// tagged of two with one name): "get @tagged/*" fetches the batch. It is
// read only, and hides a real folder of that name.
//
// # Terminal transfers
//
// The terminal's Files screen works on a Session too (List, Open, Peek,
// Create, Rename, Remove): a ZMODEM download passes the checks an sftp
// read passes, and an upload by ZMODEM, YMODEM or XMODEM goes into the
// upload folder under the rules below (never over an existing file).
// Upload.Commit puts it in place as an sftp close does; Upload.Abort
// throws it away, as a dropped connection does.
//
// # Limits per session and per user
//
// A session holds at most Config.MaxOpen open handles (downloads,
// uploads, directory listings), a user at most Config.MaxOpenPerUser
// over all his sessions, and at most Config.MaxSessionsPerUser sessions
// (NewSession returns ErrTooManySessions). A refused open gets a failure
// naming the limit. A session's requests other than reads and writes of
// open handles are paced at Config.RequestsPerSecond: more wait their
// turn, which slows a flood without failing an honest client.
//
// Every refused operation returns one of pkg/sftp's status codes (no such
// file, permission denied, failure with a message naming the rule or
// limit) and is logged, "filearea: refused" with user, op, path, reason
// and status: no such file at Debug, other refusals at Warn, and
// failures of the system at Error. A session logs at most
// Config.LinesPerSecond lines a second (refusals, uploads, changes); the next line logged counts
// those held back ("unlogged_before"), and paths and reasons are escaped
// and cut to Config.MaxLogValue bytes. A refusal never ends the
// connection.
//
// # Uploads
//
// An upload is written to a temporary file in the target's directory,
// named ".x84-upload-" and 26 random base32 characters and created with
// O_EXCL, mode 0644. Names with that prefix are hidden from every
// request and may not be chosen by clients. An upload opened without
// O_TRUNC over an existing file (a resumed upload) starts as a copy of
// that file.
//
// Writes are checked against the limits as they arrive; the first write
// past one fails, with ErrTooLarge or ErrQuota wrapped in a failure
// status, removes the temporary file and ends the upload: later writes
// and the close return the same error. When the client closes the
// handle, Close syncs the file, checks ownership and quota once more
// under the area's commit lock, records the upload in store.Uploads,
// renames the file over its real name and syncs the directory. So that
// the sync does not keep the client waiting for the whole file to reach
// the disk, the kernel is asked to start writing it every 8 MiB as it
// arrives (sync_file_range on Linux; elsewhere the sync does it all).
//
// An upload the client never closed must not be renamed. pkg/sftp calls
// Close both when the client closes a handle and when Serve returns with
// the handle still open (the connection died); in the second case, and
// only then, RequestServer.Serve (v1.13.12) first calls the optional
// TransferError method of the writer with the error that ended it. The
// upload implements TransferError to mark itself abandoned, and Close
// then removes the temporary file. As a second guard, Close also
// discards the upload when the context given to Handlers is done, so the
// ssh server should cancel it when the connection ends. Temporary files
// left by a crash are removed by Open, which walks the area for them.
//
// # Concurrency
//
// An Area is safe for concurrent use by any number of sessions, and a
// session's handlers by pkg/sftp's workers, which run reads and writes of
// one handle in parallel. Locks, in the order they are taken: an
// upload's mutex (held for reading by ReadAt and WriteAt, for writing by
// whatever ends the upload), the area's commit mutex (committing an
// upload, Rename, Remove; held during store calls), then the area's
// mutex over the uploads in progress, sessions and open handles per
// user; a session's mutex over its uploads in progress and handles is a
// leaf, as is its refusal-logging mutex. The package starts no
// goroutines.
//
// Transfers use ReadAt and WriteAt on the files themselves: Get returns
// the *os.File, so pkg/sftp reads straight into its packet buffers.
package filearea
