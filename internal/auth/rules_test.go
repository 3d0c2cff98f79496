package auth

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// Messages the checkers show, as the tables expect them.
const (
	msgHandleLen  = "Handles are 3 to 16 characters long."
	msgHandleHint = "Handles use letters, digits, '.', '_' and '-', and start with a letter or digit."
	msgReserved   = "That name is reserved."
	msgControl    = "Control characters are not allowed."
	msgInvisible  = "Invisible or direction-changing characters are not allowed."
	msgSpaces     = "Remove the spaces at the start and end."
	msgBadUTF8    = "That contains characters that are not allowed."
	msgPassShort  = "Passwords need at least 8 characters."
	msgPassLong   = "Passwords can have at most 128 characters."
	msgNotEmail   = "That does not look like an e-mail address."
	msgEmailOnly  = "Enter only the address, like name@example.org."
	msgEmailSpace = "E-mail addresses cannot contain spaces."
)

func mustValidator(t testing.TB, r Rules) *Validator {
	t.Helper()
	v, err := NewValidator(r)
	if err != nil {
		t.Fatalf("NewValidator(%+v) error = %v", r, err)
	}
	return v
}

// check runs one checker over a table of inputs and the message each
// should get ("" for accepted).
func check(t *testing.T, name, field string, f func(string) error, tests []struct{ in, want string }) {
	t.Helper()
	for _, tt := range tests {
		err := f(tt.in)
		got := ""
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) {
				t.Errorf("%s(%q) error = %v (%T); want *RuleError", name, tt.in, err, err)
				continue
			}
			if re.Field != field {
				t.Errorf("%s(%q) field = %q; want %q", name, tt.in, re.Field, field)
			}
			got = re.Msg
		}
		if got != tt.want {
			t.Errorf("%s(%q) = %q; want %q", name, tt.in, got, tt.want)
		}
	}
}

func TestCheckHandle(t *testing.T) {
	v := mustValidator(t, Rules{})
	check(t, "CheckHandle", FieldHandle, v.CheckHandle, []struct{ in, want string }{
		{"bob", ""},
		{"Bob_the.Great-1", ""},
		{"1234", ""},
		{strings.Repeat("a", 16), ""},
		{"", msgHandleLen},
		{"ab", msgHandleLen},
		{strings.Repeat("a", 17), msgHandleLen},
		{"_bob", msgHandleHint},
		{".bob", msgHandleHint},
		{"bob!", msgHandleHint},
		{"bo b", msgHandleHint},
		{"bób", msgHandleHint},
		{"bob/x", msgHandleHint},
		{"new", msgReserved},
		{"NEW", msgReserved},
		{"Sysop", msgReserved},
		{"x84", msgReserved},
		{"anonymous", msgReserved},
		{" bob", msgSpaces},
		{"bob ", msgSpaces},
		{"bob\u00a0", msgSpaces},
		{"bob\x1b[2J", msgControl},
		{"bob\x00", msgControl},
		{"bob\x7f", msgControl},
		{"bob\u009b", msgControl},
		{"bob\u202e", msgInvisible},
		{"\u2066bob", msgInvisible},
		{"bo\u200bb", msgInvisible},
		{"bo\xffb", msgBadUTF8},
	})
}

func TestCheckHandleCustomRules(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		cases []struct{ in, want string }
	}{
		{"spaces and any letter", Rules{HandlePattern: `[\pL0-9][\pL0-9 ]*`, HandleMax: 20}, []struct{ in, want string }{
			{"Dark Angel", ""},
			{"Zoë", ""},
			{"Dark Angel!", "That handle does not fit this board's rules."},
			{"Dark Angel Of The Night", "Handles are 3 to 20 characters long."},
			{"Dark Angel ", msgSpaces},
			// Letters and marks the sanitiser strips: they would read
			// as "bob" to everyone else.
			{"bob\u3164", msgInvisible},
			{"bo\u034fb", msgInvisible},
			{"bob\u115f", msgInvisible},
		}},
		{"pattern is anchored", Rules{HandlePattern: `bob`, Reserved: []string{}}, []struct{ in, want string }{
			{"bob", ""},
			{"xbobx", "That handle does not fit this board's rules."},
		}},
		{"hint", Rules{HandlePattern: `[a-z]+`, HandleHint: "Lower-case letters only."}, []struct{ in, want string }{
			{"Bob", "Lower-case letters only."},
		}},
		{"separators refused whatever the pattern", Rules{HandlePattern: `.+`}, []struct{ in, want string }{
			{"a/b", `Handles cannot contain / or \.`},
			{`a\b`, `Handles cannot contain / or \.`},
			{"a.b", ""},
		}},
		{"no reserved words", Rules{Reserved: []string{}}, []struct{ in, want string }{
			{"new", ""},
			{"sysop", ""},
		}},
		{"own reserved words", Rules{Reserved: []string{"Bob"}}, []struct{ in, want string }{
			{"bOB", msgReserved},
			{"new", ""},
		}},
		{"lengths", Rules{HandleMin: 1, HandleMax: 2}, []struct{ in, want string }{
			{"a", ""},
			{"abc", "Handles are 1 to 2 characters long."},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, "CheckHandle", FieldHandle, mustValidator(t, tt.rules).CheckHandle, tt.cases)
		})
	}
}

