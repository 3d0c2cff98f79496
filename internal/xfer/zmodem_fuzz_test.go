package xfer

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"
)

// FuzzReceiveZ: whatever the peer sends, ReceiveZ ends with files or an
// error, never a panic, within its bounds.
func FuzzReceiveZ(f *testing.F) {
	defer func(a, b time.Duration) { startWait, blockWait = a, b }(startWait, blockWait)
	startWait, blockWait = time.Millisecond, time.Millisecond
	for _, seed := range [][]byte{
		zfileFrames(f, "name", 100, false),
		zfileFrames(f, "../x", 3000, true),
		append(zfileFrames(f, "f", 0, false), "**\x18B0800000000022d\r\x8a"...), // ZFIN
		[]byte("**\x18B00000000000000\r\x8a\x11"),                               // ZRQINIT
		{can, can, can, can, can},
		[]byte("*\x18C\x04\x00\x00\x00\x01"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var n int64
		files, _ := ReceiveZ(context.Background(), &scripted{in: bytes.NewReader(in)}, func(File) (io.WriteCloser, error) {
			return nopCloser{writerFunc(func(p []byte) (int, error) { n += int64(len(p)); return len(p), nil })}, nil
		}, Options{MaxSize: 1 << 20})
		if n > 1<<20 || int64(len(files)) > int64(len(in)) {
			t.Errorf("wrote %d bytes, %d files, from %d bytes", n, len(files), len(in))
		}
	})
}

// FuzzZHeader: the header reader takes any bytes, and every header it
// returns passed its CRC: written again, it reads back the same.
func FuzzZHeader(f *testing.F) {
	f.Add([]byte("**\x18B0100000063f694\r\x8a\x11"))
	f.Add([]byte("*\x18A\x0a\x00\x00\x00\x00\xa8\x7e"))
	f.Add(zfileFrames(f, "f", 10, false))
	f.Fuzz(func(t *testing.T, in []byte) {
		z := newZin(context.Background(), &scripted{in: bytes.NewReader(in)})
		for range 100 {
			h, err := z.readHeader(time.Now().Add(time.Millisecond))
			if err == errBadHeader {
				continue
			}
			if err != nil {
				return
			}
			o := newZout(&scripted{in: bytes.NewReader(nil)})
			if h.crc32 {
				o.binHeader(h.typ, h.arg, true)
			} else {
				o.hexHeader(h.typ, h.arg)
			}
			h2, err := newZin(context.Background(), &scripted{in: bytes.NewReader(o.buf)}).readHeader(time.Now().Add(time.Second))
			if err != nil || h2 != h {
				t.Fatalf("%+v written reads back as %+v, %v", h, h2, err)
			}
			if _, _, err := z.readSub(nil, h.crc32, time.Now().Add(time.Millisecond)); err != nil && err != errBadData && err != ErrTimeout && err != ErrCancelled {
				if len(in) < zmaxSub {
					t.Fatalf("readSub = %v from %d bytes", err, len(in))
				}
			}
		}
	})
}
