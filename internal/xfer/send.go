package xfer

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"
)

// sender sends blocks and waits for their answers.
type sender struct {
	l      *line
	start  time.Duration // the other side's time to start
	useCRC bool
	frame  []byte
}

// waitStart waits for the receiver's start: 'C' (CRC) or NAK (checksums;
// not for YMODEM).
func (s *sender) waitStart(ctx context.Context, crcOnly bool) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := s.l.readByte(s.start)
		if err != nil {
			return err
		}
		switch {
		case b == crc:
			s.useCRC = true
			return nil
		case b == nak && !crcOnly:
			s.useCRC = false
			return nil
		case b == can && s.l.cans >= 2:
			return ErrCancelled
		}
	}
}

// sendBlock sends one block, data padded to size (128 or 1024) with pad
// (SUB for data, NUL for YMODEM's header), until the receiver ACKs it.
func (s *sender) sendBlock(ctx context.Context, num byte, data []byte, size int, pad byte) error {
	f := s.frame[:0]
	if size == 1024 {
		f = append(f, stx)
	} else {
		f = append(f, soh)
	}
	f = append(f, num, ^num)
	start := len(f)
	f = append(f, data...)
	for len(f)-start < size {
		f = append(f, pad)
	}
	if s.useCRC {
		c := crc16(f[start:])
		f = append(f, byte(c>>8), byte(c))
	} else {
		f = append(f, checksum(f[start:]))
	}
	s.frame = f
	for range maxRetries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if _, err := s.l.c.Write(f); err != nil {
			return err
		}
		for {
			b, err := s.l.readByte(blockWait)
			if err == ErrTimeout {
				break // send it again
			}
			if err != nil {
				return err
			}
			switch {
			case b == ack:
				return nil
			case b == can && s.l.cans >= 2:
				return ErrCancelled
			case b == nak || b == crc:
			default:
				continue // noise: wait for the answer
			}
			break
		}
	}
	return ErrRetries
}

// sendData sends r's data as blocks 1, 2, … and then EOT; it returns the
// bytes sent.
func (s *sender) sendData(ctx context.Context, r io.Reader, oneK bool, ymodem bool) (int64, error) {
	buf := make([]byte, 1024)
	var n int64
	num := byte(1)
	for {
		size := 128
		if oneK && s.useCRC {
			size = 1024
		}
		m, err := io.ReadFull(r, buf[:size])
		if m > 0 {
			if size == 1024 && m <= 128 {
				size = 128 // the tail: less padding
			}
			if err := s.sendBlock(ctx, num, buf[:m], size, sub); err != nil {
				return n, err
			}
			n += int64(m)
			num++
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return n, err
		}
	}
	return n, s.sendEOT(ctx, ymodem)
}

// sendEOT ends a file: EOT until ACKed (YMODEM's receiver NAKs the first).
func (s *sender) sendEOT(ctx context.Context, ymodem bool) error {
	for range maxRetries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.l.send(eot); err != nil {
			return err
		}
		b, err := s.l.readByte(blockWait)
		switch {
		case err == ErrTimeout:
			continue
		case err != nil:
			return err
		case b == ack:
			return nil
		case b == can && s.l.cans >= 2:
			return ErrCancelled
		}
	}
	return ErrRetries
}

// fail cancels the transfer for the receiver, unless the receiver did.
func (s *sender) fail(err error) error {
	if err != nil && err != ErrCancelled {
		s.l.cancel()
	}
	return err
}

// SendX sends r's data by XMODEM: CRC-16 or checksums, as the receiver
// asks; 1024-byte blocks with opts.OneK when the receiver asked for CRCs.
// It returns the bytes sent.
func SendX(ctx context.Context, c Conn, r io.Reader, opts Options) (int64, error) {
	s := &sender{l: &line{c: c}, frame: make([]byte, 0, 3+1024+2), start: opts.startWait()}
	if err := s.waitStart(ctx, false); err != nil {
		return 0, s.fail(err)
	}
	n, err := s.sendData(ctx, r, opts.OneK, false)
	return n, s.fail(err)
}

// Outgoing is a file SendY sends: its facts, and how to read it.
type Outgoing struct {
	File
	Open func() (io.ReadCloser, error)
}

// SendY sends files by YMODEM batch (1024-byte blocks, CRC-16, the name,
// size and time in each file's header block), and returns the bytes sent.
func SendY(ctx context.Context, c Conn, files []Outgoing, opts Options) (int64, error) {
	s := &sender{l: &line{c: c}, frame: make([]byte, 0, 3+1024+2), start: opts.startWait()}
	var total int64
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			return total, s.fail(err)
		}
		n, err := s.sendFile(ctx, f.File, rc)
		rc.Close()
		total += n
		if err != nil {
			return total, s.fail(err)
		}
	}
	// An empty header ends the batch.
	if err := s.waitStart(ctx, true); err != nil {
		return total, s.fail(err)
	}
	return total, s.fail(s.sendBlock(ctx, 0, nil, 128, 0))
}

func (s *sender) sendFile(ctx context.Context, f File, r io.Reader) (int64, error) {
	if err := s.waitStart(ctx, true); err != nil {
		return 0, err
	}
	hdr := header(f)
	size := 128
	if len(hdr) > 128 {
		size = 1024
	}
	if err := s.sendBlock(ctx, 0, hdr, size, 0); err != nil {
		return 0, err
	}
	if err := s.waitStart(ctx, true); err != nil {
		return 0, err
	}
	n, err := s.sendData(ctx, r, true, true)
	if err == nil && f.Size >= 0 && n != f.Size {
		err = fmt.Errorf("xfer: %s: sent %d bytes of %d (the file changed)", f.Name, n, f.Size)
	}
	return n, err
}

// header makes block 0's data: name NUL size SP mtime(octal) NUL. A name
// longer than fits is cut (YMODEM has 1024 bytes for it all).
func header(f File) []byte {
	name := f.Name
	if len(name) > 900 {
		name = name[:900]
	}
	b := append([]byte(name), 0)
	b = strconv.AppendInt(b, max(f.Size, 0), 10)
	if !f.ModTime.IsZero() {
		b = append(b, ' ')
		b = strconv.AppendInt(b, f.ModTime.Unix(), 8)
	}
	return append(b, 0)
}
