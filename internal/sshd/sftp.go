package sshd

import (
	"encoding/binary"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// SFTP packet types and the limits extension (OpenSSH's PROTOCOL file,
// "limits@openssh.com"), which x84 answers itself: pkg/sftp does not
// know it.
const (
	fxpVersion       = 2
	fxpExtended      = 200
	fxpExtendedReply = 201

	limitsExt = "limits@openssh.com"
)

// Limits x84 announces with limits@openssh.com. pkg/sftp takes packets of
// up to 256 KiB (its maxMsgLength, also the size of its buffers), so a
// read or write of 255 KiB fits in one with room for its header.
// OpenSSH's sftp client reads and writes in chunks of the length
// announced, 32 KiB when a server announces nothing: eight times the
// requests, answers and channel packets for a file. sftp-server
// announces the same lengths.
const (
	sftpMaxPacket = 256 << 10
	sftpMaxData   = sftpMaxPacket - 1024
)

// readAhead is the number of open handles announced to an sftp client
// whose connection's round trip is rtt (0: unknown), when the file area
// allows maxOpen (0: no figure). OpenSSH's sftp client keeps as many
// reads (and writes) of sftpMaxData outstanding as the server announces
// handles, 64 at most; the figure is a hint, the file area enforces its
// own limit.
//
// On a fast, near link (a LAN, the same host) 64 outstanding reads keep
// the client's whole channel window (2 MiB) in flight from a server that
// answers at once, and it piles up in the client's ssh, between the
// connection and the sftp process: that ssh then spends its time moving
// its buffers (three times its CPU per byte), and it is what limits a
// download. sftp-server answers slowly enough that this never happens.
// Four reads of 255 KiB, 1 MiB in flight, keep the client's buffers
// nearly empty: on loopback 2.5 times the download rate, a third of the
// client's CPU. Far away, what is in flight is what a round trip
// carries, and 1 MiB per round trip would halve a download at 100 ms;
// so the small figure is announced only under nearLink, where 1 MiB per
// round trip is still more than 500 MiB/s.
func readAhead(rtt time.Duration, maxOpen int) int {
	if rtt <= 0 || rtt >= nearLink {
		return maxOpen
	}
	if maxOpen > 0 {
		return min(maxOpen, nearReadAhead)
	}
	return nearReadAhead
}

const (
	nearLink      = 2 * time.Millisecond
	nearReadAhead = 4
)

// sftpChannel is the session channel as pkg/sftp sees it. Reads come from
// the channel, but the limits@openssh.com request is answered here and
// never reaches pkg/sftp; anything unexpected in the stream (a packet too
// short to be a request) turns the reading side into a plain
// pass-through. Writes go to the channel, with the extension added to the
// list in pkg/sftp's version packet (the first it sends), and each data
// packet's header joined to its data.
//
// pkg/sftp writes a data packet in two writes, its 13-byte header, then
// the data, and every write to an ssh channel ends a channel packet: a
// 255 KiB read cost eight full packets and one of 13 bytes, with its
// encryption, its system call and the client's work. So the header is held
// back and sent with the first bytes of the data, in a packet of joinSize
// bytes (the largest that OpenSSH's client and x/crypto/ssh accept), and
// the rest of the data follows in full packets.
type sftpChannel struct {
	ch ssh.Channel
	// maxOpen is the open handles announced (readAhead), 0 for no figure.
	maxOpen int

	// Reading side, used by pkg/sftp's one reading goroutine.
	head    [5]byte  // length and type of the packet being read
	pending []byte   // read ahead, for pkg/sftp before the channel
	left    int      // bytes of the current packet still in the channel
	raw     bool     // no more parsing: pass everything through
	body    [64]byte // a short extended request, read whole

	// Writing side. wmu serialises pkg/sftp's writes with the replies
	// sent here, and need counts the bytes that complete the packet
	// pkg/sftp is writing, so that a reply goes in between packets, not
	// into one.
	wmu      sync.Mutex
	boundary sync.Cond // a packet is complete
	need     int
	lenBuf   [4]byte // a packet length split between writes
	lenHave  int
	started  bool // a packet has been written: the next is not the version
	held     bool // join starts with a data packet's header
	join     []byte
}

const (
	fxpData       = 103
	dataHeaderLen = 4 + 1 + 4 + 4 // length, type, id, data length
	joinSize      = 32 << 10
)

func newSFTPChannel(ch ssh.Channel, maxOpen int) *sftpChannel {
	c := &sftpChannel{ch: ch, maxOpen: maxOpen}
	c.boundary.L = &c.wmu
	return c
}

// Close closes the channel: pkg/sftp does it to end a Serve that failed.
func (c *sftpChannel) Close() error { return c.ch.Close() }

// Read gives pkg/sftp the client's packets but limits@openssh.com.
func (c *sftpChannel) Read(p []byte) (int, error) {
	for {
		switch {
		case len(c.pending) > 0:
			n := copy(p, c.pending)
			c.pending = c.pending[n:]
			return n, nil
		case c.raw:
			return c.ch.Read(p)
		case c.left > 0:
			n, err := c.ch.Read(p[:min(len(p), c.left)])
			c.left -= n
			return n, err
		}
		// At a packet's start: read its length and type.
		n, err := io.ReadFull(c.ch, c.head[:])
		if err != nil {
			c.pending, c.raw = c.head[:n], true
			if n == 0 {
				return 0, err
			}
			continue // what was read, then the error again
		}
		length := int(binary.BigEndian.Uint32(c.head[:4]))
		if length < 5 || length > sftpMaxPacket {
			// No request is this short; pkg/sftp refuses one this long.
			c.pending, c.raw = c.head[:], true
			continue
		}
		c.pending, c.left = c.head[:], length-1
		if c.head[4] != fxpExtended || length > len(c.body)-4 {
			continue
		}
		// A short extended request: read it whole to see which.
		copy(c.body[:], c.head[:])
		n, err = io.ReadFull(c.ch, c.body[5:5+c.left])
		c.pending, c.left = c.body[:5+n], 0
		if err != nil {
			c.raw = true
			continue
		}
		if id, ok := limitsRequest(c.body[5 : 5+n]); ok {
			c.pending = nil
			if err := c.reply(c.limitsReply(id)); err != nil {
				return 0, err
			}
		}
	}
}

// limitsRequest reports whether the body of an extended request (after
// its type) asks for limits@openssh.com, and its id.
func limitsRequest(b []byte) (uint32, bool) {
	if len(b) != 4+4+len(limitsExt) {
		return 0, false
	}
	id := binary.BigEndian.Uint32(b)
	n := binary.BigEndian.Uint32(b[4:])
	return id, int(n) == len(limitsExt) && string(b[8:]) == limitsExt
}

// limitsReply is the answer to the limits request id.
func (c *sftpChannel) limitsReply(id uint32) []byte {
	b := make([]byte, 4+1+4+4*8)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	b[4] = fxpExtendedReply
	binary.BigEndian.PutUint32(b[5:], id)
	binary.BigEndian.PutUint64(b[9:], sftpMaxPacket)
	binary.BigEndian.PutUint64(b[17:], sftpMaxData) // read
	binary.BigEndian.PutUint64(b[25:], sftpMaxData) // write
	binary.BigEndian.PutUint64(b[33:], uint64(max(c.maxOpen, 0)))
	return b
}

// reply sends a packet of x84's own between pkg/sftp's.
func (c *sftpChannel) reply(pkt []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	for !c.atBoundary() {
		c.boundary.Wait()
	}
	_, err := c.ch.Write(pkt)
	return err
}

func (c *sftpChannel) atBoundary() bool { return c.need == 0 && c.lenHave == 0 }

// Write sends what pkg/sftp writes, following its packets' lengths: it
// adds the limits extension to the version packet, and joins data
// packets' headers to their data.
func (c *sftpChannel) Write(b []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	n := len(b)
	whole := c.atBoundary() && len(b) >= 5 && int(binary.BigEndian.Uint32(b))+4 == len(b)
	switch {
	case !c.started && whole && b[4] == fxpVersion:
		// The version packet, whole, as pkg/sftp writes it.
		b = withExtension(b, limitsExt, "1")
	case c.atBoundary() && len(b) == dataHeaderLen && b[4] == fxpData &&
		binary.BigEndian.Uint32(b) == 9+binary.BigEndian.Uint32(b[9:]) && binary.BigEndian.Uint32(b[9:]) > 0:
		// A data packet's header: its data comes next.
		c.join = append(c.join[:0], b...)
		c.held = true
		c.track(b)
		return n, nil
	}
	var err error
	if c.held {
		c.held = false
		k := min(len(b), joinSize-len(c.join))
		c.join = append(c.join, b[:k]...)
		if _, err = c.ch.Write(c.join); err == nil && k < len(b) {
			_, err = c.ch.Write(b[k:])
		}
	} else {
		_, err = c.ch.Write(b)
	}
	if err != nil {
		return 0, err
	}
	c.track(b)
	if c.atBoundary() {
		c.boundary.Broadcast()
	}
	return n, nil
}

// track follows the packet boundaries in b, the next bytes written.
func (c *sftpChannel) track(b []byte) {
	for len(b) > 0 {
		if c.need > 0 {
			k := min(c.need, len(b))
			c.need -= k
			b = b[k:]
			continue
		}
		k := copy(c.lenBuf[c.lenHave:], b)
		c.lenHave += k
		b = b[k:]
		if c.lenHave == 4 {
			c.need, c.lenHave = int(binary.BigEndian.Uint32(c.lenBuf[:])), 0
			c.started = true
		}
	}
}

// withExtension returns the version packet pkt with the extension pair
// name, data added at its end.
func withExtension(pkt []byte, name, data string) []byte {
	out := make([]byte, 0, len(pkt)+8+len(name)+len(data))
	out = append(out, pkt...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(name)))
	out = append(out, name...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, data...)
	binary.BigEndian.PutUint32(out, uint32(len(out)-4))
	return out
}
