package shodan

import (
	"fmt"
	"strings"

	"github.com/orchex/orchex/internal/jsonscan"
	"github.com/orchex/orchex/pkg/model"
)

// member is one member of a Shodan banner that orchex reads: its path in
// the banner, how its JSON value is kept (jsonscan.Kind: encoding/json's
// rules for the Go type the reference decoder of the tests gives it) and
// what it sets in the observation. set is nil for the members that
// DecodeBanner combines itself (the address, the HTTP block, the
// certificate, the software list) and for objects that only hold others.
type member struct {
	path string
	kind jsonscan.Kind
	set  func(o *model.Observation, v jsonscan.Value)
}

// bannerMembers declares every banner member orchex reads. It is the only
// list of them: the scanner (jsonscan.Schema), the encoding/json reference
// of the differential tests and the conversion to an observation are all
// built from it.
//
// To add a banner field, add one row: its path, its kind and where it goes,
// for example
//
//	{"isp", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.ISP })},
//
// (with the field in model.Observation). A member of a nested object needs
// the object's row before it ("location" before "location.city"); an
// Object row's setter runs when the object is present, before those of
// its members, which run only then.
func bannerMembers() []member {
	return []member{
		{"ip", jsonscan.Number, nil},
		{"ip_str", jsonscan.Text, nil},
		{"ipv6", jsonscan.Text, nil},
		{"port", jsonscan.Number, nil},
		{"transport", jsonscan.Text, func(o *model.Observation, v jsonscan.Value) { o.Transport = transport(v.Text()) }},
		{"hostnames", jsonscan.List, func(o *model.Observation, v jsonscan.Value) { o.Hostnames = v.Strs().Strings(model.MaxList) }},
		{"org", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Org })},
		{"asn", jsonscan.Text, func(o *model.Observation, v jsonscan.Value) { o.ASN = parseASN(v.Text()) }},
		{"product", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Product })},
		{"version", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Version })},
		{"tags", jsonscan.List, func(o *model.Observation, v jsonscan.Value) {
			o.Labels = v.Strs().Strings(model.MaxList)
			o.Honeypot = honeypotTags(o.Labels)
		}},
		{"cpe23", jsonscan.List, nil},
		{"cpe", jsonscan.List, nil},
		{"data", jsonscan.Text, nil},
		{"timestamp", jsonscan.Text, func(o *model.Observation, v jsonscan.Value) { o.SeenAt = parseTime(v.Text()) }},
		{"_shodan", jsonscan.Struct, nil},
		{"_shodan.id", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.RecordID })},
		{"_shodan.module", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Module })},
		{"location", jsonscan.Object, nil},
		{"location.country_code", jsonscan.Text, func(o *model.Observation, v jsonscan.Value) { o.Country = strings.ToUpper(v.Clip(8)) }},
		{"location.city", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.City })},
		{"cloud", jsonscan.Object, nil},
		{"cloud.provider", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Cloud.Provider })},
		{"cloud.region", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Cloud.Region })},
		{"cloud.service", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Cloud.Service })},
		{"http", jsonscan.Object, nil},
		{"http.status", jsonscan.Number, nil},
		{"http.title", jsonscan.Text, nil},
		{"http.server", jsonscan.Text, nil},
		{"http.html", jsonscan.Text, nil},
		{"ssl", jsonscan.Object, nil},
		{"ssl.cert", jsonscan.Object, nil},
		// subject and issuer are kept raw so that their attributes stay
		// in the engine's order; serial (an arbitrary-precision integer)
		// is skipped like any member not listed here.
		{"ssl.cert.subject", jsonscan.Raw, nil},
		{"ssl.cert.issuer", jsonscan.Raw, nil},
		{"ssl.cert.extensions", jsonscan.Objects, nil},
		{"ssl.cert.extensions.name", jsonscan.Text, nil},
		{"ssl.cert.extensions.data", jsonscan.Text, nil},
		{"kubernetes", jsonscan.Object, func(o *model.Observation, _ jsonscan.Value) { o.Kubernetes = &model.Kubernetes{} }},
		{"kubernetes.version", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Kubernetes.Version })},
		{"kubernetes.nodes", jsonscan.Length, func(o *model.Observation, v jsonscan.Value) { o.Kubernetes.Nodes = int(v.Int) }},
		{"docker", jsonscan.Object, func(o *model.Observation, _ jsonscan.Value) { o.Docker = &model.Docker{} }},
		{"docker.Version", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Docker.Version })},
		{"docker.ApiVersion", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Docker.APIVersion })},
		{"docker.Os", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Docker.OS })},
		{"docker.Containers", jsonscan.Counted, func(o *model.Observation, v jsonscan.Value) { o.Docker.Containers = int(v.Int) }},
		{"etcd", jsonscan.Object, func(o *model.Observation, _ jsonscan.Value) { o.Etcd = &model.Etcd{} }},
		{"etcd.version", jsonscan.Text, text(model.MaxText, func(o *model.Observation) *string { return &o.Etcd.Version })},
	}
}

