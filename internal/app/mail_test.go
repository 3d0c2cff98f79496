package app

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/config"
	"github.com/x84bbs/x84/store/sqlite"
)

// TestMailParts: a [mail] host offers password reset by e-mail, and
// Close stops its workers (goleak checks); X84_MAIL_PASSWORD takes the
// file's password's place.
func TestMailParts(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, DatabaseFile), sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	withMail := config.Default()
	withMail.Mail.Host, withMail.Mail.TLS, withMail.Mail.From = "127.0.0.1", "none", "bbs@x84.test"
	withUser := withMail
	withUser.Mail.User = "bbs"
	for _, tt := range []struct {
		name    string
		cfg     config.Config
		env     string // X84_MAIL_PASSWORD
		offered bool
		err     string
	}{
		{"no mail", config.Default(), "", false, ""},
		{"mail", withMail, "", true, ""},
		{"password from the environment needs a user", withMail, "s3cret", false, "x84: mail: a password needs a user"},
		{"password from the environment with a control character", withUser, "s3cret\r\nQUIT", false,
			"x84: X84_MAIL_PASSWORD must not contain control characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(MailPasswordEnv, tt.env)
			p, err := NewParts(t.Context(), dir, tt.cfg, st, slog.New(slog.DiscardHandler))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("NewParts = %v; want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), tt.env) {
					t.Errorf("the error shows the password")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Accounts.ResetOffered(); got != tt.offered {
				t.Errorf("ResetOffered() = %v; want %v", got, tt.offered)
			}
			if err := p.Close(); err != nil {
				t.Errorf("Close = %v", err)
			}
		})
	}
}
