package xfer

import (
	"bufio"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
	"time"
)

// zsend is the sending side of a ZMODEM session.
type zsend struct {
	in    *zin
	out   *zout
	opts  Options
	use32 bool  // the receiver takes CRC-32
	frame int64 // > 0: end a frame with ZCRCW every frame bytes and wait (the receiver cannot stream)
	data  []byte
}

// SendZ sends files by ZMODEM batch and returns the bytes sent: each
// file's data from where the receiver asked it to start, not counting
// data sent again after an error. It honours the receiver's ZRPOS, so a
// receiver that already holds the start of a file (lrzsz `rz --resume`,
// crash recovery) gets only the rest; it seeks when the opened file is
// an io.Seeker, else reads and discards up to the offset. A ZSKIP skips
// the file. Only base names go out. Options.Progress hears each file's
// progress, and done == size once the receiver has taken it whole.
func SendZ(ctx context.Context, c Conn, files []Outgoing, opts Options) (int64, error) {
	s := &zsend{in: newZin(ctx, c), out: newZout(c), opts: opts, data: make([]byte, zsub)}
	defer s.out.done()
	n, err := s.run(files)
	if err != nil && err != ErrCancelled && ctx.Err() == nil && s.in.sawCancel(min(100*time.Millisecond, blockWait)) {
		err = ErrCancelled // a write that failed as the receiver left, say
	}
	if err != nil && err != ErrCancelled {
		s.out.abort()
	}
	return n, err
}

func (s *zsend) run(files []Outgoing) (int64, error) {
	if err := s.start(); err != nil {
		return 0, err
	}
	var total, left int64
	for _, f := range files {
		left += max(f.Size, 0)
	}
	for i, f := range files {
		n, err := s.sendFile(f, len(files)-i, left)
		total += n
		if err != nil {
			return total, err
		}
		left -= max(f.Size, 0)
	}
	return total, s.finish()
}

// start asks the receiver to start ("rz\r" starts lrzsz from a shell,
// ZRQINIT a terminal program's receiver), and takes its ZRINIT.
func (s *zsend) start() error {
	deadline := time.Now().Add(s.opts.startWait())
	for {
		s.out.raw('r', 'z', '\r')
		s.out.hexHeader(zrqinit, [4]byte{})
		if err := s.out.flush(); err != nil {
			return err
		}
		again := earlier(deadline, time.Now().Add(blockWait))
		for {
			h, err := s.in.readHeader(again)
			if err == errBadHeader {
				continue
			}
			if err == ErrTimeout && time.Now().Before(deadline) {
				break // ask again
			}
			if err != nil {
				return err
			}
			switch h.typ {
			case zrinit:
				s.init(h)
				return nil
			case zchallenge:
				if err := s.out.header(zack, h.arg); err != nil {
					return err
				}
			case zcan, zabort, zferr:
				return ErrCancelled
			}
		}
	}
}

// init takes the receiver's abilities from its ZRINIT.
func (s *zsend) init(h zhdr) {
	flags := h.arg[3]
	s.use32 = flags&canfc32 != 0
	if flags&escctl != 0 {
		s.out.esc = &zescCtl
	}
	s.frame = int64(h.arg[0]) | int64(h.arg[1])<<8
	if s.frame == 0 && flags&(canfdx|canovio) != canfdx|canovio {
		s.frame = 8 << 10 // it cannot hear us while it writes: wait for it often
	}
	if s.frame > 0 && s.frame < zsub {
		s.frame = zsub
	}
}

// finish ends the session: ZFIN, the receiver's ZFIN, "OO". The files
// are through by then; a receiver that does not answer is let be.
func (s *zsend) finish() error {
	for range 3 {
		if err := s.out.header(zfin, [4]byte{}); err != nil {
			return err
		}
		deadline := time.Now().Add(blockWait)
		for {
			h, err := s.in.readHeader(deadline)
			if err == errBadHeader {
				continue
			}
			if err == ErrTimeout {
				break
			}
			if err != nil {
				return err
			}
			if h.typ == zfin {
				s.out.raw('O', 'O')
				return s.out.flush()
			}
			if h.typ == zcan {
				return ErrCancelled
			}
		}
	}
	return nil
}

