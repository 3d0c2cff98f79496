// Package xfer moves files over a caller's terminal connection with the
// protocols BBS terminal programs speak: XMODEM (128-byte blocks with a
// checksum or CRC-16, and XMODEM-1K), YMODEM batch (1024-byte blocks,
// CRC-16, each file's name, size and time in a header block) and ZMODEM
// (a streaming batch, CRC-32 or CRC-16, that resumes where a receiver
// already holds part of a file).
//
// Both sides are here: ReceiveX, ReceiveY and ReceiveZ take a caller's
// upload, SendX, SendY and SendZ send a download. They work on a Conn:
// the session's bytes as the protocol delivered them, with a read
// deadline for the protocol's timeouts. Every wait is bounded (startWait
// for the other side to begin, blockWait for a block or its answer,
// maxRetries for one block, or in ZMODEM one place in the file), a
// peer's CAN CAN (ZMODEM: five CANs) ends the transfer with
// ErrCancelled, and a failure on our side sends CANs (ZMODEM: eight,
// then backspaces to erase them from a screen). A receiver holds one
// block at a time (to know the last one, whose padding it drops) and
// bounds each file with Options.MaxSize.
//
// XMODEM carries no length: the SUB bytes padding the last block are
// dropped, so a file that itself ends in SUB bytes loses them; YMODEM
// and ZMODEM carry the length and keep them. Names from a YMODEM header
// or a ZMODEM ZFILE are the sender's, unchecked: the caller must check
// them (filearea's rules).
//
// ZMODEM: SendZ sends "rz\r" and ZRQINIT (terminal programs start their
// receiver on it), then each file as 1 KiB subpackets, escaped and
// written in pieces of tens of KiB. It asks for a ZACK every 128 KiB and
// runs at most 512 KiB ahead of the last one, so that a receiver that
// saw damage (ZRPOS) has little to skip: lrzsz's rz gives up after
// skipping about 800 KB. A ZRPOS at the start of a file resumes it
// there (rz --resume); one later goes back, after a ZDATA with an empty
// ZCRCW subpacket whose ZACK says the receiver is there again, so that
// the ZRPOS it repeated meanwhile are not taken for new damage. A ZSKIP
// skips the file. ReceiveZ offers CRC-32 and full streaming, takes
// subpackets of up to 8 KiB (lrzsz's sz -8), acknowledges ZCRCQ and
// ZCRCW, asks again from where it is on damage, starts every file at 0,
// ignores the sender's file options, refuses remote commands (ZCOMMAND)
// and lets create skip a file (ErrSkip). Options.Progress hears how each
// file goes.
//
// The tests run Debian's lrzsz (sx/rx, sb/rb, sz/rz) against each side
// over pipes, with every byte value in the data, line noise, resuming
// and cancels from either side; BenchmarkZmodem compares the throughput
// with lrzsz against itself.
package xfer
