package config

import (
	"encoding"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/x84bbs/x84/internal/tomlpos"
)

// Load reads the configuration file at path. A missing file is not an
// error: it gives Default().
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Default(), nil
	}
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a configuration file's contents; name is used in errors.
// Keys the file leaves out keep their defaults. Every problem is returned
// as an *Error.
func Parse(name string, data []byte) (Config, error) {
	// The document is parsed into a map rather than straight into a
	// Config: the decoder below then knows which key every error is about.
	var doc map[string]any
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return Config{}, &Error{File: name, Line: tomlpos.SyntaxLine(data, pe), Key: pe.LastKey, Err: syntaxError{pe}}
		}
		return Config{}, &Error{File: name, Err: err}
	}
	c := Default()
	if key, err := decode(&c, doc, md.Keys()); err != nil {
		return Config{}, &Error{File: name, Line: tomlpos.LineOf(data, key), Key: keyString(key), Err: err}
	}
	if key, err := c.check(md.IsDefined); err != nil {
		return Config{}, &Error{File: name, Line: tomlpos.LineOf(data, key), Key: keyString(key), Err: err}
	}
	return c, nil
}

// check runs every section's check and returns the first problem with
// its full key. isSet reports whether the file sets a key.
func (c Config) check(isSet func(key ...string) bool) (toml.Key, error) {
	v := reflect.ValueOf(c)
	for i := range v.NumField() {
		name, ok := tagName(v.Type().Field(i))
		if !ok {
			continue
		}
		s, ok := v.Field(i).Interface().(section)
		if !ok {
			continue // TestSections makes sure this does not happen
		}
		p := s.check()
		if p == nil {
			continue
		}
		if p.index > 0 {
			// A table of an array: the key names which one.
			key := toml.Key{name}
			if p.table != "" {
				key = append(key, p.table)
			}
			return append(key, elementPart(p.index), p.key), p.err
		}
		key := append(append(toml.Key{name}, p.sub...), p.key)
		if p.also != "" && !isSet(key...) {
			key = toml.Key{name, p.also}
		}
		return key, p.err
	}
	// Rules across sections.
	return c.checkAreaTags()
}

// decode sets the fields of c from doc, one key at a time in file order
// (keys), and stops at the first key that is unknown or has a value of the
// wrong type. Doing the assignment here, rather than with toml.Decode,
// gives every such error its exact key.
func decode(c *Config, doc map[string]any, keys []toml.Key) (toml.Key, error) {
	root := reflect.ValueOf(c).Elem()
	for _, key := range keys {
		field, at, err := resolve(root, key)
		if err != nil {
			return at, err
		}
		if !field.IsValid() {
			continue // inside a map, which its own key set whole
		}
		if isTableArray(field) {
			// Each [[name]] header comes as the key "name": it starts a
			// new table, which the keys after it fill.
			if val, _ := valueAt(doc, at); !isTables(val) {
				return at, fmt.Errorf("must be %s (got %s)", expected(field), describe(val))
			}
			field.Set(reflect.Append(field, reflect.Zero(field.Type().Elem())))
			continue
		}
		val, ok := valueAt(doc, at)
		if !ok {
			// The parser listed a key its map does not hold.
			return at, errors.New("internal error: no value for this key")
		}
		if err := set(field, val); err != nil {
			return at, err
		}
	}
	return nil, nil
}

// resolve finds the field that key names, following toml tags from root.
// On error it also returns the part of key the error is about.
//
// Inside an array of tables ([[name]]) it follows the last table, the one
// being filled, and the key it returns names it ("name", "#N", ...).
// Inside a map (a table of free keys, such as a door's env) it returns
// no field: the map was set whole by its own key.
func resolve(root reflect.Value, key toml.Key) (reflect.Value, toml.Key, error) {
	v := root
	var at toml.Key
	for _, part := range key {
		if isTableArray(v) && v.Len() > 0 {
			at = append(at, elementPart(v.Len()))
			v = v.Index(v.Len() - 1)
		}
		if isTableMap(v) {
			// A table of tables ([access.areas.TAG]): part names one,
			// made when first seen.
			v = tableIn(v, part)
			at = append(at, part)
			continue
		}
		if v.Kind() == reflect.Map {
			// A key inside a map (env.FOO, [door.env.x]): the map is set
			// whole from the document, which checks every value.
			return v, at, nil
		}
		if !isTable(v) {
			// The file treats a plain value as a table, as in
			// "[telnet.port]" or "telnet.port.x = 1".
			return v, at, fmt.Errorf("must be %s (got a table)", expected(v))
		}
		f, ok := fieldByTag(v, part)
		at = append(at, part)
		if !ok {
			return v, at, errors.New("unknown key")
		}
		v = f
	}
	return v, at, nil
}

// isTableMap reports whether v is a table of tables, each with keys of
// its own: a map of pointers to structs.
func isTableMap(v reflect.Value) bool {
	t := v.Type()
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String &&
		t.Elem().Kind() == reflect.Pointer && t.Elem().Elem().Kind() == reflect.Struct
}

