package sshd

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/ssh"
)

// hostKeyTypes are the host keys generated on first start, by file name.
var hostKeyTypes = []struct {
	file string
	gen  func() (crypto.PrivateKey, error)
}{
	{"ssh_host_ed25519_key", func() (crypto.PrivateKey, error) {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}},
	{"ssh_host_ecdsa_key", func() (crypto.PrivateKey, error) {
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}},
	{"ssh_host_rsa_key", func() (crypto.PrivateKey, error) {
		return rsa.GenerateKey(rand.Reader, 3072)
	}},
}

// LoadHostKeys returns the host keys in paths, or, when paths is empty,
// the ed25519, ECDSA P-256 and RSA 3072 keys in dir, generating (mode 0600,
// OpenSSH format) those that do not exist yet. It reports the files it
// generated.
func LoadHostKeys(dir string, paths []string) (keys []ssh.Signer, generated []string, err error) {
	if len(paths) > 0 {
		for _, p := range paths {
			s, err := readHostKey(p)
			if err != nil {
				return nil, nil, err
			}
			keys = append(keys, s)
		}
		return keys, nil, nil
	}
	for _, kt := range hostKeyTypes {
		path := filepath.Join(dir, kt.file)
		s, err := readHostKey(path)
		if errors.Is(err, os.ErrNotExist) {
			s, err = generateHostKey(path, kt.gen)
			if err == nil {
				generated = append(generated, path)
			}
		}
		if err != nil {
			return nil, nil, err
		}
		keys = append(keys, s)
	}
	return keys, generated, nil
}

func readHostKey(path string) (ssh.Signer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sshd: host key: %w", err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sshd: host key %s is readable by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
	}
	s, err := ssh.ParsePrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("sshd: host key %s: %w", path, err)
	}
	return s, nil
}

func generateHostKey(path string, gen func() (crypto.PrivateKey, error)) (ssh.Signer, error) {
	key, err := gen()
	if err != nil {
		return nil, fmt.Errorf("sshd: generating %s: %w", path, err)
	}
	block, err := ssh.MarshalPrivateKey(key, "x84 host key")
	if err != nil {
		return nil, fmt.Errorf("sshd: encoding %s: %w", path, err)
	}
	// O_EXCL: never overwrite a key another process just wrote.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sshd: writing host key: %w", err)
	}
	if err := pem.Encode(f, block); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("sshd: writing host key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sshd: writing host key: %w", err)
	}
	pub, err := ssh.NewPublicKey(key.(crypto.Signer).Public())
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		return nil, fmt.Errorf("sshd: writing host key: %w", err)
	}
	return ssh.NewSignerFromKey(key)
}

// Fingerprints returns "TYPE SHA256:…" for each key, for logs and
// `x84 keys`.
func Fingerprints(keys []ssh.Signer) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.PublicKey().Type() + " " + ssh.FingerprintSHA256(k.PublicKey())
	}
	return out
}
