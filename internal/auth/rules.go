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
// for the user, so a screen can show it as it is; ID names the same
// sentence in the board's message catalogs, to show it in the caller's
// language.
type RuleError struct {
	Field string // FieldHandle, FieldPassword…
	Msg   string // in English
	// ID is Msg's message id ("rules.handle_length"), and Args the
	// values of its placeholders in pairs: name, value, … ID is "" when
	// Msg is the sysop's own words (Rules.HandleHint), shown as written.
	ID   string
	Args []string
}

func (e *RuleError) Error() string { return "auth: " + e.Field + ": " + e.Msg }

// UserMessage returns the message for the caller, without the prefix.
func (e *RuleError) UserMessage() string { return e.Msg }

// Validator checks account fields against Rules. It is immutable and safe
// for concurrent use.
type Validator struct {
	r       Rules
	pattern *regexp.Regexp
	hintID  string // HandleHint's message id; "" for the sysop's own
}

// NewValidator fills in r's defaults and compiles its pattern. It fails
// when the pattern does not compile or a limit is out of order.
func NewValidator(r Rules) (*Validator, error) {
	hintID := ""
	if r.HandleHint == "" {
		if r.HandlePattern == "" || r.HandlePattern == DefaultHandlePattern {
			r.HandleHint, hintID = "Handles use letters, digits, '.', '_' and '-', and start with a letter or digit.", "rules.handle_characters"
		} else {
			r.HandleHint, hintID = "That handle does not fit this board's rules.", "rules.handle_pattern"
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
	return &Validator{r: r, pattern: re, hintID: hintID}, nil
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
		return ruleErr(FieldHandle, "rules.handle_length", "Handles are %d to %d characters long.", "min", v.r.HandleMin, "max", v.r.HandleMax)
	}
	if !v.pattern.MatchString(h) {
		return &RuleError{Field: FieldHandle, Msg: v.r.HandleHint, ID: v.hintID}
	}
	// Handles may name files and directories, whatever the pattern says.
	if strings.ContainsAny(h, `/\`) {
		return &RuleError{Field: FieldHandle, Msg: `Handles cannot contain / or \.`, ID: "rules.handle_slash"}
	}
	if slices.ContainsFunc(v.r.Reserved, func(w string) bool { return strings.EqualFold(w, h) }) {
		return &RuleError{Field: FieldHandle, Msg: "That name is reserved.", ID: "rules.reserved"}
	}
	return nil
}

// CheckPassword checks a new password.
func (v *Validator) CheckPassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < v.r.PasswordMin {
		return ruleErr(FieldPassword, "rules.password_short", "Passwords need at least %d characters.", "min", v.r.PasswordMin)
	}
	if err := checkText(FieldPassword, p); err != nil {
		return err
	}
	if n > v.r.PasswordMax {
		return ruleErr(FieldPassword, "rules.password_long", "Passwords can have at most %d characters.", "max", v.r.PasswordMax)
	}
	return nil
}

// CheckRealName checks a real name; it may be empty.
func (v *Validator) CheckRealName(s string) error {
	return checkOptional(FieldRealName, s, v.r.RealNameMax, "rules.realname_long", "Names can have at most %d characters.")
}

// CheckLocation checks a location; it may be empty.
func (v *Validator) CheckLocation(s string) error {
	return checkOptional(FieldLocation, s, v.r.LocationMax, "rules.location_long", "Locations can have at most %d characters.")
}

// CheckEmail checks an e-mail address; it may be empty. It takes a bare
// address only (name@example.org, not "Name <name@example.org>"), with
// one @ and a domain with a dot.
func (v *Validator) CheckEmail(s string) error {
	notEmail := func() error {
		return &RuleError{Field: FieldEmail, Msg: "That does not look like an e-mail address.", ID: "rules.email_invalid"}
	}
	if err := checkOptional(FieldEmail, s, v.r.EmailMax, "rules.email_long", "E-mail addresses can have at most %d characters."); err != nil || s == "" {
		return err
	}
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return &RuleError{Field: FieldEmail, Msg: "E-mail addresses cannot contain spaces.", ID: "rules.email_spaces"}
	}
	if strings.Count(s, "@") != 1 {
		return notEmail()
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return notEmail()
	}
	if a.Name != "" || a.Address != s {
		return &RuleError{Field: FieldEmail, Msg: "Enter only the address, like name@example.org.", ID: "rules.email_bare"}
	}
	_, domain, _ := strings.Cut(s, "@")
	// A dot-atom domain with a dot: no [192.0.2.1] literals or bare
	// host names.
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") || strings.HasSuffix(domain, ".") {
		return notEmail()
	}
	return nil
}

func checkOptional(field, s string, max int, id, tooLong string) error {
	if s == "" {
		return nil
	}
	if err := checkText(field, s); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > max {
		return ruleErr(field, id, tooLong, "max", max)
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
		return &RuleError{Field: field, Msg: "That contains characters that are not allowed.", ID: "rules.text_invalid"}
	}
	for _, r := range s {
		switch {
		case unicode.IsControl(r):
			return &RuleError{Field: field, Msg: "Control characters are not allowed.", ID: "rules.text_control"}
		case invisible(r):
			return &RuleError{Field: field, Msg: "Invisible or direction-changing characters are not allowed.", ID: "rules.text_invisible"}
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if s != "" && (unicode.IsSpace(first) || unicode.IsSpace(last)) {
		return &RuleError{Field: field, Msg: "Remove the spaces at the start and end.", ID: "rules.text_spaces"}
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

// ruleErr makes a RuleError whose Msg is format filled with the numbers
// of pairs (name, number, …), in order, and whose Args are the pairs.
func ruleErr(field, id, format string, pairs ...any) *RuleError {
	var nums []any
	var args []string
	for i := 0; i+1 < len(pairs); i += 2 {
		nums = append(nums, pairs[i+1])
		args = append(args, pairs[i].(string), fmt.Sprint(pairs[i+1]))
	}
	return &RuleError{Field: field, Msg: fmt.Sprintf(format, nums...), ID: id, Args: args}
}
