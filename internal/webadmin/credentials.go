package webadmin

import (
	"crypto/sha256"
	"crypto/subtle"
	"strconv"

	"github.com/x84bbs/x84/store"
)

// credentials is a fingerprint of what proves an account's owner: the
// SHA-256 of its password hash and its second factor's secret. A
// session keeps the one of its login; a request whose account's differs
// ends the session, so that a new password, or a second factor turned
// on or off, logs every admin session of the account out.
type credentials [sha256.Size]byte

// credentialsOf returns the fingerprint of the account's credentials.
func credentialsOf(u *store.User) credentials {
	h := sha256.New()
	// Each part after its length, so that no two pairs give the same
	// bytes.
	for _, part := range []string{u.Password, u.TOTP.Secret} {
		h.Write([]byte(strconv.Itoa(len(part)) + ":" + part))
	}
	var c credentials
	h.Sum(c[:0])
	return c
}

// same compares two fingerprints in constant time.
func (c credentials) same(o credentials) bool {
	return subtle.ConstantTimeCompare(c[:], o[:]) == 1
}