// text returns a setter of the string field f points at: the member's
// text (jsonscan.Str's rules), capped at n bytes.
func text(n int, f func(o *model.Observation) *string) func(*model.Observation, jsonscan.Value) {
	return func(o *model.Observation, v jsonscan.Value) { *f(o) = v.Clip(n) }
}

// table is bannerMembers compiled: the schema, each member's enclosing
// Object members (its setter runs only when they are present), and the
// slots of the members DecodeBanner reads itself. It is immutable.
type table struct {
	members []member
	schema  *jsonscan.Schema
	setters []int   // the members with a setter, in table order
	objects [][]int // per member: the slots of the Object members around it (and its own, for an Object)

	ip, ipStr, ipv6, port, data, cpe23, cpe           int
	http, httpStatus, httpTitle, httpServer, httpHTML int
	ssl, cert, subject, issuer, extensions            int
	extName, extData, extStride                       int // indices in an extension element, its length
}

// bannerTable is the compiled banner table, shared by every decode.
var bannerTable = mustTable(bannerMembers())

// mustTable compiles a banner table; it panics on a table that does not
// compile or that declares a member nothing reads (a programming error,
// caught by any test of the package).
func mustTable(members []member) *table {
	t, err := newTable(members)
	if err != nil {
		panic(err)
	}
	return t
}

func newTable(members []member) (*table, error) {
	decl := make([]jsonscan.Member, len(members))
	slot := map[string]int{}
	for i, m := range members {
		decl[i] = jsonscan.Member{Path: m.path, Kind: m.kind}
		slot[m.path] = i
	}
	schema, err := jsonscan.Compile(decl)
	if err != nil {
		return nil, fmt.Errorf("shodan: banner table: %w", err)
	}
	t := &table{members: members, schema: schema, objects: make([][]int, len(members))}
	for i, m := range members {
		if m.set != nil {
			t.setters = append(t.setters, i)
		}
		if m.kind == jsonscan.Object {
			t.objects[i] = append(t.objects[i], i) // an Object's setter runs when it is present
		}
		for p := m.path; ; {
			j := strings.LastIndexByte(p, '.')
			if j < 0 {
				break
			}
			p = p[:j]
			if members[slot[p]].kind == jsonscan.Object {
				t.objects[i] = append(t.objects[i], slot[p])
			}
		}
	}
	used := map[string]bool{}
	var missing []string
	get := func(path string) int {
		i, ok := slot[path]
		if !ok {
			missing = append(missing, path)
		}
		used[path] = true
		return i
	}
	t.ip, t.ipStr, t.ipv6, t.port, t.data = get("ip"), get("ip_str"), get("ipv6"), get("port"), get("data")
	t.cpe23, t.cpe = get("cpe23"), get("cpe")
	t.http, t.httpStatus, t.httpTitle = get("http"), get("http.status"), get("http.title")
	t.httpServer, t.httpHTML = get("http.server"), get("http.html")
	t.ssl, t.cert, t.subject, t.issuer = get("ssl"), get("ssl.cert"), get("ssl.cert.subject"), get("ssl.cert.issuer")
	t.extensions = get("ssl.cert.extensions")
	t.extName, t.extData = get("ssl.cert.extensions.name"), get("ssl.cert.extensions.data")
	if len(missing) > 0 {
		return nil, fmt.Errorf("shodan: banner table lacks %s", strings.Join(missing, ", "))
	}
	t.extStride = schema.Stride(t.extensions)
	t.extName, t.extData = schema.Elem(t.extName), schema.Elem(t.extData)
	if t.extName < 0 || t.extData < 0 {
		return nil, fmt.Errorf("shodan: banner table: ssl.cert.extensions must be an Objects member")
	}
	for _, m := range members {
		if m.set == nil && !used[m.path] && m.kind != jsonscan.Object && m.kind != jsonscan.Struct {
			return nil, fmt.Errorf("shodan: banner member %q has no setter and is not read by DecodeBanner", m.path)
		}
	}
	return t, nil
}

// present reports whether member i, when an Object, and every Object
// member around it were present (so that i's setter may write into what
// their setters allocated).
func (t *table) present(vals []jsonscan.Value, i int) bool {
	for _, j := range t.objects[i] {
		if !vals[j].Set {
			return false
		}
	}
	return true
}

// maxStack is the number of member values DecodeBanner keeps on its
// stack; a longer table is still decoded, with the values on the heap.
const maxStack = 64
