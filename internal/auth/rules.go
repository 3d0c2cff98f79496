package auth

import (
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// Fields named by RuleError.Field.
const (
	FieldHandle   = "handle"
	FieldPassword = "password"
	FieldRealName = "realname"
	FieldLocation = "location"
	FieldEmail    = "email"
)

// DefaultHandlePattern is the pattern of a zero Rules: letters, digits
// and . _ -, starting with a letter or digit, so a handle is also a safe
// file name.
const DefaultHandlePattern = `^[A-Za-z0-9][A-Za-z0-9_.-]*$`

// Defaults of a zero Rules.
const (
	DefaultHandleMin   = 3
	DefaultHandleMax   = 16
	DefaultPasswordMin = 8
	DefaultPasswordMax = 128
	DefaultRealNameMax = 40
	DefaultLocationMax = 40
	DefaultEmailMax    = 64
)

// DefaultReserved returns the handles a zero Rules refuses: the login
// prompt's commands and names that could pass for the board's staff.
func DefaultReserved() []string {
	return []string{"new", "apply", "forgot", "bye", "logoff", "logout", "quit", "exit",
		"sysop", "anonymous", "guest", "root", "admin", "all", "nobody", "x84"}
}

// Rules are the limits on account fields. The zero value gives the
// defaults above; lengths count runes (characters), not bytes.
type Rules struct {
	HandleMin, HandleMax int
	// HandlePattern is a regular expression that every handle must match
	// whole: it is anchored at both ends whether or not it has ^ and $.
	// "" means DefaultHandlePattern.
	HandlePattern string
	// HandleHint is shown when a handle does not match HandlePattern. ""
	// means a description of the default pattern, or a generic sentence
	// when HandlePattern is set.
	HandleHint string
	// Reserved handles are refused whatever their case. nil means
	// DefaultReserved(); an empty, non-nil slice reserves nothing.
	Reserved                 []string
	PasswordMin, PasswordMax int
	RealNameMax, LocationMax int
	EmailMax                 int
}

// RuleError is a value that breaks a rule. Msg is a short sentence meant
// for the user, so a screen can show it as it is.
type RuleError struct {
	Field string // FieldHandle, FieldPassword…
	Msg   string
}

func (e *RuleError) Error() string { return "auth: " + e.Field + ": " + e.Msg }

// UserMessage returns the message for the caller, without the prefix.
func (e *RuleError) UserMessage() string { return e.Msg }

// Validator checks account fields against Rules. It is immutable and safe
// for concurrent use.
type Validator struct {
	r       Rules
	pattern *regexp.Regexp
}

// NewValidator fills in r's defaults and compiles its pattern. It fails
// when the pattern does not compile or a limit is out of order.
func NewValidator(r Rules) (*Validator, error) {
	if r.HandleHint == "" {
		if r.HandlePattern == "" || r.HandlePattern == DefaultHandlePattern {
			r.HandleHint = "Handles use letters, digits, '.', '_' and '-', and start with a letter or digit."
		} else {
			r.HandleHint = "That handle does not fit this board's rules."
		}
	}
	if r.HandlePattern == "" {
		r.HandlePattern = DefaultHandlePattern
	}
	if r.Reserved == nil {
		r.Reserved = DefaultReserved()
	} else {
		r.Reserved = slices.Clone(r.Reserved)
	}
	for _, f := range []struct {
		v   *int
		def int
	}{
		{&r.HandleMin, DefaultHandleMin}, {&r.HandleMax, DefaultHandleMax},
		{&r.PasswordMin, DefaultPasswordMin}, {&r.PasswordMax, DefaultPasswordMax},
		{&r.RealNameMax, DefaultRealNameMax}, {&r.LocationMax, DefaultLocationMax},
		{&r.EmailMax, DefaultEmailMax},
	} {
		if *f.v < 0 {
			return nil, errors.New("auth: rules: a length limit is negative")
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if r.HandleMin > r.HandleMax {
		return nil, fmt.Errorf("auth: rules: handle minimum %d is over the maximum %d", r.HandleMin, r.HandleMax)
	}
	if r.PasswordMin > r.PasswordMax {
		return nil, fmt.Errorf("auth: rules: password minimum %d is over the maximum %d", r.PasswordMin, r.PasswordMax)
	}
	// Compile the pattern as written first, so an error quotes it rather
	// than the anchored form.
	if _, err := regexp.Compile(r.HandlePattern); err != nil {
		return nil, fmt.Errorf("auth: rules: handle pattern: %w", err)
	}
	re, err := regexp.Compile(`^(?:` + r.HandlePattern + `)$`)
	if err != nil {
		return nil, fmt.Errorf("auth: rules: handle pattern: %w", err)
	}
	return &Validator{r: r, pattern: re}, nil
}

// Rules returns the rules in force, defaults filled in; screens use the
// maxima as field widths.
func (v *Validator) Rules() Rules {
	r := v.r
	r.Reserved = slices.Clone(r.Reserved)
	return r
}

// CheckHandle checks a new account's handle. Uniqueness is the store's
// job (store.ErrExists).
func (v *Validator) CheckHandle(h string) error {
	if err := checkText(FieldHandle, h); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(h); n < v.r.HandleMin || n > v.r.HandleMax {
		return ruleErr(FieldHandle, "Handles are %d to %d characters long.", v.r.HandleMin, v.r.HandleMax)
	}
	if !v.pattern.MatchString(h) {
		return &RuleError{FieldHandle, v.r.HandleHint}
	}
	// Handles may name files and directories, whatever the pattern says.
	if strings.ContainsAny(h, `/\`) {
		return &RuleError{FieldHandle, `Handles cannot contain / or \.`}
	}
	if slices.ContainsFunc(v.r.Reserved, func(w string) bool { return strings.EqualFold(w, h) }) {
		return &RuleError{FieldHandle, "That name is reserved."}
	}
	return nil
}

// CheckPassword checks a new password.
func (v *Validator) CheckPassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < v.r.PasswordMin {
		return ruleErr(FieldPassword, "Passwords need at least %d characters.", v.r.PasswordMin)
	}
	if err := checkText(FieldPassword, p); err != nil {
		return err
	}
	if n > v.r.PasswordMax {
		return ruleErr(FieldPassword, "Passwords can have at most %d characters.", v.r.PasswordMax)
	}
	return nil
}

// CheckRealName checks a real name; it may be empty.
func (v *Validator) CheckRealName(s string) error {
	return checkOptional(FieldRealName, s, v.r.RealNameMax, "Names can have at most %d characters.")
}

// CheckLocation checks a location; it may be empty.
func (v *Validator) CheckLocation(s string) error {
	return checkOptional(FieldLocation, s, v.r.LocationMax, "Locations can have at most %d characters.")
}

// CheckEmail checks an e-mail address; it may be empty. It takes a bare
// address only (name@example.org, not "Name <name@example.org>"), with
// one @ and a domain with a dot.
func (v *Validator) CheckEmail(s string) error {
	const notEmail = "That does not look like an e-mail address."
	if err := checkOptional(FieldEmail, s, v.r.EmailMax, "E-mail addresses can have at most %d characters."); err != nil || s == "" {
		return err
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return &RuleError{FieldEmail, "E-mail addresses cannot contain spaces."}
	}
	if strings.Count(s, "@") != 1 {
		return &RuleError{FieldEmail, notEmail}
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return &RuleError{FieldEmail, notEmail}
	}
	if a.Name != "" || a.Address != s {
		return &RuleError{FieldEmail, "Enter only the address, like name@example.org."}
	}
	_, domain, _ := strings.Cut(s, "@")
	// A dot-atom domain with a dot: no [192.0.2.1] literals or bare
	// host names.
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") || strings.HasSuffix(domain, ".") {
		return &RuleError{FieldEmail, notEmail}
	}
	return nil
}

func checkOptional(field, s string, max int, tooLong string) error {
	if s == "" {
		return nil
	}
	if err := checkText(field, s); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > max {
		return ruleErr(field, tooLong, max)
	}
	return nil
}

// checkText refuses what would be unsafe or misleading on another
// caller's screen: invalid UTF-8, control characters (a C0 or C1 byte can
// start a terminal escape sequence), invisible and direction-changing
// characters (which make text read other than it is stored), and spaces
// at either end (which make two names look alike).
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return &RuleError{field, "That contains characters that are not allowed."}
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return &RuleError{field, "Control characters are not allowed."}
		case invisible(r):
			return &RuleError{field, "Invisible or direction-changing characters are not allowed."}
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if s != "" && (unicode.IsSpace(first) || unicode.IsSpace(last)) {
		return &RuleError{field, "Remove the spaces at the start and end."}
	}
	return nil
}

// invisible reports format characters (category Cf: bidi marks,
// embeddings, overrides and isolates, zero-width spaces, the BOM, soft
// hyphens), the line and paragraph separators, and whatever else the
// sanitiser strips from text others see (Hangul fillers, the combining
// grapheme joiner…), so that "bob" and "bob\u3164" cannot both be
// handles that read alike. Zero-width (non-)joiners stay allowed: some
// scripts and emoji need them.
func invisible(r rune) bool {
	if r == '\u200c' || r == '\u200d' {
		return false
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) || term.Invisible(r)
}

func ruleErr(field, format string, args ...any) *RuleError {
	return &RuleError{field, fmt.Sprintf(format, args...)}
}
