package webadmin

import (
	"strings"
)

// masked takes the place of a secret.
const masked = "********"

// secretWords mark a name (a key, an environment variable, a map key, a
// URL or DSN parameter, a program's flag) whose value is a secret.
var secretWords = [...]string{"password", "passwd", "pass", "pwd", "token", "secret", "key", "credential"}

// secretWord reports whether a name has a secret word in it, whatever
// its case. Names of the sysop's own choosing (environment variables,
// map keys, parameters, flags) are judged by this alone.
func secretWord(name string) bool {
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// secretName reports whether a configuration key says its value is a
// secret, but for the keys in notSecret.
func secretName(key string) bool {
	return !notSecret[strings.ToLower(key)] && secretWord(key)
}

// notSecret are configuration keys (only those, not map keys or
// parameters) whose names sound secret but are not: [web] key and [ssh]
// host_keys name files, a door's key is its menu letter.
var notSecret = map[string]bool{"key": true, "host_keys": true, "max_keys": true}

// secretFlag reports whether a program's argument is a flag naming a
// secret ("--password", "-api-key"), whose value is the next argument.
func secretFlag(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	return len(name) < len(arg) && name != "" && !strings.ContainsAny(name, "= ") && secretWord(name)
}

// maskText masks the secrets in a text: the password of every URL's
// user info ("postgres://u:pw@host"), and the value of every name=value
// pair whose name says it is a secret, as URL parameters
// ("?password=pw&…"), DSN words ("host=db password='pw x'"), flags
// ("--token=t") and environment entries ("API_KEY=k") write them. It
// masks too much rather than too little.
func maskText(s string) string {
	return maskPairs(maskUserInfo(s))
}

// maskUserInfo masks the password of every URL's user info in s: the
// text after the first ':' up to the last '@' before the URL's query,
// fragment or end, even when the URL does not parse.
func maskUserInfo(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		i += len("://")
		b.WriteString(s[:i])
		s = s[i:]
		end := strings.IndexAny(s, "?# \t\r\n")
		if end < 0 {
			end = len(s)
		}
		at := strings.LastIndexByte(s[:end], '@')
		colon := strings.IndexByte(s[:max(at, 0)], ':')
		if at < 0 || colon < 0 {
			continue
		}
		b.WriteString(s[:colon+1] + masked)
		s = s[at:]
	}
}

// maskPairs masks the value of every name=value pair in s whose name is
// a secret word. A value is quoted ('…' or "…", with backslash escapes,
// as libpq's DSNs allow) or runs to the next space; in a URL's query
// (the name after '?' or '&') it ends at '&' or '#' too.
func maskPairs(s string) string {
	var b strings.Builder
	from := 0 // s[:from] is written
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			continue
		}
		start := i // the name is s[start:nameEnd]
		for start > 0 && s[start-1] == ' ' {
			start--
		}
		nameEnd := start
		for start > 0 && nameByte(s[start-1]) {
			start--
		}
		if start == nameEnd || !secretWord(s[start:nameEnd]) {
			continue
		}
		inQuery := start > 0 && (s[start-1] == '?' || s[start-1] == '&')
		v := i + 1
		for v < len(s) && s[v] == ' ' && !inQuery {
			v++
		}
		end := valueEnd(s, v, inQuery)
		if end == v {
			continue // an empty value hides nothing
		}
		b.WriteString(s[from:v] + masked)
		from, i = end, end-1
	}
	b.WriteString(s[from:])
	return b.String()
}

// nameByte reports whether c may be part of a parameter's or flag's
// name.
func nameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'
}

// valueEnd returns where the value starting at s[v] ends.
func valueEnd(s string, v int, inQuery bool) int {
	if v < len(s) && (s[v] == '\'' || s[v] == '"') && !inQuery {
		q := s[v]
		for i := v + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case q:
				return i + 1
			}
		}
		return len(s) // unclosed: all of it
	}
	stop := " \t\r\n"
	if inQuery {
		stop += "&#"
	}
	if i := strings.IndexAny(s[v:], stop); i >= 0 {
		return v + i
	}
	return len(s)
}
