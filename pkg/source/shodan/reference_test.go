package shodan

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/orchex/orchex/internal/jsonscan"
	"github.com/orchex/orchex/pkg/model"
)

// decodeBannerReference is DecodeBanner with encoding/json in place of
// jsonscan: the reference the scanner must match (see scan_test.go). It
// decodes the banner with json.Unmarshal into a struct built from the
// banner table (referenceType: each member a field tagged with its name,
// of the Go type whose rules its kind names), reads the members' values
// back from the struct and builds the observation with the same
// conversion. The differential tests thus compare what matters, how the
// JSON is read (which records are rejected, which key matches which
// member, what duplicate keys, null and values of another type do), and a
// new table row is in both decoders at once.
func decodeBannerReference(data []byte) (model.Observation, error) {
	return ref.decode(data)
}

// decode is decodeBannerReference with the reference of its table.
func (ref *referenceDecoder) decode(data []byte) (model.Observation, error) {
	if len(data) > model.MaxRecord {
		return model.Observation{}, fmt.Errorf("shodan: banner is %d bytes, over the %d-byte record limit", len(data), model.MaxRecord)
	}
	p := reflect.New(ref.typ)
	if err := json.Unmarshal(data, p.Interface()); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return model.Observation{}, fmt.Errorf("shodan: banner is not valid JSON: %w", err)
		}
		// A field of the wrong type was skipped; the rest was decoded.
	}
	vals := make([]jsonscan.Value, len(ref.table.members))
	ref.root.read(p.Elem(), vals)
	return ref.table.observation(vals)
}

// refNode is a member of the banner table (or the banner itself) with its
// members, and the Go type encoding/json decodes it into.
type refNode struct {
	name     string
	kind     jsonscan.Kind
	slot     int // member index; -1 for the banner
	children []*refNode
}

type referenceDecoder struct {
	table *table
	root  *refNode
	typ   reflect.Type
}

// ref is the reference decoder of the banner table, built once for the
// tests.
var ref = reference(bannerTable)

// reference builds the reference decoder of a banner table.
func reference(t *table) *referenceDecoder {
	root := &refNode{kind: jsonscan.Struct, slot: -1}
	nodes := map[string]*refNode{"": root}
	for i, m := range t.members {
		parent, name := "", m.path
		if j := strings.LastIndexByte(m.path, '.'); j >= 0 {
			parent, name = m.path[:j], m.path[j+1:]
		}
		n := &refNode{name: name, kind: m.kind, slot: i}
		nodes[parent].children = append(nodes[parent].children, n)
		nodes[m.path] = n
	}
	return &referenceDecoder{table: t, root: root, typ: root.structType()}
}

// goType is the type whose encoding/json rules the member's kind names.
func (n *refNode) goType() reflect.Type {
	switch n.kind {
	case jsonscan.Text:
		return reflect.TypeFor[jsonscan.Str]()
	case jsonscan.Raw:
		return reflect.TypeFor[json.RawMessage]()
	case jsonscan.List:
		return reflect.TypeFor[jsonscan.Strs]()
	case jsonscan.Number:
		return reflect.TypeFor[jsonscan.Num]()
	case jsonscan.Counted:
		return reflect.TypeFor[jsonscan.Count]()
	case jsonscan.Length:
		return reflect.TypeFor[[]struct{}]()
	case jsonscan.Object:
		return reflect.PointerTo(n.structType())
	case jsonscan.Struct:
		return n.structType()
	case jsonscan.Objects:
		return reflect.SliceOf(n.structType())
	}
	panic(fmt.Sprintf("member %s: kind %d", n.name, n.kind))
}

// structType is a struct with one field per member of n, tagged with the
// member's name.
func (n *refNode) structType() reflect.Type {
	fields := make([]reflect.StructField, len(n.children))
	for i, c := range n.children {
		fields[i] = reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: c.goType(),
			Tag:  reflect.StructTag(`json:"` + c.name + `"`),
		}
	}
	return reflect.StructOf(fields)
}

// read stores the values of n's members, decoded into the struct s, in
// vals at their slots.
func (n *refNode) read(s reflect.Value, vals []jsonscan.Value) {
	for i, c := range n.children {
		c.value(s.Field(i), &vals[c.slot], vals)
	}
}

// value stores in d what the field f decoded, in the form jsonscan keeps
// it: strings and lists as JSON text, numbers as Int.
func (n *refNode) value(f reflect.Value, d *jsonscan.Value, vals []jsonscan.Value) {
	switch n.kind {
	case jsonscan.Object:
		if !f.IsNil() {
			d.Set = true
			n.read(f.Elem(), vals)
		}
	case jsonscan.Struct:
		n.read(f, vals)
	case jsonscan.Objects:
		if f.IsNil() {
			return
		}
		k := len(n.children)
		d.Elems = make([]jsonscan.Item, f.Len()*k)
		for e := range f.Len() {
			for i, c := range n.children { // the members of an element, in order
				c.scalar(f.Index(e).Field(i), &d.Elems[e*k+i])
			}
		}
	default:
		n.scalar(f, &d.Item)
	}
}

// scalar stores in d what the field f of a scalar member decoded.
func (n *refNode) scalar(f reflect.Value, d *jsonscan.Item) {
	switch n.kind {
	case jsonscan.Text:
		d.Raw = mustJSON(f.String())
	case jsonscan.Raw:
		d.Raw = f.Bytes()
	case jsonscan.List:
		if !f.IsNil() {
			d.Raw = mustJSON(f.Interface())
		}
	case jsonscan.Number, jsonscan.Counted:
		d.Int = f.Int()
	case jsonscan.Length:
		d.Int = int64(f.Len())
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
