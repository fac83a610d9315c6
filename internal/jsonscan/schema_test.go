package jsonscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// testMembers has a member of every kind, nested as the Shodan banner
// nests them.
var testMembers = []Member{
	{"t", Text}, {"r", Raw}, {"l", List}, {"n", Number}, {"c", Counted}, {"len", Length},
	{"o", Object}, {"o.t", Text}, {"o.o", Object}, {"o.o.n", Number},
	{"s", Struct}, {"s.t", Text}, {"s.o", Object}, {"s.o.l", List},
	{"e", Objects}, {"e.t", Text}, {"e.n", Number},
}

// testDoc is what encoding/json decodes a document of testMembers into.
type testDoc struct {
	T   Str             `json:"t"`
	R   json.RawMessage `json:"r"`
	L   Strs            `json:"l"`
	N   Num             `json:"n"`
	C   Count           `json:"c"`
	Len []struct{}      `json:"len"`
	O   *struct {
		T Str `json:"t"`
		O *struct {
			N Num `json:"n"`
		} `json:"o"`
	} `json:"o"`
	S struct {
		T Str `json:"t"`
		O *struct {
			L Strs `json:"l"`
		} `json:"o"`
	} `json:"s"`
	E []struct {
		T Str `json:"t"`
		N Num `json:"n"`
	} `json:"e"`
}

// render shows what a Scan kept, in the same form for both decoders.
func renderScan(v []Value) string {
	var b strings.Builder
	fmt.Fprintf(&b, "t=%q r=%q l=%q n=%d c=%d len=%d", v[0].Text(), v[1].Raw, v[2].Strs(), v[3].Int, v[4].Int, v[5].Int)
	if v[6].Set {
		fmt.Fprintf(&b, " o{t=%q", v[7].Text())
		if v[8].Set {
			fmt.Fprintf(&b, " o{n=%d}", v[9].Int)
		}
		b.WriteString("}")
	}
	fmt.Fprintf(&b, " s{t=%q", v[11].Text())
	if v[12].Set {
		fmt.Fprintf(&b, " o{l=%q}", v[13].Strs())
	}
	b.WriteString("}")
	if v[14].Elems != nil {
		b.WriteString(" e[")
		for i := 0; i+2 <= len(v[14].Elems); i += 2 {
			fmt.Fprintf(&b, "{t=%q n=%d}", v[14].Elems[i].Text(), v[14].Elems[i+1].Int)
		}
		b.WriteString("]")
	}
	return b.String()
}

func renderDoc(d *testDoc) string {
	var b strings.Builder
	fmt.Fprintf(&b, "t=%q r=%q l=%q n=%d c=%d len=%d", d.T, []byte(d.R), d.L, d.N, d.C, len(d.Len))
	if d.O != nil {
		fmt.Fprintf(&b, " o{t=%q", d.O.T)
		if d.O.O != nil {
			fmt.Fprintf(&b, " o{n=%d}", d.O.O.N)
		}
		b.WriteString("}")
	}
	fmt.Fprintf(&b, " s{t=%q", d.S.T)
	if d.S.O != nil {
		fmt.Fprintf(&b, " o{l=%q}", d.S.O.L)
	}
	b.WriteString("}")
	if d.E != nil {
		b.WriteString(" e[")
		for _, e := range d.E {
			fmt.Fprintf(&b, "{t=%q n=%d}", e.T, e.N)
		}
		b.WriteString("]")
	}
	return b.String()
}

// sameAsEncodingJSON scans in with the test schema and decodes it with
// encoding/json into testDoc, and fails unless both accept or reject it
// and keep the same values.
func sameAsEncodingJSON(t testing.TB, s *Schema, in []byte) string {
	t.Helper()
	vals := make([]Value, len(testMembers))
	ok := s.Scan(in, vals)
	var d testDoc
	err := json.Unmarshal(in, &d)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		err = nil // a member of the wrong type was skipped; the rest was decoded
	}
	if ok != (err == nil) {
		t.Fatalf("input %.200q: Scan ok %v, encoding/json error %v", in, ok, err)
	}
	if !ok {
		return ""
	}
	got, want := renderScan(vals), renderDoc(&d)
	if got != want {
		t.Fatalf("input %.200q:\nScan         %s\nencoding/json %s", in, got, want)
	}
	return got
}

