package webadmin

import (
	"fmt"
	"html"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/x84bbs/x84/internal/config"
)

// plantSecrets sets every string key whose name says it holds a secret,
// in every section (those added later too), to a value of its own, and
// returns the values.
func plantSecrets(v reflect.Value, name string, secrets *[]string) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			key, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ",")
			plantSecrets(v.Field(i), key, secrets)
		}
	case reflect.String:
		if secretName(name) {
			s := fmt.Sprintf("SECRET-%d-%s", len(*secrets), name)
			*secrets = append(*secrets, s)
			v.SetString(s)
		}
	}
}

func TestSettingsMasked(t *testing.T) {
	f, c := sysopClient(t)
	var secrets []string
	plantSecrets(reflect.ValueOf(&f.settings).Elem(), "", &secrets)
	if len(secrets) == 0 || f.settings.Web.MetricsToken == "" {
		t.Fatalf("planted %v; want at least [web] metrics_token", secrets)
	}
	f.settings.Store.URL = "postgres://x84:SECRET-url-pw@db.example:5432/x84?sslmode=require&password=SECRET-url-param"
	f.settings.Doors = config.Doors{{Name: "lord", Key: "l", Command: "/usr/bin/lord",
		Args: []string{"--node", "{node}", "--password", "SECRET-arg", "-api-key", "SECRET-arg2", "--token=SECRET-arg3", "--db",
			"host=db password='SECRET arg4' user=lord"},
		Env: map[string]string{"LORD_API_KEY": "SECRET-env", "TERM": "ansi", "DB": "postgres://u:SECRET-env-url@h/db",
			"KEY": "SECRET-env-key", "TOKEN": "SECRET-env-token", "PASSWORD": "SECRET-env-password", "key": "SECRET-env-lower"}}}
	secrets = append(secrets, "SECRET-url-pw", "SECRET-url-param", "SECRET-env", "SECRET-env-url", "SECRET-arg", "SECRET-arg2",
		"SECRET-arg3", "SECRET arg4", "SECRET-env-key", "SECRET-env-token", "SECRET-env-password", "SECRET-env-lower")
	before := fmt.Sprintf("%+v", f.settings)
	r := c.get(Prefix + "config")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET config = %d", r.StatusCode)
	}
	page := html.UnescapeString(r.body)
	for _, s := range secrets {
		if strings.Contains(page, s) || strings.Contains(page, strings.TrimPrefix(s, "SECRET")) {
			t.Errorf("the config page shows the secret %q", s)
		}
	}
	for _, want := range []string{
		`metrics_token = "********"`,
		`url = "postgres://x84:********@db.example:5432/x84?sslmode=require&password=********"`,
		`LORD_API_KEY = "********"`, `TERM = "ansi"`, `DB = "postgres://u:********@h/db"`,
		`KEY = "********"`, `TOKEN = "********"`, `PASSWORD = "********"`, `key = "********"`,
		`command = "/usr/bin/lord"`, `key = "l"`,
		`args = ["--node", "{node}", "--password", "********", "-api-key", "********", "--token=********", "--db", "host=db password=******** user=lord"]`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the config page lacks %s\n%s", want, page)
		}
	}
	if after := fmt.Sprintf("%+v", f.settings); after != before {
		t.Errorf("masking changed the running configuration:\n%s\nwas\n%s", after, before)
	}
}

// TestSettingsStoreURLFromEnvironment: when X84_STORE_URL overrides
// [store] url, the page shows the URL in use, masked, and says so.
func TestSettingsStoreURLFromEnvironment(t *testing.T) {
	tests := []struct {
		name, file, env string
		url, note       string // "" for no note
	}{
		{"a DSN over a URL", "postgres://x84:FILE-pw@old/x84", "host=db user=x84 password=hunter2 dbname=x84",
			`url = "host=db user=x84 password=******** dbname=x84"`, "the file says postgres://x84:********@old/x84"},
		{"over none", "", "postgres://x84:hunter2@db/x84", `url = "postgres://x84:********@db/x84"`, "the file sets none"},
		{"the same as the file", "postgres://x84:hunter2@db/x84", "postgres://x84:hunter2@db/x84", `url = "postgres://x84:********@db/x84"`, ""},
		{"no environment", "host=db password=hunter2", "", `url = "host=db password=********"`, ""},
	}
	for _, tt := range tests {
		f, c := sysopClient(t, func(c *Config) { c.StoreURL = tt.env })
		f.settings.Store.URL = tt.file
		page := html.UnescapeString(c.get(Prefix + "config").body)
		if strings.Contains(page, "hunter2") || strings.Contains(page, "FILE-pw") {
			t.Errorf("%s: the config page shows a password:\n%s", tt.name, page)
		}
		if !strings.Contains(page, tt.url) {
			t.Errorf("%s: the config page lacks %s\n%s", tt.name, tt.url, page)
		}
		note := strings.Contains(page, "X84_STORE_URL, which overrides the file")
		if note != (tt.note != "") || !strings.Contains(page, tt.note) {
			t.Errorf("%s: the note about X84_STORE_URL shown %v, saying %q; want %q", tt.name, note, page, tt.note)
		}
	}
}

