package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Errors returned by Verify for hashes it cannot check. Both are wrapped
// with details; match them with errors.Is.
var (
	// ErrUnknownHash means the stored hash is neither argon2id nor bcrypt.
	ErrUnknownHash = errors.New("auth: unknown password hash scheme")
	// ErrMalformedHash means the stored hash is damaged, or asks for
	// parameters too costly to be honest (a tampered database).
	ErrMalformedHash = errors.New("auth: malformed password hash")
)

// Defaults of a zero Hasher, close to OWASP's argon2id recommendation
// (m=19 MiB, t=2, p=1).
const (
	DefaultTime      = 2
	DefaultMemoryKiB = 19 * 1024
	DefaultThreads   = 1
	DefaultSaltLen   = 16
	DefaultKeyLen    = 32
)

// Bounds on the parameters a hash may ask for, its own or a stored one's.
// A stored hash is data: without these, an edited database row could make
// every login allocate gigabytes or run for minutes.
const (
	maxMemoryKiB  = 1 << 20 // 1 GiB
	maxTime       = 100
	maxThreads    = 64
	minSaltLen    = 8
	maxSaltLen    = 64
	minKeyLen     = 16
	maxKeyLen     = 128
	maxBcryptCost = 16 // about 4 s; x/84 used 12
)

const (
	argon2Prefix  = "$argon2id$"
	argon2Version = 19 // 0x13, the only version x/crypto implements
	bcryptLen     = 60
)

// Hasher hashes passwords with argon2id and verifies argon2id and bcrypt
// hashes. The zero value is ready to use with the defaults above.
//
// Hash and Verify are safe for concurrent use and share a semaphore, so at
// most MaxConcurrent hashes run at once however many logins arrive: each
// takes MemoryKiB of memory for its whole run. A Hasher must not be copied
// after first use.
type Hasher struct {
	Time      uint32 // passes over memory; 0 means DefaultTime
	MemoryKiB uint32 // 0 means DefaultMemoryKiB
	Threads   uint8  // 0 means DefaultThreads
	SaltLen   uint32 // bytes; 0 means DefaultSaltLen
	KeyLen    uint32 // bytes; 0 means DefaultKeyLen
	// MaxConcurrent bounds the hashes running at once; 0 means
	// runtime.NumCPU().
	MaxConcurrent int

	once sync.Once
	sem  chan struct{}
	// hook, if non-nil, is called with +1 after a hash takes its slot
	// and -1 before it gives it back; tests use it to count concurrent
	// hashes.
	hook func(delta int)
	// lim, when non-zero, replaces the bounds on stored parameters;
	// the fuzz test lowers them so each run stays fast.
	lim limits
}

type limits struct {
	memoryKiB, time uint32
	bcryptCost      int
}

// params are argon2id parameters, as written in a PHC string.
type params struct {
	memoryKiB, time uint32
	threads         uint8
	saltLen, keyLen uint32
}

func (h *Hasher) params() params {
	p := params{h.MemoryKiB, h.Time, h.Threads, h.SaltLen, h.KeyLen}
	if p.memoryKiB == 0 {
		p.memoryKiB = DefaultMemoryKiB
	}
	if p.time == 0 {
		p.time = DefaultTime
	}
	if p.threads == 0 {
		p.threads = DefaultThreads
	}
	if p.saltLen == 0 {
		p.saltLen = DefaultSaltLen
	}
	if p.keyLen == 0 {
		p.keyLen = DefaultKeyLen
	}
	return p
}

func (h *Hasher) limits() limits {
	l := limits{maxMemoryKiB, maxTime, maxBcryptCost}
	if h.lim.memoryKiB != 0 {
		l.memoryKiB = h.lim.memoryKiB
	}
	if h.lim.time != 0 {
		l.time = h.lim.time
	}
	if h.lim.bcryptCost != 0 {
		l.bcryptCost = h.lim.bcryptCost
	}
	return l
}

