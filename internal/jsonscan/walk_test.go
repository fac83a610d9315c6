package jsonscan

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEndAndWS(t *testing.T) {
	b := []byte(`  {"a": [1, {"b": "}"}], "c": 2} tail`)
	i := WS(b, 0)
	if end := End(b, i); end < 0 || string(b[i:end]) != `{"a": [1, {"b": "}"}], "c": 2}` {
		t.Errorf("End gave %d", end)
	}
	for _, in := range []string{``, `"open`, `{"a":[1,2}`, `}`, `,`, `[`} {
		if end := End([]byte(in), 0); end != -1 {
			t.Errorf("End(%q) = %d, want -1", in, end)
		}
	}
	if end := End([]byte(`12,3`), 0); end != 2 {
		t.Errorf("End of a number = %d", end)
	}
	if end := End([]byte(`"a\"b" x`), 0); end != 6 {
		t.Errorf("End of an escaped string = %d", end)
	}
}

func TestMembersAndFirst(t *testing.T) {
	var keys, vals []string
	ok := Members([]byte(` {"a" : 1, "b\u0063":[{"x":"}"}], "d":"e"} `), func(k, v []byte) bool {
		keys = append(keys, string(k))
		vals = append(vals, string(v))
		return true
	})
	if !ok || strings.Join(keys, " ") != `"a" "b\u0063" "d"` || strings.Join(vals, " ") != `1 [{"x":"}"}] "e"` {
		t.Errorf("ok %v keys %q vals %q", ok, keys, vals)
	}
	n := 0
	if !Members([]byte(`{"a":1,"b":2,"c":3}`), func(_, _ []byte) bool { n++; return n < 2 }) || n != 2 {
		t.Errorf("stopping early: %d calls", n)
	}
	for _, bad := range []string{``, `[]`, `{"a"}`, `{"a":1,}`, `{"a":1 "b":2}`, `{a:1}`, `{"a":`} {
		if Members([]byte(bad), func(_, _ []byte) bool { return true }) {
			t.Errorf("Members accepted %q", bad)
		}
	}
	if Members([]byte(`{}`), func(_, _ []byte) bool { t.Error("called for {}"); return true }) != true {
		t.Error("{} rejected")
	}
	if first, ok := First([]byte(`[ {"a":[1]} , 2]`)); !ok || string(first) != `{"a":[1]}` {
		t.Errorf("First = %q %v", first, ok)
	}
	if _, ok := First([]byte(`[]`)); ok {
		t.Error("First of [] found an element")
	}
}

// FuzzMembers checks that Members never panics and agrees with
// encoding/json on the keys of valid objects.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[{"c":"]"}],"d":"\"x"}`, `{"a":`, `{}`, `{"a" : {"b":[[[]]]} , "c":null}`, `{"\u0061":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var keys []string
		ok := Members(in, func(k, v []byte) bool {
			if End(v, 0) != len(v) {
				t.Fatalf("value %q of key %q does not end where End says", v, k)
			}
			keys = append(keys, string(k))
			return true
		})
		var m map[string]json.RawMessage
		if json.Unmarshal(in, &m) != nil {
			return
		}
		if !ok {
			t.Fatalf("Members rejected a valid object %q", in)
		}
		for _, k := range keys {
			if !utf8.Valid([]byte(k)) {
				continue
			}
			if _, found := m[Unquote([]byte(k))]; !found {
				t.Fatalf("key %s not in %q", k, in)
			}
		}
	})
}

// FuzzValid checks that Valid is encoding/json's json.Valid.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`{}`, `[1,2]`, `{"a":"\u12g4"}`, `01`, `1.`, `-`, `"a` + "\x01" + `"`, " \t\n{\"a\":[true,false,null]} ",
		`{"a":1}x`, `"\ud800"`, "\"\xff\"", strings.Repeat("[", 10001) + strings.Repeat("]", 10001), `1e+`, `{"a" 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if got, want := Valid(in), json.Valid(in); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid %v", in, got, want)
		}
	})
}