// masks is a configuration of a shape config.Config may take one day:
// pointers, maps of structs, interfaces, arrays.
type masks struct {
	Ptr    *inner            `toml:"ptr"`
	ByName map[string]inner  `toml:"by_name"`
	ByPtr  map[string]*inner `toml:"by_ptr"`
	Lists  map[string][]string
	Any    any       `toml:"any"`
	Arr    [2]string `toml:"arr"`
	Nil    *inner    `toml:"nil"`
}

type inner struct {
	Password string `toml:"password"`
	Name     string `toml:"name"`
}

func TestMaskWalksEverything(t *testing.T) {
	in := masks{
		Ptr:    &inner{"p1", "n1"},
		ByName: map[string]inner{"a": {"p2", "n2"}},
		ByPtr:  map[string]*inner{"b": {"p3", "n3"}},
		Lists:  map[string][]string{"TOKENS": {"p4"}, "args": {"--secret", "p5", "x"}},
		Any:    &inner{"p6", "n6"},
		Arr:    [2]string{"--token", "p7"},
	}
	out := in
	maskValue(reflect.ValueOf(&out).Elem(), "")
	got := fmt.Sprintf("%v %v %v %v %v %v %v", *out.Ptr, out.ByName, *out.ByPtr["b"], out.Lists, *out.Any.(*inner), out.Arr, out.Nil)
	want := "{******** n1} map[a:{******** n2}] {******** n3} map[TOKENS:[********] args:[--secret ******** x]] {******** n6} [--token ********] <nil>"
	if got != want {
		t.Errorf("masked = %s\nwant      %s", got, want)
	}
	orig := fmt.Sprintf("%v %v %v %v %v %v", *in.Ptr, in.ByName, *in.ByPtr["b"], in.Lists, *in.Any.(*inner), in.Arr)
	if orig != "{p1 n1} map[a:{p2 n2}] {p3 n3} map[TOKENS:[p4] args:[--secret p5 x]] {p6 n6} [--token p7]" {
		t.Errorf("masking changed the original: %s", orig)
	}
}

func TestMaskText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"/var/lib/x84", "/var/lib/x84"},
		{"postgres://x84@db/x84", "postgres://x84@db/x84"},
		{"postgres://x84:pw@db/x84", "postgres://x84:********@db/x84"},
		{"postgres://x84:p@ss/w@db/x84", "postgres://x84:********@db/x84"},
		{"postgres://x84:p%zzw@db/x84", "postgres://x84:********@db/x84"},
		{"redis://:pw@cache:6379", "redis://:********@cache:6379"},
		{"https://host/x?email=a@b.example", "https://host/x?email=a@b.example"},
		{"postgres://db/x84?sslmode=disable&password=pw", "postgres://db/x84?sslmode=disable&password=********"},
		{"postgres://db/x84?password=pw&sslmode=disable", "postgres://db/x84?password=********&sslmode=disable"},
		{"postgres://db/x84?sslkey=/k.pem&sslpassword=pw#frag", "postgres://db/x84?sslkey=********&sslpassword=********#frag"},
		{"a=postgres://u:pw@h/db b=redis://:pw2@h2", "a=postgres://u:********@h/db b=redis://:********@h2"},
		{"host=db user=x84 password=hunter2 dbname=x84", "host=db user=x84 password=******** dbname=x84"},
		{"host=db password = hunter2 dbname=x84", "host=db password = ******** dbname=x84"},
		{`host=db password='hunter 2 \' x' dbname=x84`, "host=db password=******** dbname=x84"},
		{"host=db password='unclosed dbname=x84", "host=db password=********"},
		// libpq allows spaces around '=': the value is "dbname=x84".
		{"password= dbname=x84", "password= ********"},
		{"password=", "password="},
		{"--token=abc==", "--token=********"},
		{"API_KEY=k1 PWD=k2 HOME=/root", "API_KEY=******** PWD=******** HOME=/root"},
		{"mode=fast", "mode=fast"},
	}
	for _, tt := range tests {
		if got := maskText(tt.in); got != tt.want {
			t.Errorf("maskText(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretName(t *testing.T) {
	tests := []struct {
		name       string
		key, words bool // secretName, secretWord
	}{
		{"password", true, true}, {"metrics_token", true, true}, {"MAIL_PASSWORD", true, true}, {"api_key", true, true},
		{"client_secret", true, true}, {"password_min", true, true},
		// Keys of the configuration that only sound secret; as map keys
		// or parameters they are.
		{"key", false, true}, {"KEY", false, true}, {"host_keys", false, true},
		{"cert", false, false}, {"url", false, false}, {"name", false, false},
	}
	for _, tt := range tests {
		if got := secretName(tt.name); got != tt.key {
			t.Errorf("secretName(%q) = %v; want %v", tt.name, got, tt.key)
		}
		if got := secretWord(tt.name); got != tt.words {
			t.Errorf("secretWord(%q) = %v; want %v", tt.name, got, tt.words)
		}
	}
}

func TestSecretFlag(t *testing.T) {
	tests := []struct {
		arg  string
		want bool
	}{
		{"--password", true}, {"-api-key", true}, {"--TOKEN", true}, {"password", false}, {"--token=x", false},
		{"--", false}, {"-", false}, {"--node", false},
	}
	for _, tt := range tests {
		if got := secretFlag(tt.arg); got != tt.want {
			t.Errorf("secretFlag(%q) = %v; want %v", tt.arg, got, tt.want)
		}
	}
}