// check reports parameters out of bounds; the caller wraps the error.
func (p params) check(l limits) error {
	switch {
	case p.time < 1 || p.time > l.time:
		return fmt.Errorf("time %d is not between 1 and %d", p.time, l.time)
	case p.threads < 1 || p.threads > maxThreads:
		return fmt.Errorf("threads %d is not between 1 and %d", p.threads, maxThreads)
	case p.memoryKiB < 8*uint32(p.threads) || p.memoryKiB > l.memoryKiB:
		return fmt.Errorf("memory %d KiB is not between %d and %d", p.memoryKiB, 8*uint32(p.threads), l.memoryKiB)
	case p.saltLen < minSaltLen || p.saltLen > maxSaltLen:
		return fmt.Errorf("salt of %d bytes is not between %d and %d", p.saltLen, minSaltLen, maxSaltLen)
	case p.keyLen < minKeyLen || p.keyLen > maxKeyLen:
		return fmt.Errorf("key of %d bytes is not between %d and %d", p.keyLen, minKeyLen, maxKeyLen)
	}
	return nil
}

// Hash returns password's argon2id hash as a PHC string,
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY, with a fresh random salt. It
// waits for a free slot, or returns ctx.Err() if ctx ends first.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	p := h.params()
	if err := p.check(h.limits()); err != nil {
		return "", fmt.Errorf("auth: hasher: %w", err)
	}
	salt := make([]byte, p.saltLen)
	rand.Read(salt) // never fails; it crashes the program instead
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.time, p.memoryKiB, p.threads, p.keyLen)
	h.release()
	return formatArgon2(p, salt, key), nil
}

// Verify reports whether password matches hash, an argon2id PHC string
// (checked with its own parameters) or a bcrypt hash ($2a$, $2b$, $2y$).
//
// rehash is true when the password matched but the hash should be
// replaced by a new one from Hash: it is bcrypt, or its argon2id
// parameters differ from h's. A wrong password is ok == false with a nil
// error; err is for hashes that cannot be checked (ErrUnknownHash,
// ErrMalformedHash) and for ctx ending while waiting for a slot.
func (h *Hasher) Verify(ctx context.Context, hash, password string) (ok, rehash bool, err error) {
	switch {
	case strings.HasPrefix(hash, argon2Prefix):
		return h.verifyArgon2(ctx, hash, password)
	case strings.HasPrefix(hash, "$2a$"), strings.HasPrefix(hash, "$2b$"), strings.HasPrefix(hash, "$2y$"):
		return h.verifyBcrypt(ctx, hash, password)
	}
	return false, false, fmt.Errorf("%w (%s)", ErrUnknownHash, scheme(hash))
}