// zfileInfo is ZFILE's subpacket: base name NUL, then length, time and
// mode (octal), serial 0, files and bytes left, NUL.
func zfileInfo(f File, filesLeft int, bytesLeft int64) []byte {
	name := f.Name
	if i := strings.LastIndexAny(name, "/\\"); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, "\x00")
	if len(name) > 900 {
		name = name[:900]
	}
	b := append([]byte(name), 0)
	if f.Size >= 0 {
		var mtime int64
		if !f.ModTime.IsZero() {
			mtime = max(f.ModTime.Unix(), 0)
		}
		b = strconv.AppendInt(b, f.Size, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, mtime, 8)
		b = append(b, " 100644 0 "...)
		b = strconv.AppendInt(b, int64(filesLeft), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, max(bytesLeft, f.Size), 10)
	}
	return append(b, 0)
}

// zsrc is a file being sent, positioned where the receiver wants it.
type zsrc struct {
	open func() (io.ReadCloser, error)
	rc   io.ReadCloser
	br   *bufio.Reader
	off  int64 // the position of br's next byte
	size int64
}

// seek moves to pos: by Seek when the file can, else by reading on (and
// from a fresh open to go back).
func (f *zsrc) seek(pos int64) error {
	if pos == f.off {
		return nil
	}
	if f.size >= 0 && pos > f.size {
		return fmt.Errorf("%w: the receiver wants position %d of %d bytes", ErrProtocol, pos, f.size)
	}
	if sk, ok := f.rc.(io.Seeker); ok {
		if _, err := sk.Seek(pos, io.SeekStart); err != nil {
			return err
		}
		f.br.Reset(f.rc)
		f.off = pos
		return nil
	}
	if pos < f.off {
		rc, err := f.open()
		if err != nil {
			return err
		}
		f.rc.Close()
		f.rc = rc
		f.br.Reset(rc)
		f.off = 0
	}
	n, err := io.CopyN(io.Discard, f.br, pos-f.off)
	f.off += n
	if err == io.EOF {
		return fmt.Errorf("%w: the receiver wants position %d of %d bytes", ErrProtocol, pos, f.off)
	}
	return err
}

// read reads the next subpacket's data, and whether the file ends after it.
func (f *zsrc) read(p []byte) (int, bool, error) {
	n, err := io.ReadFull(f.br, p)
	f.off += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return n, true, nil
	}
	if err != nil {
		return n, false, err
	}
	_, err = f.br.Peek(1)
	if err == io.EOF {
		return n, true, nil
	}
	return n, false, err
}

// sendFile offers one file (ZFILE) and sends what the receiver wants of it.
func (s *zsend) sendFile(f Outgoing, filesLeft int, bytesLeft int64) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	src := &zsrc{open: f.Open, rc: rc, br: bufio.NewReaderSize(rc, 64<<10), size: f.Size}
	defer func() { src.rc.Close() }()
	info := zfileInfo(f.File, filesLeft, bytesLeft)
	tries := 0
	for send := true; ; {
		if send {
			if tries++; tries > maxRetries {
				return 0, ErrRetries
			}
			s.out.binHeader(zfile, [4]byte{3: zcbin}, s.use32)
			s.out.sub(info, zcrcw, s.use32)
			if err := s.out.flush(); err != nil {
				return 0, err
			}
		}
		h, err := s.in.readHeader(time.Now().Add(blockWait))
		send = err == ErrTimeout || err == errBadHeader
		if send {
			continue
		}
		if err != nil {
			return 0, err
		}
		switch h.typ {
		case zrpos:
			return s.sendData(src, h.pos(), f.Name)
		case zskip:
			return 0, nil
		case znak:
			send = true
		case zcrc:
			if err := s.answerCRC(f, h.pos()); err != nil {
				return 0, err
			}
		case zchallenge:
			if err := s.out.header(zack, h.arg); err != nil {
				return 0, err
			}
		case zcan, zabort, zferr, zfin:
			return 0, ErrCancelled
		}
		// ZRINIT: one the receiver sent before it read our ZFILE.
	}
}

