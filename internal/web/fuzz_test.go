package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

// FuzzReadResize feeds the browser terminal's hello and resize messages
// ({"cols":N,"rows":N}) to their parser: it never panics, accepts only
// short messages with sizes in range, refuses with one of its two
// errors, and what it accepts reads back the same once written out.
func FuzzReadResize(f *testing.F) {
	f.Add([]byte(`{"cols":80,"rows":24}`))
	f.Add([]byte(`{"cols":0,"rows":24}`))
	f.Add([]byte(`{"cols":80}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		size, err := readResize(bytes.NewReader(msg))
		if err != nil {
			if !errors.Is(err, ErrBadResize) && !errors.Is(err, ErrResizeRange) {
				t.Fatalf("readResize(%q) = %v; want ErrBadResize or ErrResizeRange", msg, err)
			}
			if size != (term.Size{}) {
				t.Fatalf("readResize(%q) = %v with error %v; want the zero size", msg, size, err)
			}
			return
		}
		if len(msg) > maxResizeMessage || !json.Valid(msg) {
			t.Fatalf("readResize(%q) accepted a message that is too long or not JSON", msg)
		}
		if size.Cols < 1 || size.Cols > session.MaxCols || size.Rows < 1 || size.Rows > session.MaxRows {
			t.Fatalf("readResize(%q) = %v; out of range", msg, size)
		}
		again, err := parseResize(fmt.Appendf(nil, `{"cols":%d,"rows":%d}`, size.Cols, size.Rows))
		if err != nil || again != size {
			t.Fatalf("readResize(%q) = %v, which reads back as %v, %v", msg, size, again, err)
		}
	})
}

// fuzzReadLimit is the largest message in FuzzFrameConn.
const fuzzReadLimit = 128

// FuzzFrameConn sends bytes to the /ws/telnet adapter cut into binary
// messages (each byte of cuts is the length of the next, mod 200; the
// rest of data is the last), and reads them back through frameConn in
// reads of readSize%64+1 bytes. It checks that the bytes arrive intact
// and in order, ending with io.EOF when the client closes; a message
// over the limit ends the stream with an error after the messages
// before it.
func FuzzFrameConn(f *testing.F) {
	f.Add([]byte("hello, telnet"), []byte{5}, byte(3))
	f.Add([]byte("\xff\xfb\x18\xff\xfa\x18\x00xterm\xff\xf0"), []byte{0, 3, 0, 1}, byte(0))
	f.Add(bytes.Repeat([]byte("x"), 300), []byte{199}, byte(63))
	f.Fuzz(func(t *testing.T, data, cuts []byte, readSize byte) {
		if len(data) > 4096 || len(cuts) > 64 {
			return
		}
		var msgs [][]byte
		rest := data
		for _, c := range cuts {
			n := min(int(c)%200, len(rest))
			msgs = append(msgs, rest[:n])
			rest = rest[n:]
		}
		msgs = append(msgs, rest)
		whole, oversized := 0, false // bytes before the first oversized message
		for _, m := range msgs {
			if len(m) > fuzzReadLimit {
				oversized = true
				break
			}
			whole += len(m)
		}

		sws, cws := wsPair(t)
		defer cws.CloseNow()
		// The client reads only control frames, so that the server's
		// close handshake (after a message over the limit) ends at once.
		cws.CloseRead(context.Background())
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			for _, m := range msgs {
				if cws.Write(ctx, websocket.MessageBinary, m) != nil {
					return
				}
			}
			cws.Close(websocket.StatusNormalClosure, "")
		}()
		fc := newFrameConn(sws, fuzzReadLimit)
		fc.SetReadDeadline(time.Now().Add(10 * time.Second))
		var got []byte
		buf := make([]byte, int(readSize)%64+1)
		var err error
		for err == nil {
			var n int
			n, err = fc.Read(buf)
			if n > len(buf) || n < 0 {
				t.Fatalf("Read returned %d for a buffer of %d", n, len(buf))
			}
			got = append(got, buf[:n]...)
		}
		fc.wait()
		cws.CloseNow()
		<-wrote
		if !bytes.HasPrefix(data, got) {
			t.Fatalf("read %q; want a prefix of %q", got, data)
		}
		switch {
		case !oversized && (err != io.EOF || len(got) != len(data)):
			t.Fatalf("messages %q: read %q, %v; want all of it, then io.EOF", msgs, got, err)
		case oversized && (err == io.EOF || len(got) < whole):
			t.Fatalf("messages %q with one over %d bytes: read %q, %v; want the %d bytes before it, then an error", msgs, fuzzReadLimit, got, err, whole)
		}
	})
}

// fuzzMaxBody is the body limit in FuzzDecodeOneliner.
const fuzzMaxBody = 256

// FuzzDecodeOneliner feeds POST /api/oneliners bodies, under the body
// limit as the server applies it, to their decoder: it never panics,
// refuses with errBadOneliner or the limit's error (only for bodies
// over it), accepts only valid JSON within the limit, and the text it
// accepts is valid UTF-8 that decodes the same once encoded again.
func FuzzDecodeOneliner(f *testing.F) {
	f.Add([]byte(`{"text":"hello"}`))
	f.Add([]byte(`{"text":"hello","x":1}`))
	f.Add([]byte(`{"text":"` + string(bytes.Repeat([]byte("x"), 300)) + `"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := http.MaxBytesReader(httptest.NewRecorder(), io.NopCloser(bytes.NewReader(body)), fuzzMaxBody)
		text, err := decodeOneliner(r)
		if err != nil {
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				if len(body) <= fuzzMaxBody {
					t.Fatalf("decodeOneliner(%q) = %v for a body within the limit", body, err)
				}
			case !errors.Is(err, errBadOneliner):
				t.Fatalf("decodeOneliner(%q) = %v; want errBadOneliner or a MaxBytesError", body, err)
			}
			if text != "" {
				t.Fatalf("decodeOneliner(%q) = %q with error %v; want no text", body, text, err)
			}
			return
		}
		if len(body) > fuzzMaxBody || !json.Valid(body) {
			t.Fatalf("decodeOneliner(%q) = %q; accepted a body over the limit or not JSON", body, text)
		}
		if !utf8.ValidString(text) || len(text) > 3*len(body) {
			t.Fatalf("decodeOneliner(%q) = %q; want valid UTF-8 no longer than 3x the body", body, text)
		}
		again, _ := json.Marshal(map[string]string{"text": text})
		if got, err := decodeOneliner(bytes.NewReader(again)); err != nil || got != text {
			t.Fatalf("decodeOneliner(%q) = %q, which encodes as %s and decodes as %q, %v", body, text, again, got, err)
		}
	})
}
