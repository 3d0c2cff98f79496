package xfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// zrecv is the receiving side of a ZMODEM session.
type zrecv struct {
	in     *zin
	out    *zout
	opts   Options
	create func(File) (io.WriteCloser, error)
	init   [4]byte // our ZRINIT: buffer size (0: stream to us) and flags
	attn   []byte  // what the sender wants before a ZRPOS (ZSINIT)
	sub    []byte  // the subpacket being read
	wbuf   []byte  // data not yet written
}

// ReceiveZ receives a ZMODEM batch. For each file it calls create and
// writes the data to what create returns, closing it after; it returns
// the files received whole, with their lengths. create returning ErrSkip
// skips that file (ZSKIP), any other error cancels the transfer. A file
// whose data passes opts.MaxSize ends the transfer with ErrTooLarge (a
// size in ZFILE already over MaxSize: create still decides, File.Size
// tells it). Names are the sender's, unchecked: the caller must check
// them. Every file starts at 0 (no resuming), and the sender's file
// options (text conversion, overwrite rules) are not applied: create
// decides what happens to a file.
func ReceiveZ(ctx context.Context, c Conn, create func(File) (io.WriteCloser, error), opts Options) ([]File, error) {
	return receiveZ(ctx, c, create, opts, canfdx|canovio|canfc32, 0)
}

// receiveZ is ReceiveZ offering what flags say, and asking the sender to
// wait for it every rxbuf bytes (0: never): the tests' way to make
// SendZ meet receivers of every kind.
func receiveZ(ctx context.Context, c Conn, create func(File) (io.WriteCloser, error), opts Options, flags byte, rxbuf uint16) ([]File, error) {
	r := &zrecv{in: newZin(ctx, c), out: newZout(c), opts: opts, create: create,
		init: [4]byte{byte(rxbuf), byte(rxbuf >> 8), 0, flags},
		sub:  make([]byte, 0, zmaxSub), wbuf: make([]byte, 0, 64<<10)}
	defer r.out.done()
	files, err := r.run()
	if err != nil && err != ErrCancelled && ctx.Err() == nil && r.in.sawCancel(min(100*time.Millisecond, blockWait)) {
		err = ErrCancelled // a write that failed as the sender left, say
	}
	if err != nil && err != ErrCancelled {
		r.out.abort()
		if ctx.Err() == nil {
			r.in.drain()
		}
	}
	return files, err
}

// run offers ZRINIT until the sender starts, then takes its files until
// ZFIN.
func (r *zrecv) run() ([]File, error) {
	var done []File
	deadline := time.Now().Add(r.opts.startWait())
	started := false
	tries := 0
	for send := true; ; {
		if send {
			if err := r.out.header(zrinit, r.init); err != nil {
				return done, err
			}
		}
		send = false
		wait := time.Now().Add(blockWait)
		if !started {
			wait = earlier(wait, deadline)
		}
		h, err := r.in.readHeader(wait)
		switch {
		case err == ErrTimeout:
			if !started && !time.Now().Before(deadline) {
				return done, ErrTimeout
			}
			if tries++; started && tries > maxRetries {
				return done, ErrTimeout
			}
			send = true
			continue
		case err == errBadHeader:
			if tries++; tries > maxRetries {
				return done, ErrRetries
			}
			if err := r.out.header(znak, [4]byte{}); err != nil {
				return done, err
			}
			continue
		case err != nil:
			return done, err
		}
		started = true
		switch h.typ {
		case zrqinit, znak:
			send = true
		case zsinit:
			data, ok, err := r.subpacket(h)
			if err != nil {
				return done, err
			}
			if !ok {
				continue
			}
			r.attn = r.attn[:0]
			for _, b := range data[:min(len(data), 32)] {
				if b == 0 {
					break
				}
				if b != 0xdd && b != 0xde { // break, pause: not for a Conn
					r.attn = append(r.attn, b)
				}
			}
			if err := r.out.header(zack, posArg(1)); err != nil {
				return done, err
			}
		case zfile:
			data, ok, err := r.subpacket(h)
			if err != nil {
				return done, err
			}
			if !ok {
				continue
			}
			f, err := parseHeader(data)
			if err == nil && f.Name == "" {
				err = fmt.Errorf("%w: a file with no name", ErrProtocol)
			}
			if err != nil {
				return done, err
			}
			whole, err := r.receiveFile(&f)
			if err != nil {
				return done, err
			}
			if whole {
				done = append(done, f)
			}
			tries = 0
			send = true // ready for the next
		case zfin:
			if err := r.out.header(zfin, [4]byte{}); err != nil {
				return done, err
			}
			r.overAndOut()
			return done, nil
		case zfreecnt:
			if err := r.out.header(zack, [4]byte{0xff, 0xff, 0xff, 0xff}); err != nil {
				return done, err
			}
		case zchallenge:
			if err := r.out.header(zack, h.arg); err != nil {
				return done, err
			}
		case zcommand:
			return done, fmt.Errorf("%w: the sender asked to run a command", ErrProtocol)
		case zcan, zabort, zferr:
			return done, ErrCancelled
		}
		// ZDATA, ZEOF: the tail of a file already done with.
	}
}