// answerCRC gives the CRC-32 of the file's first n bytes (all of it for
// 0): a receiver resuming checks that it holds the same start.
func (s *zsend) answerCRC(f Outgoing, n int64) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	h := crc32.NewIEEE()
	var r io.Reader = rc
	if n > 0 {
		r = io.LimitReader(rc, n)
	}
	if _, err := io.Copy(h, r); err != nil {
		return err
	}
	s.out.binHeader(zcrc, posArg(int64(h.Sum32())), s.use32)
	return s.out.flush()
}

// sendData sends a file from pos on, then ZEOF, until the receiver has
// it (ZRINIT) or skips it; a ZRPOS (the receiver saw damage) resends
// from where it says. It returns the data sent from the first pos on.
func (s *zsend) sendData(src *zsrc, pos int64, name string) (int64, error) {
	start, high := pos, pos
	prog := progress{fn: s.opts.Progress, name: name, size: src.size}
	// Errors in a row at the same place, and that place.
	retries, lastBad := 0, int64(-1)
	resume := func(p int64) error {
		if p > lastBad {
			retries = 0
		}
		lastBad = p
		if retries++; retries > maxRetries {
			return ErrRetries
		}
		pos = p
		return nil
	}
	resync := false
	for {
		if err := s.in.ctx.Err(); err != nil {
			return high - start, err
		}
		if err := src.seek(pos); err != nil {
			return high - start, err
		}
		if resync {
			p, skip, err := s.resync(pos)
			if err != nil || skip {
				return high - start, err
			}
			if p != pos {
				if err := resume(p); err != nil {
					return high - start, err
				}
				continue
			}
		}
		sent, err := s.stream(src, pos, &prog)
		high = max(high, sent.pos)
		if err != nil {
			return high - start, err
		}
		switch {
		case sent.skip:
			return high - start, nil
		case sent.rpos >= 0:
			if err := resume(sent.rpos); err != nil {
				return high - start, err
			}
			resync = true
			continue
		}
		// ZEOF, until the receiver says it has the file.
		tries := 0
		for send := true; ; {
			if send {
				if tries++; tries > maxRetries {
					return high - start, ErrRetries
				}
				s.out.binHeader(zeof, posArg(sent.pos), s.use32)
				if err := s.out.flush(); err != nil {
					return high - start, err
				}
			}
			h, err := s.in.readHeader(time.Now().Add(blockWait))
			send = err == ErrTimeout || err == errBadHeader
			if send {
				continue
			}
			if err != nil {
				return high - start, err
			}
			switch h.typ {
			case zrinit:
				prog.whole(sent.pos)
				return high - start, nil
			case zskip:
				// Skipped at ZEOF: the whole file went on the line all
				// the same, so it counts as sent (a receiver must not
				// take a file and then disown it to escape a ratio).
				prog.whole(sent.pos)
				return high - start, nil
			case zrpos:
				if err := resume(h.pos()); err != nil {
					return high - start, err
				}
				resync = true
			case znak:
				send = true
				continue
			case zcan, zabort, zferr, zfin:
				return high - start, ErrCancelled
			default:
				continue // a ZACK of the data, late
			}
			break
		}
	}
}

// resync starts again at pos after a ZRPOS: ZDATA with an empty ZCRCW
// subpacket, until the receiver's ZACK of pos says it is there. The
// receiver repeats its ZRPOS while it skips what was on the way, and
// going back again for each would make errors of its own. A ZRPOS
// elsewhere is returned as p; skip is a ZSKIP.
func (s *zsend) resync(pos int64) (p int64, skip bool, err error) {
	tries, stale := 0, 0
	for send := true; ; {
		if send {
			if tries++; tries > maxRetries {
				return pos, false, ErrRetries
			}
			s.out.binHeader(zdata, posArg(pos), s.use32)
			s.out.sub(nil, zcrcw, s.use32)
			if err := s.out.flush(); err != nil {
				return pos, false, err
			}
		}
		h, err := s.in.readHeader(time.Now().Add(blockWait))
		send = err == ErrTimeout || err == errBadHeader
		if send {
			continue
		}
		if err != nil {
			return pos, false, err
		}
		switch h.typ {
		case zack:
			if h.pos() == pos {
				return pos, false, nil
			}
		case zrpos:
			if h.pos() != pos {
				return h.pos(), false, nil
			}
			// Stale, or our ZDATA came damaged: say it again (a ZDATA
			// at its position is welcome to a receiver between frames).
			if stale++; stale%4 == 0 {
				tries--
				send = true
			}
		case znak:
			send = true
		case zskip:
			return pos, true, nil
		case zcan, zabort, zferr, zfin:
			return pos, false, ErrCancelled
		}
	}
}

