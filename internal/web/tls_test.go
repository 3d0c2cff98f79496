package web

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/x84bbs/x84/session"
	"github.com/x84bbs/x84/term"
)

func TestSelfSigned(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	c, generated, err := SelfSigned(dir)
	if err != nil || !generated {
		t.Fatalf("SelfSigned(new dir) = %v, %v; want a generated certificate", generated, err)
	}
	for name, mode := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, SelfSignedKey): 0o600, filepath.Join(dir, SelfSignedCert): 0o644} {
		fi, err := os.Stat(name)
		if err != nil || fi.Mode() != mode {
			t.Errorf("%s: mode %v, %v; want %v", name, fi.Mode(), err, mode)
		}
	}
	leaf := leafOf(t, c)
	if _, ok := leaf.PublicKey.(*ecdsa.PublicKey); !ok || leaf.PublicKey.(*ecdsa.PublicKey).Curve != elliptic.P256() {
		t.Errorf("key %T; want ECDSA P-256", leaf.PublicKey)
	}
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	if !slices.Equal(leaf.DNSNames, []string{"localhost"}) || !slices.Equal(ips, []string{"127.0.0.1", "::1"}) {
		t.Errorf("names %v %v; want localhost, 127.0.0.1, ::1", leaf.DNSNames, ips)
	}
	if err := leaf.VerifyHostname("127.0.0.1"); err != nil {
		t.Error(err)
	}
	sum := sha256.Sum256(leaf.Raw)
	if fp := c.Fingerprint(); fp != strings.ToUpper(colonHex(sum[:])) || len(fp) != 95 {
		t.Errorf("Fingerprint() = %q; want the SHA-256 of the certificate", fp)
	}

	again, generated, err := SelfSigned(dir)
	if err != nil || generated || again.Fingerprint() != c.Fingerprint() {
		t.Errorf("SelfSigned(same dir) = %v, %v, %s; want the same certificate, not a new one", generated, err, again.Fingerprint())
	}

	// One about to expire is replaced.
	certPEM, keyPEM, err := makeSelfSigned(time.Now().Add(-selfSignedLife + 24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, SelfSignedCert), certPEM, 0o644)
	os.WriteFile(filepath.Join(dir, SelfSignedKey), keyPEM, 0o600)
	if _, generated, err := SelfSigned(dir); err != nil || !generated {
		t.Errorf("SelfSigned(expiring) = %v, %v; want a new certificate", generated, err)
	}

	// One that does not load is left for the sysop.
	os.WriteFile(filepath.Join(dir, SelfSignedCert), []byte("junk"), 0o644)
	if _, _, err := SelfSigned(dir); err == nil {
		t.Errorf("SelfSigned(junk certificate) = nil error; want one")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, SelfSignedCert)); string(b) != "junk" {
		t.Errorf("SelfSigned replaced a certificate it could not read")
	}
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02x", x)
	}
	return strings.Join(parts, ":")
}

func leafOf(t *testing.T, c *Certificate) *x509.Certificate {
	t.Helper()
	cert, _ := c.GetCertificate(nil)
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf
}