func TestCheckPassword(t *testing.T) {
	v := mustValidator(t, Rules{})
	check(t, "CheckPassword", FieldPassword, v.CheckPassword, []struct{ in, want string }{
		{"correct horse", ""},
		{"12345678", ""},
		{"пароль12", ""}, // 8 runes, 14 bytes
		{strings.Repeat("x", 128), ""},
		{"", msgPassShort},
		{"short", msgPassShort},
		{"пароль1", msgPassShort}, // 7 runes, 13 bytes
		{strings.Repeat("x", 129), msgPassLong},
		{" leading space", msgSpaces},
		{"trailing space ", msgSpaces},
		{"pass\tword1", msgControl},
		{"password\r\n", msgControl},
		{"pass\u202eword", msgInvisible},
		{"pass\xffword", msgBadUTF8},
	})

	v = mustValidator(t, Rules{PasswordMin: 4, PasswordMax: 6})
	check(t, "CheckPassword", FieldPassword, v.CheckPassword, []struct{ in, want string }{
		{"abcd", ""},
		{"abc", "Passwords need at least 4 characters."},
		{"abcdefg", "Passwords can have at most 6 characters."},
	})
}

func TestCheckRealNameAndLocation(t *testing.T) {
	v := mustValidator(t, Rules{})
	common := []struct{ in, want string }{
		{"", ""},
		{"Jeff Quast", ""},
		{"Zoë O'Brien-Smith", ""},
		{"山田太郎", ""},
		{"👩\u200d💻 land", ""}, // the joiner builds one emoji
		{strings.Repeat("é", 40), ""},
		{"\u202eevil", msgInvisible},
		{"Caf\u00e9\u2028", msgInvisible},
		{"soft\u00adhyphen", msgInvisible},
		{"\ufeffBOM", msgInvisible},
		{"x\u009b31m", msgControl},
		{"x\x1b[31m", msgControl},
		{"two\nlines", msgControl},
		{"nbsp\u00a0", msgSpaces},
		{"\u3000ideographic space", msgSpaces},
		{"bad\xc3", msgBadUTF8},
	}
	names := append(slices.Clone(common), struct{ in, want string }{strings.Repeat("é", 41), "Names can have at most 40 characters."})
	check(t, "CheckRealName", FieldRealName, v.CheckRealName, names)
	locs := append(slices.Clone(common), struct{ in, want string }{strings.Repeat("é", 41), "Locations can have at most 40 characters."})
	check(t, "CheckLocation", FieldLocation, v.CheckLocation, locs)
}

func TestCheckEmail(t *testing.T) {
	v := mustValidator(t, Rules{})
	check(t, "CheckEmail", FieldEmail, v.CheckEmail, []struct{ in, want string }{
		{"", ""},
		{"bob@example.org", ""},
		{"a@b.c", ""},
		{"bob.smith+bbs@mail.example.co.uk", ""},
		{"jöe@exämple.org", ""},
		{strings.Repeat("a", 52) + "@example.org", ""}, // 64
		{strings.Repeat("a", 53) + "@example.org", "E-mail addresses can have at most 64 characters."},
		{"bob", msgNotEmail},
		{"bob@", msgNotEmail},
		{"@example.org", msgNotEmail},
		{"bob@localhost", msgNotEmail},
		{"bob@@example.org", msgNotEmail},
		{"bob@ex@ample.org", msgNotEmail},
		{"bob@example..org", msgNotEmail},
		{"bob@example.org.", msgNotEmail},
		{"bob@.example.org", msgNotEmail},
		{"bob@[192.0.2.1]", msgNotEmail},
		{".bob@example.org", msgNotEmail},
		{"bob,al@example.org", msgNotEmail},
		{"<bob@example.org>", msgEmailOnly},
		{`"bob"@example.org`, msgEmailOnly},
		{"Bob <bob@example.org>", msgEmailSpace},
		{"bob @example.org", msgEmailSpace},
		{"bob@example.org (Bob)", msgEmailSpace},
		{" bob@example.org", msgSpaces},
		{"bob@example.org\r\nBcc: x@example.org", msgControl},
		{"bob\u202e@example.org", msgInvisible},
	})
}

func TestRuleError(t *testing.T) {
	v := mustValidator(t, Rules{})
	err := v.CheckHandle("sysop")
	var re *RuleError
	if !errors.As(err, &re) {
		t.Fatalf("CheckHandle(sysop) error = %v (%T); want *RuleError", err, err)
	}
	if got, want := err.Error(), "auth: handle: That name is reserved."; got != want {
		t.Errorf("CheckHandle(sysop).Error() = %q; want %q", got, want)
	}
}