// tableIn returns the table of the map m named name, made if missing.
func tableIn(m reflect.Value, name string) reflect.Value {
	if m.IsNil() {
		m.Set(reflect.MakeMap(m.Type()))
	}
	k := reflect.ValueOf(name)
	e := m.MapIndex(k)
	if !e.IsValid() {
		e = reflect.New(m.Type().Elem().Elem())
		m.SetMapIndex(k, e)
	}
	return e.Elem()
}

// isTableArray reports whether v is set from an array of tables.
func isTableArray(v reflect.Value) bool {
	return v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct
}

func isTables(val any) bool {
	_, ok := val.([]map[string]any)
	return ok
}

// elementPart is the part of a key that names the n-th (1-based) table of
// an array of tables.
func elementPart(n int) string { return "#" + strconv.Itoa(n) }

func fieldByTag(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		if n, ok := tagName(t.Field(i)); ok && n == name {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// tagName returns the key a struct field is set by; fields without a toml
// tag cannot be set from a file.
func tagName(f reflect.StructField) (string, bool) {
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	if !f.IsExported() || name == "" || name == "-" {
		return "", false
	}
	return name, true
}

// valueAt returns the value of key in a document parsed into maps; in an
// array of tables, key names the table as resolve does ("#N").
func valueAt(doc map[string]any, key toml.Key) (any, bool) {
	var v any = doc
	for _, part := range key {
		if a, ok := v.([]map[string]any); ok {
			// "#N" (from resolve) names the N-th table.
			n, err := strconv.Atoi(strings.TrimPrefix(part, "#"))
			if !strings.HasPrefix(part, "#") || err != nil || n < 1 || n > len(a) {
				return nil, false
			}
			v = a[n-1]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

// isTable reports whether v is set key by key, from a TOML table, rather
// than from one value.
func isTable(v reflect.Value) bool {
	return v.Kind() == reflect.Struct && !isText(v)
}

// isText reports whether v is set from a string by UnmarshalText.
func isText(v reflect.Value) bool {
	return reflect.PointerTo(v.Type()).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// set stores a TOML value in v, or says what v expected instead.
func set(v reflect.Value, val any) error {
	wrong := func() error { return fmt.Errorf("must be %s (got %s)", expected(v), describe(val)) }
	if isTable(v) || isTableMap(v) {
		// The fields are set by keys of their own, which come later.
		if _, ok := val.(map[string]any); !ok {
			return wrong()
		}
		return nil
	}
	switch u := v.Addr().Interface().(type) {
	case *Duration:
		s, ok := val.(string)
		if !ok {
			return wrong()
		}
		d, err := parseDuration(s)
		if err != nil {
			return err
		}
		*u = d
		return nil
	case encoding.TextUnmarshaler:
		s, ok := val.(string)
		if !ok {
			return wrong()
		}
		return u.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := val.(string)
		if !ok {
			return wrong()
		}
		v.SetString(s)
	case reflect.Bool:
		b, ok := val.(bool)
		if !ok {
			return wrong()
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := val.(int64)
		if !ok {
			return wrong()
		}
		if v.OverflowInt(n) {
			return fmt.Errorf("%d is too large", n)
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := val.(int64)
		if !ok {
			return wrong()
		}
		if n < 0 || v.OverflowUint(uint64(n)) {
			return fmt.Errorf("%d is out of range", n)
		}
		v.SetUint(uint64(n))
	case reflect.Float32, reflect.Float64:
		switch n := val.(type) {
		case float64:
			v.SetFloat(n)
		case int64:
			v.SetFloat(float64(n))
		default:
			return wrong()
		}
	case reflect.Map:
		m, ok := val.(map[string]any)
		if !ok || v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
			return wrong()
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, x := range m {
			str, ok := x.(string)
			if !ok {
				return fmt.Errorf("%s: must be a string (got %s)", k, describe(x))
			}
			out.SetMapIndex(reflect.ValueOf(k), reflect.ValueOf(str))
		}
		v.Set(out)
	case reflect.Slice:
		a, ok := val.([]any)
		if !ok {
			return wrong()
		}
		s := reflect.MakeSlice(v.Type(), len(a), len(a))
		for i := range a {
			if err := set(s.Index(i), a[i]); err != nil {
				return fmt.Errorf("element %d: %w", i+1, err)
			}
		}
		v.Set(s)
	default:
		// A programming error, caught by TestSections.
		return fmt.Errorf("cannot set a field of type %s", v.Type())
	}
	return nil
}

// expected describes the TOML value a field takes, for error messages.
func expected(v reflect.Value) string {
	if v.Type() == reflect.TypeFor[Duration]() {
		return `a duration such as "30m" or "1.5s"`
	}
	if isTable(v) || isTableMap(v) {
		return "a table"
	}
	if isText(v) {
		return "a string"
	}
	switch v.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Map:
		return "a table of strings"
	case reflect.Slice:
		if isTableArray(v) {
			return "tables ([[...]])"
		}
		return "an array"
	}
	return v.Type().String()
}

// describe names the type, and for short scalars the value, of a value
// from the parsed document.
func describe(val any) string {
	switch x := val.(type) {
	case string:
		if len(x) > 40 {
			return "a string"
		}
		return fmt.Sprintf("string %q", x)
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return fmt.Sprintf("float %v", x)
	case bool:
		return fmt.Sprintf("boolean %v", x)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return "a date or time"
}