// writePair writes a fresh certificate and key where LoadCertificate
// reads them.
func writePair(t *testing.T, certFile, keyFile string) {
	t.Helper()
	certPEM, keyPEM, err := makeSelfSigned(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
}

// peerFingerprint handshakes with the server and returns the fingerprint
// of the certificate it presents.
func peerFingerprint(t *testing.T, addr string) string {
	t.Helper()
	c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sum := sha256.Sum256(c.ConnectionState().PeerCertificates[0].Raw)
	return strings.ToUpper(colonHex(sum[:]))
}

// TestReload swaps the certificate files and reloads: new connections
// get the new certificate, a session already open goes on.
func TestReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, chainFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "chain.pem")
	writePair(t, certFile, keyFile)
	chainPEM, _, _ := makeSelfSigned(time.Now()) // stands in for an intermediate
	os.WriteFile(chainFile, chainPEM, 0o644)
	cert, err := LoadCertificate(certFile, keyFile, chainFile)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := cert.GetCertificate(nil); len(got.Certificate) != 2 {
		t.Errorf("certificate with chain has %d certificates; want 2", len(got.Certificate))
	}
	f := newFixture(t, setup{config: func(c *Config) { c.Certificate = cert }})
	first := cert.Fingerprint()
	if got := peerFingerprint(t, f.host); got != first {
		t.Fatalf("server presents %s; want %s", got, first)
	}
	sc := f.terminal(80, 24)
	sc.waitFor("Handle:")

	writePair(t, certFile, keyFile)
	if err := f.web.Reload(); err != nil {
		t.Fatal(err)
	}
	second := f.web.Fingerprint()
	if second == first {
		t.Fatalf("Reload kept the old certificate")
	}
	if got := peerFingerprint(t, f.host); got != second {
		t.Errorf("after Reload the server presents %s; want %s", got, second)
	}
	sc.resize(90, 30)
	f.waitSession("still open, resized", func(s session.Snapshot) bool { return s.Size == term.Size{Cols: 90, Rows: 30} })

	// A bad file keeps the certificate in use.
	os.WriteFile(keyFile, []byte("junk"), 0o600)
	if err := f.web.Reload(); err == nil {
		t.Errorf("Reload with a broken key = nil; want an error")
	}
	if got := peerFingerprint(t, f.host); got != second {
		t.Errorf("after a failed Reload the server presents %s; want %s", got, second)
	}
}

// TestSlowHandshake connects clients that never finish the TLS
// handshake: the handshake timeout closes them, and goleak (TestMain)
// checks that nothing is left behind.
func TestSlowHandshake(t *testing.T) {
	t.Parallel()
	f := newFixture(t, setup{config: func(c *Config) { c.ReadHeaderTimeout = 300 * time.Millisecond }})
	hello := clientHello(t)
	tests := []struct {
		name string
		send []byte
	}{
		{"nothing", nil},
		{"a record header", hello[:5]},
		{"half a ClientHello", hello[:len(hello)/2]},
		{"all but the last byte", hello[:len(hello)-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", f.host)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			start := time.Now()
			if len(tt.send) > 0 {
				c.Write(tt.send)
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err = io.Copy(io.Discard, c)
			d := time.Since(start)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("the server kept the connection open for 5 s")
			}
			if d < 250*time.Millisecond || d > 2*time.Second {
				t.Errorf("closed after %v; want about 300ms", d)
			}
		})
	}
}

// clientHello records the first bytes a TLS client sends.
func clientHello(t *testing.T) []byte {
	t.Helper()
	a, b := net.Pipe()
	defer b.Close()
	go func() {
		tls.Client(a, &tls.Config{InsecureSkipVerify: true}).Handshake()
		a.Close()
	}()
	buf := make([]byte, 4096)
	n, err := b.Read(buf)
	if err != nil || n < 10 {
		t.Fatalf("reading a ClientHello: %d, %v", n, err)
	}
	b.Close()
	return buf[:n]
}

