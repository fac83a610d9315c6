package jsonscan

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestStrAcceptsAnyScalar(t *testing.T) {
	var v struct {
		A, B, C, D, E Str
	}
	in := `{"A":"k8s","B":1.25,"C":true,"D":null,"E":{"x":1}}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "k8s" || v.B != "1.25" || v.C != "true" || v.D != "" || v.E != "" {
		t.Errorf("%+v", v)
	}
	var bad Str
	if err := json.Unmarshal([]byte(`"\ud800x\u00e9"`), &bad); err != nil || bad != "\uFFFDx\u00e9" {
		t.Errorf("lone surrogate: %q %v", bad, err)
	}
}

func TestStrsAndClip(t *testing.T) {
	var l Strs
	if err := json.Unmarshal([]byte(`["a","", "b", "a", 7]`), &l); err != nil {
		t.Fatal(err)
	}
	if got := l.Dedup(10); !reflect.DeepEqual(got, []string{"a", "b", "7"}) {
		t.Errorf("Dedup %q", got)
	}
	if got := l.Strings(3); !reflect.DeepEqual(got, []string{"a", "b", "a"}) {
		t.Errorf("Strings %q", got)
	}
	var one Strs
	if err := json.Unmarshal([]byte(`"solo"`), &one); err != nil || len(one) != 1 || one[0] != "solo" {
		t.Errorf("a scalar is a list of one: %q %v", one, err)
	}
	kept := Strs{"kept"}
	if err := json.Unmarshal([]byte(`{"a":1}`), &kept); err != nil || len(kept) != 1 {
		t.Errorf("an object replaced the list: %q %v", kept, err)
	}
	if got := Clip("héllo", 2); got != "h" {
		t.Errorf("Clip cut inside a rune: %q", got)
	}
}

func TestNumAndCount(t *testing.T) {
	var v struct {
		A, B, C, D Num
		E, F, G    Count
	}
	in := `{"A":42,"B":"17","C":1e30,"D":"x","E":[1,{"a":[2]},"3"],"F":5,"G":-4}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != 42 || v.B != 17 || v.C != 0 || v.D != 0 || v.E != 3 || v.F != 5 || v.G != 0 {
		t.Errorf("%+v", v)
	}
}

// TestUnquoteLimit checks Unquote against encoding/json's unquoting, and
// unquoteLimit (Item.Clip) cut at every limit, where the text must be a
// prefix longer than the limit.
func TestUnquoteLimit(t *testing.T) {
	for _, q := range []string{
		`""`, `"plain ascii"`, `"\u003chtml\u003e\n"`, "\"caf\xc3\xa9 \xff\xfe x\"", `"\ud83d\ude00\ud83d"`,
		`"\ude00\ud83dA\u0000\"\\\/\b\f\r\t"`, "\"\xed\xa0\x80 surrogate in UTF-8\"", `"\u20ac€\u00e9é"`,
		`"` + strings.Repeat(`0123456789\n`, 40) + `"`,
	} {
		full := Unquote([]byte(q))
		var s string // encoding/json's own unquoting
		if err := json.Unmarshal([]byte(q), &s); err != nil || s != full {
			t.Errorf("Unquote(%q) = %q, encoding/json %q (%v)", q, full, s, err)
		}
		if got := unquoteLimit([]byte(q), math.MaxInt); got != full {
			t.Errorf("unquoteLimit(%q) = %q, want %q", q, got, full)
		}
		for limit := 0; limit <= len(full); limit++ {
			got := unquoteLimit([]byte(q), limit)
			if !strings.HasPrefix(full, got) || len(got) <= limit && got != full {
				t.Errorf("unquoteLimit(%q, %d) = %q: not a prefix of %q longer than the limit", q, limit, got, full)
			}
			v := Item{Raw: []byte(q)}
			if got, want := v.Clip(limit), Clip(full, limit); got != want {
				t.Errorf("Item.Clip(%d) of %q = %q, want %q", limit, q, got, want)
			}
		}
	}
}

// FuzzUnquote checks Unquote against encoding/json's unquoting of any valid
// string literal, and that it does not panic on an invalid one.
func FuzzUnquote(f *testing.F) {
	for _, q := range []string{`"a"`, `"\u00e9\ud83d\ude00"`, `"\ud800\u0041"`, "\"\xff\"", `"\`, `"\u12"`} {
		f.Add([]byte(q))
	}
	f.Fuzz(func(t *testing.T, q []byte) {
		if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
			return
		}
		got := Unquote(q) // no panic, even when q is not valid
		var want string
		if json.Unmarshal(q, &want) == nil && got != want {
			t.Fatalf("Unquote(%q) = %q, encoding/json %q", q, got, want)
		}
	})
}
