package webadmin

import (
	"testing"

	"github.com/x84bbs/x84/internal/config"
)

// TestMaskMailPassword: the running configuration shows [mail]'s
// password masked, and the user and host as they are.
func TestMaskMailPassword(t *testing.T) {
	c := config.Default()
	c.Mail.Host, c.Mail.User, c.Mail.Password = "smtp.example.org", "bbs", "hunter2-secret"
	m := maskConfig(c)
	if m.Mail.Password != masked || m.Mail.User != "bbs" || m.Mail.Host != "smtp.example.org" {
		t.Errorf("maskConfig [mail] = %+v; want the password masked, the rest as it is", m.Mail)
	}
	if c.Mail.Password != "hunter2-secret" {
		t.Errorf("maskConfig changed the running configuration")
	}
}
