package webadmin

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/x84bbs/x84/internal/config"
)

// maskConfig returns a copy of c with every secret replaced by masked:
// any string key whose name says password, token, secret or the like;
// in lists, map values and every other text, what maskText finds (URL
// passwords, secret parameters of URLs and DSNs, NAME=secret entries);
// a list's element after a flag naming a secret ("--password");
// and a map's value whose key names a secret. It walks the sections by
// reflection, through lists, maps and pointers, so sections added later
// are masked too; c's lists, maps and pointers are copied, never
// changed.
func maskConfig(c config.Config) config.Config {
	v := reflect.ValueOf(&c).Elem()
	maskValue(v, "")
	return c
}

// maskValue masks v, which is a copy the caller may change, found under
// the configuration key name.
func maskValue(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
			if key == "" {
				key = f.Name
			}
			maskValue(v.Field(i), key)
		}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		fresh := reflect.New(v.Elem().Type()).Elem()
		fresh.Set(v.Elem())
		maskValue(fresh, name)
		if v.Kind() == reflect.Pointer {
			v.Set(fresh.Addr())
		} else {
			v.Set(fresh)
		}
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		fresh := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(fresh, v)
		v.Set(fresh) // the copy's, not the running configuration's
		maskList(v, name)
	case reflect.Array:
		maskList(v, name)
	case reflect.Map:
		maskMap(v, name)
	case reflect.String:
		s := v.String()
		if s != "" && secretName(name) {
			v.SetString(masked)
		} else {
			v.SetString(maskText(s))
		}
	}
}

// maskList masks the elements of a list (a copy) under the key name:
// all of them when name says secret; else each text as maskText does,
// and a text after a flag that names a secret.
func maskList(v reflect.Value, name string) {
	afterFlag := false
	for i := range v.Len() {
		e := v.Index(i)
		if e.Kind() != reflect.String {
			maskValue(e, name)
			continue
		}
		s := e.String()
		if s != "" && (secretName(name) || afterFlag) {
			e.SetString(masked)
		} else {
			e.SetString(maskText(s))
		}
		afterFlag = secretFlag(s)
	}
}

// maskMap replaces v with a masked copy of its map: a text whose key is
// a secret word is masked whole (whatever the key: a map's keys are the
// sysop's, "KEY" included); other values are masked as they would be
// under their key.
func maskMap(v reflect.Value, name string) {
	if v.IsNil() {
		return
	}
	t := v.Type()
	fresh := reflect.MakeMapWithSize(t, v.Len())
	for it := v.MapRange(); it.Next(); {
		key := name
		if it.Key().Kind() == reflect.String {
			key = it.Key().String()
		}
		val := reflect.New(t.Elem()).Elem()
		val.Set(it.Value())
		switch {
		case val.Kind() == reflect.String && val.String() != "" && secretWord(key):
			val.SetString(masked)
		case val.Kind() == reflect.String:
			val.SetString(maskText(val.String()))
		default:
			maskValue(val, key)
		}
		fresh.SetMapIndex(it.Key(), val)
	}
	v.Set(fresh)
}

type settingsData struct {
	TOML string
	// Override says that [store] url is shown as the environment sets
	// it, not as the file does.
	Override string
}

// settings shows the running configuration as TOML, secrets masked.
// When X84_STORE_URL overrides [store] url, the URL in use takes its
// place, masked, and a note says so.
func (h *Handler) settings(q *request) {
	c := *h.cfg.Settings
	var d settingsData
	if u := h.cfg.StoreURL; u != "" && u != c.Store.URL {
		file := "sets none"
		if c.Store.URL != "" {
			file = "says " + maskText(c.Store.URL)
		}
		d.Override = "[store] url shows the database in use, from the environment's X84_STORE_URL, which overrides the file (the file " +
			file + ")."
		c.Store.URL = u
	}
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(maskConfig(c)); err != nil {
		q.internal(err)
		return
	}
	d.TOML = buf.String()
	q.render(http.StatusOK, "config", "Configuration", d)
}