func TestNewValidator(t *testing.T) {
	tests := []struct {
		name    string
		in      Rules
		wantErr string
	}{
		{"zero", Rules{}, ""},
		{"bad pattern", Rules{HandlePattern: "[a-"}, "auth: rules: handle pattern: error parsing regexp: missing closing ]: `[a-`"},
		{"handle min over max", Rules{HandleMin: 5, HandleMax: 4}, "auth: rules: handle minimum 5 is over the maximum 4"},
		{"handle min over default max", Rules{HandleMin: 17}, "auth: rules: handle minimum 17 is over the maximum 16"},
		{"password min over max", Rules{PasswordMin: 200}, "auth: rules: password minimum 200 is over the maximum 128"},
		{"negative", Rules{EmailMax: -1}, "auth: rules: a length limit is negative"},
	}
	for _, tt := range tests {
		_, err := NewValidator(tt.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.wantErr {
			t.Errorf("%s: NewValidator(%+v) error = %q; want %q", tt.name, tt.in, got, tt.wantErr)
		}
	}
}

func TestValidatorRules(t *testing.T) {
	v := mustValidator(t, Rules{})
	got := v.Rules()
	want := Rules{
		HandleMin: 3, HandleMax: 16,
		HandlePattern: DefaultHandlePattern,
		HandleHint:    msgHandleHint,
		Reserved:      DefaultReserved(),
		PasswordMin:   8, PasswordMax: 128,
		RealNameMax: 40, LocationMax: 40, EmailMax: 64,
	}
	if !rulesEqual(got, want) {
		t.Errorf("NewValidator(Rules{}).Rules() = %+v; want %+v", got, want)
	}
	// The copy is the caller's.
	got.Reserved[0] = "changed"
	if v.CheckHandle("new") == nil {
		t.Errorf("changing Rules().Reserved changed the Validator")
	}
	mine := []string{"bob"}
	v = mustValidator(t, Rules{Reserved: mine})
	mine[0] = "alice"
	if v.CheckHandle("bob") == nil {
		t.Errorf("changing the Reserved passed to NewValidator changed the Validator")
	}
}

func rulesEqual(a, b Rules) bool { return reflect.DeepEqual(a, b) }

// safeText reports whether s is what every checker promises to accept
// only: valid UTF-8 without control or invisible characters, and without
// spaces at either end.
func safeText(s string) bool {
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || invisible(r) }) {
		return false
	}
	return strings.TrimSpace(s) == s
}

func FuzzCheckHandle(f *testing.F) {
	for _, s := range []string{"bob", "Bob_the.Great-1", "ab", "sysop", "Dark Angel", " bob", "bob\x1b[2J",
		"bob\u202e", "bo\xffb", "a/b", "Zoë", "\u00a0bob", "new", strings.Repeat("a", 17)} {
		f.Add(s)
	}
	std := mustValidator(f, Rules{})
	loose := mustValidator(f, Rules{HandlePattern: `.+`, HandleMin: 1, HandleMax: 64, Reserved: []string{}})
	re := regexp.MustCompile(DefaultHandlePattern)
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []*Validator{std, loose} {
			err := v.CheckHandle(s)
			if err != nil {
				var e *RuleError
				if !errors.As(err, &e) || e.Field != FieldHandle || e.Msg == "" {
					t.Fatalf("CheckHandle(%q) error = %#v; want a *RuleError for the handle", s, err)
				}
				continue
			}
			r := v.Rules()
			if n := utf8.RuneCountInString(s); !safeText(s) || n < r.HandleMin || n > r.HandleMax || strings.ContainsAny(s, `/\`) {
				t.Errorf("CheckHandle(%q) = nil with rules %+v; want an error", s, r)
			}
			if v == std && (!re.MatchString(s) || slices.ContainsFunc(r.Reserved, func(w string) bool { return strings.EqualFold(w, s) })) {
				t.Errorf("CheckHandle(%q) = nil; want an error from the pattern or reserved words", s)
			}
		}
	})
}

func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"bob@example.org", "a@b.c", "Bob <bob@example.org>", "<bob@example.org>", `"bob"@example.org`,
		"bob@[192.0.2.1]", "bob@localhost", "bob@@example.org", "jöe@exämple.org", "bob@example.org\r\n", "=?utf-8?q?x?= <a@b.c>",
		"(c)a@b.c", "a@b.c(c)", `"a\"b"@c.d`} {
		f.Add(s)
	}
	v := mustValidator(f, Rules{})
	f.Fuzz(func(t *testing.T, s string) {
		err := v.CheckEmail(s)
		if err != nil {
			var e *RuleError
			if !errors.As(err, &e) || e.Field != FieldEmail || e.Msg == "" {
				t.Fatalf("CheckEmail(%q) error = %#v; want a *RuleError for the e-mail", s, err)
			}
			return
		}
		if s == "" {
			return
		}
		local, domain, _ := strings.Cut(s, "@")
		if !safeText(s) || utf8.RuneCountInString(s) > DefaultEmailMax || strings.ContainsFunc(s, unicode.IsSpace) ||
			strings.Count(s, "@") != 1 || local == "" || !strings.Contains(domain, ".") {
			t.Errorf("CheckEmail(%q) = nil; want an error", s)
		}
	})
}
