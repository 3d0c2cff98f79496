// Package xfer moves files over a caller's terminal connection with the
// protocols BBS terminal programs speak: XMODEM (128-byte blocks with a
// checksum or CRC-16, and XMODEM-1K) and YMODEM batch (1024-byte blocks,
// CRC-16, each file's name, size and time in a header block). ZMODEM is
// to come (issue 16); the file screens that use these are too.
//
// Both sides are here: ReceiveX and ReceiveY take a caller's upload,
// SendX and SendY send a download. They work on a Conn: the session's
// bytes as the protocol delivered them, with a read deadline for the
// protocol's timeouts. Every wait is bounded (startWait for the other
// side to begin, blockWait for a block or its answer, maxRetries for one
// block), a peer's CAN CAN ends the transfer with ErrCancelled, and a
// failure on our side sends CAN CAN. A receiver holds one block at a time
// (to know the last one, whose padding it drops) and bounds each file
// with Options.MaxSize.
//
// XMODEM carries no length: the SUB bytes padding the last block are
// dropped, so a file that itself ends in SUB bytes loses them; YMODEM
// carries the length and keeps them. Names from a YMODEM header are the
// sender's, unchecked: the caller must check them (filearea's rules).
//
// The tests run Debian's lrzsz (sx/rx, sb/rb) against each side over
// pipes, with every byte value in the data.
package xfer
