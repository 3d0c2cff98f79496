package control

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecode feeds request bodies to the control socket's decoder, into
// each request type: it never panics; a refusal is 400 with a JSON
// {"error": "bad request: ..."}; an acceptance writes nothing, and the
// value decodes the same once encoded again; and only the first 64 KiB
// of a body are read.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"handle":"erin","password":"pw","sysop":true}`))
	f.Add([]byte(`{"address":"192.0.2.0/24"}`))
	f.Add([]byte(`{"text":`))
	f.Add([]byte(`{"level":300}`))
	f.Add([]byte(`{"groups":["staff","elite"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecode[userRequest](t, body)
		checkDecode[banRequest](t, body)
		checkDecode[keyRequest](t, body)
		checkDecode[broadcastRequest](t, body)
		checkDecode[levelRequest](t, body)
		checkDecode[groupsRequest](t, body)
	})
}

// maxDecodeBody is how much of a body decode reads.
const maxDecodeBody = 64 << 10

func checkDecode[T any](t *testing.T, body []byte) {
	t.Helper()
	v, ok, rec := decodeBody[T](body)
	if !ok {
		var e errorReply
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/json" ||
			json.Unmarshal(rec.Body.Bytes(), &e) != nil || !strings.HasPrefix(e.Error, "bad request: ") {
			t.Fatalf("decode(%q) into %T refused with %d %q %q; want 400 with a JSON error", body, v, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	} else {
		if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
			t.Fatalf("decode(%q) into %T accepted it but wrote %q", body, v, rec.Body)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("decode(%q) into %T = %+v, which does not encode: %v", body, v, v, err)
		}
		if w, ok, _ := decodeBody[T](again); !ok || !reflect.DeepEqual(v, w) {
			t.Fatalf("decode(%q) into %T = %+v, which encodes as %s and decodes as %+v, %v", body, v, v, again, w, ok)
		}
	}
	if len(body) > maxDecodeBody {
		if w, wok, _ := decodeBody[T](body[:maxDecodeBody]); wok != ok || !reflect.DeepEqual(v, w) {
			t.Fatalf("decode of a %d-byte body into %T = %+v, %v; of its first %d bytes = %+v, %v; want the same", len(body), v, v, ok, maxDecodeBody, w, wok)
		}
	}
}

func decodeBody[T any](body []byte) (T, bool, *httptest.ResponseRecorder) {
	var v T
	rec := httptest.NewRecorder()
	ok := decode(rec, httptest.NewRequest(http.MethodPost, "/v1/x", bytes.NewReader(body)), &v)
	return v, ok, rec
}

// TestDecodeTrailing: a body is one JSON value and white space, nothing
// after it.
func TestDecodeTrailing(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"address":"::1"}`, true},
		{"{\"address\":\"::1\"}\n  \t", true},
		{`{"address":"::1"} garbage`, false},
		{`{"address":"::1"}{"address":"::2"}`, false},
		{`{"address":"::1"} 1`, false},
	}
	for _, tt := range tests {
		if _, ok, _ := decodeBody[banRequest]([]byte(tt.body)); ok != tt.ok {
			t.Errorf("decode(%q) accepted = %v; want %v", tt.body, ok, tt.ok)
		}
	}
}