// streamed is how a frame sequence ended: at pos, or asked to go back
// to rpos (≥ 0), or to skip the file.
type streamed struct {
	pos, rpos int64
	skip      bool
}

// stream sends ZDATA and the file's data from pos to its end (the last
// subpacket ZCRCE). Streaming, it ends a written chunk with ZCRCQ every
// zackEvery bytes and stays at most zwindow ahead of the receiver's
// ZACKs; for a
// receiver that cannot stream, it ends a frame with ZCRCW every s.frame
// bytes and waits for its ZACK. At the end of the file already, it
// sends nothing (ZEOF follows).
func (s *zsend) stream(src *zsrc, pos int64, prog *progress) (streamed, error) {
	if _, err := src.br.Peek(1); err == io.EOF {
		return streamed{pos: pos, rpos: -1}, nil
	} else if err != nil {
		return streamed{pos: pos}, err
	}
	acked, ackAt := pos, pos+zackEvery
	header := true
	var quiet time.Time // when a look at the line last found nothing
	for {
		if err := s.in.ctx.Err(); err != nil {
			return streamed{pos: pos}, err
		}
		if header {
			s.out.binHeader(zdata, posArg(pos), s.use32)
		}
		frameEnd := int64(-1)
		if s.frame > 0 {
			frameEnd = (pos/s.frame + 1) * s.frame
		}
		// A chunk of subpackets; end is how its last one ended.
		var end byte
		for n := 0; n < zchunk; {
			m, eof, err := src.read(s.data)
			if err != nil {
				return streamed{pos: pos}, err
			}
			end = zcrcg
			switch {
			case eof:
				end = zcrce
			case pos+int64(m) == frameEnd:
				end = zcrcw
			case n+m >= zchunk && s.frame == 0 && pos+int64(m) >= ackAt:
				end = zcrcq
				ackAt = pos + int64(m) + zackEvery
			}
			s.out.sub(s.data[:m], end, s.use32)
			n += m
			pos += int64(m)
			if end != zcrcg {
				break
			}
		}
		if err := s.out.flush(); err != nil {
			return streamed{pos: pos}, err
		}
		prog.report(acked)
		if end == zcrce {
			return streamed{pos: pos, rpos: -1}, nil
		}
		// What the receiver said: what came already, and a look at the
		// line after each chunk while answers come (a look that finds
		// nothing costs up to pollWait: then one every pollEvery); and
		// all it takes to get back inside the window, or the answer
		// to ZCRCW. A ZRPOS is heard soon: lrzsz's rz gives up when it
		// must skip too much data before the resent frame.
		looked := false
		for {
			wait := end == zcrcw && acked < pos || s.frame == 0 && pos-acked >= zwindow
			if !wait {
				ok, err := s.in.atPad()
				if err != nil {
					return streamed{pos: pos}, err
				}
				if !ok {
					if looked || time.Since(quiet) < pollEvery {
						break
					}
					looked = true
					if err := s.in.poll(); err != nil {
						return streamed{pos: pos}, err
					}
					if s.in.r == s.in.w {
						quiet = time.Now()
					}
					continue
				}
			}
			h, err := s.in.readHeader(time.Now().Add(blockWait))
			switch {
			case err == errBadHeader:
				continue
			case err == ErrTimeout:
				// No answer: start again where the receiver last was.
				return streamed{pos: pos, rpos: acked}, nil
			case err != nil:
				return streamed{pos: pos}, err
			}
			switch h.typ {
			case zack:
				if p := h.pos(); p <= pos {
					acked = max(acked, p)
				}
			case zrpos:
				return streamed{pos: pos, rpos: h.pos()}, nil
			case zskip:
				return streamed{pos: pos, skip: true}, nil
			case zcan, zabort, zferr, zfin:
				return streamed{pos: pos}, ErrCancelled
			}
		}
		header = end == zcrcw
	}
}
