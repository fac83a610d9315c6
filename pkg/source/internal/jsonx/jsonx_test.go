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