// TestServeRedirect runs the plain-HTTP listener for real.
func TestServeRedirect(t *testing.T) {
	t.Parallel()
	w := New(Config{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.ServeRedirect(l, 8443) }()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get("http://" + l.Addr().String() + "/api/who")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "https://127.0.0.1:8443/api/who"; resp.StatusCode != 308 || resp.Header.Get("Location") != want {
		t.Errorf("GET over HTTP = %d %q; want 308 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.Shutdown(ctx); err != nil {
		t.Error(err)
	}
	if err := <-done; !errors.Is(err, ErrServerClosed) {
		t.Errorf("ServeRedirect = %v; want ErrServerClosed", err)
	}
}

// rsaCertificate writes a self-signed RSA certificate for 127.0.0.1 and
// loads it.
func rsaCertificate(t *testing.T) *Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	c, err := LoadCertificate(certFile, keyFile, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serveTLS runs a web server with cert on loopback until the test ends,
// and returns its address.
func serveTLS(t *testing.T, cert *Certificate) string {
	t.Helper()
	w := New(Config{Certificate: cert})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Serve(l) }()
	t.Cleanup(func() {
		w.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve = %v; want ErrServerClosed", err)
		}
	})
	return l.Addr().String()
}

// TestTLS12Suites offers TLS 1.2 clients one kind of cipher suite at a
// time: CBC (with SHA-1 or SHA-256 MACs) and static RSA key exchange are
// refused, ECDHE with AES-GCM or ChaCha20-Poly1305 accepted, for an ECDSA
// and an RSA certificate.
func TestTLS12Suites(t *testing.T) {
	t.Parallel()
	ecdsaCert, _, err := SelfSigned(filepath.Join(t.TempDir(), "tls"))
	if err != nil {
		t.Fatal(err)
	}
	servers := map[string]string{"ECDSA": serveTLS(t, ecdsaCert), "RSA": serveTLS(t, rsaCertificate(t))}
	tests := []struct {
		cert  string
		suite uint16
		ok    bool
	}{
		{"ECDSA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, false},
		{"ECDSA", tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, false},
		{"ECDSA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, false},
		{"ECDSA", tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, true},
		{"ECDSA", tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, true},
		{"ECDSA", tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, true},
		{"RSA", tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, false},
		{"RSA", tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, false},
		{"RSA", tls.TLS_RSA_WITH_AES_128_CBC_SHA, false},
		{"RSA", tls.TLS_RSA_WITH_AES_128_GCM_SHA256, false},
		{"RSA", tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, true},
		{"RSA", tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, true},
		{"RSA", tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, true},
	}
	for _, tt := range tests {
		c, err := tls.Dial("tcp", servers[tt.cert], &tls.Config{InsecureSkipVerify: true,
			MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{tt.suite}})
		if err == nil {
			got := c.ConnectionState().CipherSuite
			c.Close()
			if got != tt.suite {
				t.Errorf("%s certificate, TLS 1.2 offering only %s: got %s", tt.cert, tls.CipherSuiteName(tt.suite), tls.CipherSuiteName(got))
			}
		}
		if (err == nil) != tt.ok {
			t.Errorf("%s certificate, TLS 1.2 offering only %s: handshake error %v; want success %v", tt.cert, tls.CipherSuiteName(tt.suite), err, tt.ok)
		}
	}
	// TLS 1.3 as before.
	c, err := tls.Dial("tcp", servers["ECDSA"], &tls.Config{InsecureSkipVerify: true})
	if err != nil || c.ConnectionState().Version != tls.VersionTLS13 {
		t.Errorf("default client: %v; want TLS 1.3", err)
	}
	if c != nil {
		c.Close()
	}

	// The same with OpenSSL's client, where there is one.
	t.Run("openssl", func(t *testing.T) {
		if _, err := exec.LookPath("openssl"); err != nil {
			t.Skip("no openssl")
		}
		tests := []struct {
			cert, cipher string
			ok           bool
		}{
			{"RSA", "AES128-SHA", false},
			{"RSA", "ECDHE-RSA-AES128-SHA", false},
			{"ECDSA", "ECDHE-ECDSA-AES128-SHA", false},
			{"ECDSA", "ECDHE-ECDSA-AES256-SHA384", false},
			{"RSA", "ECDHE-RSA-AES128-GCM-SHA256", true},
			{"ECDSA", "ECDHE-ECDSA-AES128-GCM-SHA256", true},
			{"ECDSA", "ECDHE-ECDSA-CHACHA20-POLY1305", true},
		}
		for _, tt := range tests {
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			cmd := exec.CommandContext(ctx, "openssl", "s_client", "-connect", servers[tt.cert], "-tls1_2", "-cipher", tt.cipher)
			cmd.Stdin = strings.NewReader("") // end at once after the handshake
			out, err := cmd.CombinedOutput()
			cancel()
			ok := err == nil && strings.Contains(string(out), "Cipher is "+tt.cipher)
			if ok != tt.ok {
				t.Errorf("openssl s_client -tls1_2 -cipher %s (%s certificate): exit %v, handshake %v; want %v\n%s", tt.cipher, tt.cert, err, ok, tt.ok, out)
			}
		}
	})
}