func mustCompile(t testing.TB) *Schema {
	t.Helper()
	s, err := Compile(testMembers)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestScanMatchesEncodingJSON(t *testing.T) {
	s := mustCompile(t)
	for _, tc := range []struct{ in, want string }{
		{`{"t":"a","T":"b"}`, `t="b" r="" l=[] n=0 c=0 len=0 s{t=""}`},
		{`{"t":1.50,"r":{"x" : 1},"l":"solo","n":"17","c":[1,2],"len":[[],{}]}`, `t="1.50" r="{\"x\" : 1}" l=["solo"] n=17 c=2 len=2 s{t=""}`},
		{`{"l":["a"],"l":null,"l":{"b":1},"n":2,"n":"x","n":[3],"c":5,"c":-1,"len":[1],"len":{}}`, `t="" r="" l=["a"] n=2 c=5 len=1 s{t=""}`},
		{`{"o":{"t":"a"},"o":{"o":{"n":1}},"s":{"t":"x"},"s":null,"s":[1]}`, `t="" r="" l=[] n=0 c=0 len=0 o{t="a" o{n=1}} s{t="x"}`},
		{`{"o":{"t":"a","o":{"n":1}},"o":null,"o":{}}`, `t="" r="" l=[] n=0 c=0 len=0 o{t=""} s{t=""}`},
		{`{"o":1,"s":{"o":{"l":["z"]}},"s":{"o":"x"}}`, `t="" r="" l=[] n=0 c=0 len=0 o{t=""} s{t="" o{l=["z"]}}`},
		{`{"e":[{"t":"a","n":1},{"t":"b"},{"t":"c"}],"e":[{"n":9}],"e":[{},{},{}]}`, `t="" r="" l=[] n=0 c=0 len=0 s{t=""} e[{t="a" n=9}{t="b" n=0}{t="c" n=0}]`},
		{`{"e":[{"t":"a"}],"e":[],"e":[{}]}`, `t="" r="" l=[] n=0 c=0 len=0 s{t=""} e[{t="" n=0}]`},
		{`{"e":[{"t":"a"}],"e":null}`, `t="" r="" l=[] n=0 c=0 len=0 s{t=""}`},
		{`{"e":[1,null,"x",{"t":"d"}],"e":{"a":1}}`, `t="" r="" l=[] n=0 c=0 len=0 s{t=""} e[{t="" n=0}{t="" n=0}{t="" n=0}{t="d" n=0}]`},
		{`{"\u0074":"escaped key","O":{"T":"folded"},"ſ":{"t":"long s"}}`, `t="escaped key" r="" l=[] n=0 c=0 len=0 o{t="folded"} s{t="long s"}`},
		{`[{"t":"a"}]`, `t="" r="" l=[] n=0 c=0 len=0 s{t=""}`}, // valid, but not an object: nothing kept
		{`{"t":"a"} x`, ""},
		{`{"t":"a",}`, ""},
	} {
		if got := sameAsEncodingJSON(t, s, []byte(tc.in)); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// FuzzScanMatchesEncodingJSON checks, for any input, that a Schema keeps
// what encoding/json decodes into the equivalent struct, and rejects what
// encoding/json rejects.
func FuzzScanMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"t":"a","r":[1,{"b":2}],"l":["x",1,null],"n":1e2,"c":[1,2],"len":[[]],"o":{"t":"b","o":{"n":"3"}},"s":{"t":1,"o":{"l":"y"}},"e":[{"t":"z","n":4},null]}`,
		`{"e":[{"t":"a"},{"t":"b"}],"e":[{}],"e":[{},{}]}`,
		`{"O":null,"o":{"O":{}},"\u212a":1,"s":{"o":null}}`,
		`{"t":"\ud800","l":"\u00e9","n":123456789012345678901234567890}`,
		"{\"t\":\"\xff\"}",
		`[[[[{"t":1}]]]]`,
	} {
		f.Add([]byte(s))
	}
	s := mustCompile(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		sameAsEncodingJSON(t, s, in)
	})
}

func TestScanDepthAndTrailing(t *testing.T) {
	s := mustCompile(t)
	vals := make([]Value, len(testMembers))
	deep := func(n int) []byte {
		return []byte(`{"len":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
	}
	if !s.Scan(deep(MaxDepth-1), vals) {
		t.Error("nesting at the limit rejected")
	}
	if s.Scan(deep(MaxDepth), vals) {
		t.Error("nesting over the limit accepted")
	}
	if !s.Scan([]byte(" \t{}\r\n"), vals) || s.Scan([]byte(""), vals) || s.Scan([]byte("{}{}"), vals) {
		t.Error("white space or trailing data mishandled")
	}
}

func TestScanDoesNotAllocate(t *testing.T) {
	s := mustCompile(t)
	in := []byte(`{"t":"a","r":[1],"l":["x"],"n":1,"c":2,"len":[1],"o":{"t":"b","o":{"n":3}},"s":{"t":"c"},"x":{"y":[1,2,"z"]}}`)
	var vals [32]Value
	if n := testing.AllocsPerRun(100, func() {
		vals = [32]Value{}
		s.Scan(in, vals[:])
	}); n != 0 {
		t.Errorf("Scan allocates %v times", n)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		members []Member
		want    string
	}{
		{[]Member{{"a.b", Text}}, `member "a.b": "a" is not declared before it`},
		{[]Member{{"a", Text}, {"a.b", Text}}, `member "a.b": "a" is not declared before it as an Object, Struct or Objects`},
		{[]Member{{"a", Text}, {"a", Raw}}, `member "a" declared twice`},
		{[]Member{{"a", Text}, {"A", Raw}}, `member "A" folds to the name of another member`},
		{[]Member{{"e", Objects}, {"e.o", Object}}, `member "e.o": the members of an Objects element must be scalars`},
		{[]Member{{"", Text}}, `empty name or unknown kind`},
		{[]Member{{"a", Kind(99)}}, `empty name or unknown kind`},
		{[]Member{{strings.Repeat("x", maxName+1), Text}}, `name longer than 32 bytes`},
	} {
		_, err := Compile(tc.members)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Compile(%v) = %v, want %q", tc.members, err, tc.want)
		}
	}
	s := mustCompile(t)
	if m := s.Members(); len(m) != len(testMembers) || m[0] != testMembers[0] {
		t.Errorf("Members() = %v", m)
	}
	// e (14) is an Objects member of two: e.t (15) and e.n (16).
	if s.Stride(14) != 2 || s.Elem(15) != 0 || s.Elem(16) != 1 || s.Elem(7) != -1 || s.Stride(6) != 0 {
		t.Errorf("Stride(e) %d, Elem(e.t) %d, Elem(e.n) %d, Elem(o.t) %d", s.Stride(14), s.Elem(15), s.Elem(16), s.Elem(7))
	}
}