// subpacket reads the subpacket after a ZSINIT or ZFILE header; ok false
// when it came damaged, and the sender was asked again (ZNAK).
func (r *zrecv) subpacket(h zhdr) ([]byte, bool, error) {
	data, _, err := r.in.readSub(r.sub, h.crc32, time.Now().Add(blockWait))
	if err == errBadData || err == ErrTimeout {
		return nil, false, r.out.header(znak, [4]byte{})
	}
	return data, err == nil, err
}

// overAndOut takes the sender's "OO" after ZFIN, so that it is not
// taken for keys; a sender that does not send it is not waited for long.
func (r *zrecv) overAndOut() {
	deadline := time.Now().Add(min(time.Second, blockWait))
	for o := 0; o < 2; {
		b, err := r.in.next(deadline)
		if err != nil {
			return
		}
		if b == 'O' {
			o++
		}
	}
}

// receiveFile takes one file after its ZFILE; whole false: skipped.
func (r *zrecv) receiveFile(f *File) (whole bool, err error) {
	w, err := r.create(*f)
	if errors.Is(err, ErrSkip) {
		return false, r.out.header(zskip, [4]byte{})
	}
	if err != nil {
		return false, err
	}
	n, err := r.receiveData(w, f)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	f.Size = n
	if r.opts.Progress != nil {
		r.opts.Progress(f.Name, n, n)
	}
	return true, nil
}

// receiveData asks for the file's data from 0 (ZRPOS) and writes it to
// w until a ZEOF where it ends; on damage or a timeout it asks again
// from where it is, maxRetries times in a row at most.
func (r *zrecv) receiveData(w io.Writer, f *File) (int64, error) {
	var pos int64
	errs, lastBad := 0, int64(-1) // asked again in a row at the same place
	prog := progress{fn: r.opts.Progress, name: f.Name, size: f.Size}
	r.wbuf = r.wbuf[:0]
	ask := func(again bool) error {
		if again {
			if pos > lastBad {
				errs = 0
			}
			lastBad = pos
			if errs++; errs > maxRetries {
				return ErrRetries
			}
			r.out.raw(r.attn...)
		}
		return r.out.header(zrpos, posArg(pos))
	}
	if err := ask(false); err != nil {
		return 0, err
	}
	for {
		h, err := r.in.readHeader(time.Now().Add(blockWait))
		switch {
		case err == ErrTimeout || err == errBadHeader:
			if err := ask(true); err != nil {
				return pos, err
			}
			continue
		case err != nil:
			return pos, err
		}
		switch h.typ {
		case zdata:
			if h.pos() != pos {
				err = ask(true)
				break
			}
			var again bool
			again, err = r.frame(w, h.crc32, &pos, &prog)
			if err == nil && again {
				err = ask(true)
			}
		case zeof:
			if h.pos() != pos {
				continue // sent before our ZRPOS came: the data will follow
			}
			if len(r.wbuf) > 0 {
				_, err = w.Write(r.wbuf)
			}
			return pos, err
		case zfile, znak:
			err = ask(true) // our ZRPOS went astray
		case zfin:
			return pos, fmt.Errorf("%w: the batch ended in the middle of %q", ErrProtocol, f.Name)
		case zcommand:
			return pos, fmt.Errorf("%w: the sender asked to run a command", ErrProtocol)
		case zcan, zabort, zferr:
			return pos, ErrCancelled
		}
		if err != nil {
			return pos, err
		}
	}
}

// frame takes a ZDATA frame's subpackets, acknowledging those that want
// it, until one ends the frame; again is true when one came damaged.
func (r *zrecv) frame(w io.Writer, use32 bool, pos *int64, prog *progress) (again bool, err error) {
	for {
		data, end, err := r.in.readSub(r.sub, use32, time.Now().Add(blockWait))
		r.sub = data[:0]
		switch {
		case err == errBadData || err == ErrTimeout:
			return true, nil
		case err != nil:
			return false, err
		}
		if max := r.opts.MaxSize; max > 0 && *pos+int64(len(data)) > max {
			return false, ErrTooLarge
		}
		if len(r.wbuf)+len(data) > cap(r.wbuf) {
			if _, err := w.Write(r.wbuf); err != nil {
				return false, err
			}
			r.wbuf = r.wbuf[:0]
		}
		r.wbuf = append(r.wbuf, data...)
		*pos += int64(len(data))
		prog.report(*pos)
		switch end {
		case zcrcq, zcrcw:
			if err := r.out.header(zack, posArg(*pos)); err != nil {
				return false, err
			}
			if end == zcrcw {
				return false, nil
			}
		case zcrce:
			return false, nil
		}
	}
}
