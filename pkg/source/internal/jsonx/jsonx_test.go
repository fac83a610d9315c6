package jsonx

import (
	"encoding/json"
	"reflect"
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
	json.Unmarshal([]byte(`"solo"`), &one)
	if len(one) != 1 || one[0] != "solo" {
		t.Errorf("a scalar is a list of one: %q", one)
	}
	if got := Clip("héllo", 2); got != "h" {
		t.Errorf("Clip cut inside a rune: %q", got)
	}
}

func TestValueEndAndSkipWS(t *testing.T) {
	b := []byte(`  {"a": [1, {"b": "}"}], "c": 2} tail`)
	i := SkipWS(b, 0)
	if end := ValueEnd(b, i); string(b[i:end]) != `{"a": [1, {"b": "}"}], "c": 2}` {
		t.Errorf("ValueEnd %q", b[i:end])
	}
}