func TestScanPanicsOnShortValues(t *testing.T) {
	s := mustCompile(t)
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	s.Scan([]byte(`{}`), make([]Value, 2))
}

func TestStream(t *testing.T) {
	var got []string
	w := NewStream(bytes.NewReader([]byte(`{"a":[{"x":1},{"x":2}],"b":{"c":[1,[2]]},"d":"e"}`)), strings.ToUpper)
	err := w.Object("document", func(key string) error {
		switch key {
		case "a":
			return w.Array(key, func(i int) error {
				var v struct{ X int }
				if err := w.Decode(key, &v); err != nil {
					return err
				}
				got = append(got, fmt.Sprint(i, v.X))
				return nil
			})
		case "d":
			return w.Object(key, nil)
		}
		return w.Skip(key)
	})
	var pe *PosError
	if !errors.As(err, &pe) || pe.Error() != `byte 48: d: expected "{", found string "E"` || strings.Join(got, ",") != "0 1,1 2" {
		t.Fatalf("err %v, got %q", err, got)
	}
	pe.Line = 3
	if pe.Error() != `line 3 (byte 48): d: expected "{", found string "E"` || errors.Unwrap(pe) == nil {
		t.Errorf("%v", pe)
	}
	w = NewStream(strings.NewReader(`[1] [2]`), strings.ToUpper)
	if err := w.Skip("x"); err != nil {
		t.Fatal(err)
	}
	if err := w.End(); err == nil || !strings.Contains(err.Error(), "data after the end") {
		t.Errorf("End = %v", err)
	}
	if n := LineAt(strings.NewReader("a\nb\nc"), 4); n != 3 {
		t.Errorf("LineAt = %d", n)
	}
}
