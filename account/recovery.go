package account

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// RecoveryCodes is how many recovery codes a user gets when turning on
// two-factor login: each lets them in once without the authenticator.
const RecoveryCodes = 10

// recoveryBytes is a recovery code's randomness: 80 bits, 16 base32
// letters, shown as four groups of four ("abcd-efgh-ijkl-mnop").
const recoveryBytes = 10

// recoveryLen is the letters of a recovery code, without the dashes.
var recoveryLen = base32.StdEncoding.WithPadding(base32.NoPadding).EncodedLen(recoveryBytes)

// recoveryEncoding is base32 in lower case: codes are typed, and lower
// case is easier to read aloud and to type on a phone.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRecoveryCodes makes RecoveryCodes fresh codes: in clear for the user,
// and their hashes for the store.
func newRecoveryCodes() (codes, hashes []string) {
	for range RecoveryCodes {
		var b [recoveryBytes]byte
		rand.Read(b[:]) // never fails (crypto/rand)
		plain := recoveryEncoding.EncodeToString(b[:])
		codes = append(codes, groupsOf4(plain, "-"))
		hashes = append(hashes, recoveryHash(plain))
	}
	return codes, hashes
}

// recoveryHash is how a recovery code is stored: its SHA-256, in hex. A
// code has 80 random bits, so a fast hash without salt is enough: there
// is nothing to guess from a dictionary.
func recoveryHash(normalised string) string {
	h := sha256.Sum256([]byte("x84 recovery code:" + normalised))
	return hex.EncodeToString(h[:])
}

// matchRecovery returns the index in hashes of the code's hash, or -1.
// It compares with every hash in constant time, so that the time taken
// tells nothing about which one matched, or how much of one.
func matchRecovery(hashes []string, normalised string) int {
	h := []byte(recoveryHash(normalised))
	found := -1
	for i, stored := range hashes {
		if subtle.ConstantTimeCompare([]byte(stored), h) == 1 {
			found = i
		}
	}
	return found
}

// groupsOf4 writes s in groups of four characters separated by sep.
func groupsOf4(s, sep string) string {
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}
