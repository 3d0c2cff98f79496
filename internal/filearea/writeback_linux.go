package filearea

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing the range [off, off+n)
// of f to disk, without waiting for it (sync_file_range with
// SYNC_FILE_RANGE_WRITE), so that the sync when the upload closes has
// little left to do. It is only a hint: an error changes nothing, the
// sync at close still writes everything.
func startWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
