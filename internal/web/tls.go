package web

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Certificate is the server's TLS certificate, read from PEM files and
// swapped atomically by Reload, so that new connections get the new
// certificate while open ones keep theirs.
type Certificate struct {
	certFile, keyFile, chainFile string
	cur                          atomic.Pointer[tls.Certificate]
}

// LoadCertificate reads a certificate and its key from PEM files; chain,
// if not empty, holds intermediate certificates sent after it.
func LoadCertificate(certFile, keyFile, chainFile string) (*Certificate, error) {
	c := &Certificate{certFile: certFile, keyFile: keyFile, chainFile: chainFile}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload reads the files again. On error the certificate in use stays.
func (c *Certificate) Reload() error {
	certPEM, err := os.ReadFile(c.certFile)
	if err != nil {
		return fmt.Errorf("web: certificate: %w", err)
	}
	if c.chainFile != "" {
		chain, err := os.ReadFile(c.chainFile)
		if err != nil {
			return fmt.Errorf("web: certificate chain: %w", err)
		}
		certPEM = append(append(certPEM, '\n'), chain...)
	}
	keyPEM, err := os.ReadFile(c.keyFile)
	if err != nil {
		return fmt.Errorf("web: certificate key: %w", err)
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("web: certificate %s: %w", c.certFile, err)
	}
	c.cur.Store(&cert)
	return nil
}

// GetCertificate returns the current certificate; it fits
// tls.Config.GetCertificate.
func (c *Certificate) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return c.cur.Load(), nil
}

// Fingerprint returns the SHA-256 fingerprint of the current leaf
// certificate as browsers show it: upper-case hex pairs joined by colons.
func (c *Certificate) Fingerprint() string {
	cert := c.cur.Load()
	if cert == nil || len(cert.Certificate) == 0 {
		return ""
	}
	sum := sha256.Sum256(cert.Certificate[0])
	var b strings.Builder
	for i, x := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02X", x)
	}
	return b.String()
}

// Names of the self-signed certificate's files in its directory.
const (
	SelfSignedCert = "cert.pem"
	SelfSignedKey  = "key.pem"
)

// selfSignedLife is how long a generated certificate is valid; browsers
// refuse longer lives than 398 days even for certificates users accept.
const selfSignedLife = 397 * 24 * time.Hour

// SelfSigned returns the self-signed certificate kept in dir (DATA/tls),
// making the directory (mode 0700), an ECDSA P-256 key (mode 0600) and a
// certificate for localhost, 127.0.0.1 and ::1 when there is none or it
// expires within a week. generated reports whether it made them.
func SelfSigned(dir string) (c *Certificate, generated bool, err error) {
	certFile, keyFile := filepath.Join(dir, SelfSignedCert), filepath.Join(dir, SelfSignedKey)
	if c, err := LoadCertificate(certFile, keyFile, ""); err == nil {
		leaf, _ := x509.ParseCertificate(c.cur.Load().Certificate[0])
		if leaf != nil && time.Until(leaf.NotAfter) > 7*24*time.Hour {
			return c, false, nil
		}
	} else if _, serr := os.Stat(certFile); !errors.Is(serr, fs.ErrNotExist) {
		// A certificate that exists but does not load is the sysop's to
		// look at, not ours to replace.
		return nil, false, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("web: %w", err)
	}
	certPEM, keyPEM, err := makeSelfSigned(time.Now())
	if err != nil {
		return nil, false, err
	}
	// The key first: a certificate on disk always has its key.
	if err := writeFileAtomic(keyFile, keyPEM, 0o600); err != nil {
		return nil, false, err
	}
	if err := writeFileAtomic(certFile, certPEM, 0o644); err != nil {
		return nil, false, err
	}
	c, err = LoadCertificate(certFile, keyFile, "")
	return c, true, err
}

// makeSelfSigned returns a new certificate and key in PEM form.
func makeSelfSigned(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("web: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("web: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "localhost", Organization: []string{"x84 (self-signed)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedLife),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("web: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("web: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

// writeFileAtomic writes a file under a temporary name and renames it, so
// a crash never leaves half a key.
func writeFileAtomic(name string, data []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("web: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return fmt.Errorf("web: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("web: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("web: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("web: %w", err)
	}
	return nil
}