func (h *Hasher) verifyArgon2(ctx context.Context, hash, password string) (ok, rehash bool, err error) {
	p, salt, key, err := parseArgon2(hash)
	if err != nil {
		return false, false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	if err := p.check(h.limits()); err != nil {
		return false, false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memoryKiB, p.threads, p.keyLen)
	h.release()
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	return true, p != h.params(), nil
}

func (h *Hasher) verifyBcrypt(ctx context.Context, hash, password string) (ok, rehash bool, err error) {
	cost, err := parseBcrypt(hash)
	if err != nil {
		return false, false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	if l := h.limits(); cost > l.bcryptCost {
		return false, false, fmt.Errorf("%w: bcrypt cost %d is over %d", ErrMalformedHash, cost, l.bcryptCost)
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	err = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
	h.release()
	switch {
	case err == nil:
		return true, true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, false, nil
	}
	return false, false, fmt.Errorf("%w: %v", ErrMalformedHash, err)
}

// semaphore returns the channel whose buffer holds the free slots.
func (h *Hasher) semaphore() chan struct{} {
	h.once.Do(func() {
		n := h.MaxConcurrent
		if n <= 0 {
			n = runtime.NumCPU()
		}
		h.sem = make(chan struct{}, n)
	})
	return h.sem
}

func (h *Hasher) acquire(ctx context.Context) error {
	sem := h.semaphore()
	// select picks at random among ready cases: check ctx first so an
	// ended context never starts a hash.
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	if h.hook != nil {
		h.hook(+1)
	}
	return nil
}

func (h *Hasher) release() {
	if h.hook != nil {
		h.hook(-1)
	}
	<-h.sem
}

func formatArgon2(p params, salt, key []byte) string {
	return fmt.Sprintf("%sv=%d$m=%d,t=%d,p=%d$%s$%s", argon2Prefix, argon2Version,
		p.memoryKiB, p.time, p.threads, base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// parseArgon2 parses $argon2id$v=19$m=M,t=T,p=P$SALT$KEY strictly: the
// fields in this order, decimal numbers without sign or leading zeros, and
// unpadded standard base64. The lengths of salt and key are returned in p.
func parseArgon2(s string) (p params, salt, key []byte, err error) {
	parts := strings.Split(strings.TrimPrefix(s, argon2Prefix), "$")
	if len(parts) != 4 {
		return p, nil, nil, errors.New("want 5 fields separated by $")
	}
	v, ok := strings.CutPrefix(parts[0], "v=")
	if !ok {
		return p, nil, nil, errors.New("missing version")
	}
	if n, err := decimal(v, 32); err != nil || n != argon2Version {
		return p, nil, nil, fmt.Errorf("version %q is not %d", v, argon2Version)
	}
	var fields [3]uint64
	kv := strings.Split(parts[1], ",")
	if len(kv) != len(fields) {
		return p, nil, nil, errors.New("want parameters m, t and p")
	}
	for i, name := range []string{"m=", "t=", "p="} {
		val, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return p, nil, nil, fmt.Errorf("parameter %d is not %s", i+1, name[:1])
		}
		bits := 32
		if name == "p=" {
			bits = 8
		}
		if fields[i], err = decimal(val, bits); err != nil {
			return p, nil, nil, fmt.Errorf("parameter %s: %v", name[:1], err)
		}
	}
	// Strict refuses non-zero padding bits, so each hash has one spelling.
	b64 := base64.RawStdEncoding.Strict()
	if salt, err = b64.DecodeString(parts[2]); err != nil {
		return p, nil, nil, errors.New("salt is not unpadded base64")
	}
	if key, err = b64.DecodeString(parts[3]); err != nil {
		return p, nil, nil, errors.New("key is not unpadded base64")
	}
	p = params{
		memoryKiB: uint32(fields[0]),
		time:      uint32(fields[1]),
		threads:   uint8(fields[2]),
		saltLen:   uint32(len(salt)),
		keyLen:    uint32(len(key)),
	}
	return p, salt, key, nil
}

// decimal parses a PHC decimal: digits only, no leading zero.
func decimal(s string, bits int) (uint64, error) {
	if s == "" || len(s) > 1 && s[0] == '0' || strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	n, err := strconv.ParseUint(s, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return n, nil
}

// parseBcrypt checks the shape of a bcrypt hash, $2b$CC$ and 53 characters
// of bcrypt's base64, and returns its cost, so a damaged hash is reported
// as such and a costly one is refused before any work.
func parseBcrypt(s string) (int, error) {
	if len(s) != bcryptLen || s[6] != '$' {
		return 0, errors.New("bcrypt hash is not $2b$CC$ and 53 characters")
	}
	cost, err := decimalCost(s[4:6])
	if err != nil {
		return 0, err
	}
	for _, c := range []byte(s[7:]) {
		if !isBcryptB64(c) {
			return 0, errors.New("bcrypt hash holds a character outside its base64")
		}
	}
	return cost, nil
}

func decimalCost(s string) (int, error) {
	if s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return 0, fmt.Errorf("bcrypt cost %q is not two digits", s)
	}
	cost := int(s[0]-'0')*10 + int(s[1]-'0')
	if cost < bcrypt.MinCost {
		return 0, fmt.Errorf("bcrypt cost %d is under %d", cost, bcrypt.MinCost)
	}
	return cost, nil
}

func isBcryptB64(c byte) bool {
	return c == '.' || c == '/' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// scheme names a hash's scheme for an error without quoting the hash,
// which may be a plaintext password.
func scheme(hash string) string {
	if id, _, ok := strings.Cut(strings.TrimPrefix(hash, "$"), "$"); ok && strings.HasPrefix(hash, "$") &&
		len(id) <= 16 && !strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return "$" + id + "$"
	}
	return "no $scheme$ prefix"
}
