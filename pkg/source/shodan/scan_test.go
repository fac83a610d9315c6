package shodan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/jsonscan"
	"github.com/orchex/orchex/internal/sharedtest"
	"github.com/orchex/orchex/pkg/model"
)

// sameAsReference decodes in with DecodeBanner and with the encoding/json
// reference and fails unless both give the same observation and the same
// error (message included). It returns DecodeBanner's result.
func sameAsReference(t testing.TB, in []byte) (model.Observation, error) {
	t.Helper()
	got, gerr := DecodeBanner(in)
	want, werr := decodeBannerReference(in)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("input %.300q:\nerror %v\nreference error %v", in, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("input %.300q:\ngot  %+v\nwant %+v\nhttp %+v / %+v\ntls %+v / %+v", in, got, want, got.HTTP, want.HTTP, got.TLS, want.TLS)
	}
	return got, gerr
}

// base is a minimal valid banner; extra members are appended to it.
const base = `"ip_str":"198.51.100.7","port":443`

func TestDecodeBannerMatchesReferenceQuirks(t *testing.T) {
	deep := func(n int, open, close string) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	long := strings.Repeat("a", model.MaxText+100)
	tests := []struct {
		name  string
		in    string
		check func(t *testing.T, o model.Observation, err error)
	}{
		// Validation: the same records are rejected.
		{"empty", ``, wantErr},
		{"white space only", " \n\t ", wantErr},
		{"trailing garbage", `{` + base + `} x`, wantErr},
		{"trailing second object", `{` + base + `}{}`, wantErr},
		{"trailing white space", "\t{" + base + "}\r\n ", wantOK},
		{"trailing comma", `{` + base + `,}`, wantErr},
		{"missing comma", `{"ip_str":"198.51.100.7" "port":443}`, wantErr},
		{"unterminated string", `{"ip_str":"198.51.100.7`, wantErr},
		{"control byte in string", "{" + base + ",\"org\":\"a\x01b\"}", wantErr},
		{"raw newline in unused string", "{" + base + ",\"x\":\"a\nb\"}", wantErr},
		{"bad escape", `{` + base + `,"x":"\q"}`, wantErr},
		{"short unicode escape", `{` + base + `,"x":"\u12"}`, wantErr},
		{"bad hex in unicode escape", `{` + base + `,"x":"\u12g4"}`, wantErr},
		{"single quotes", `{'ip_str':'198.51.100.7'}`, wantErr},
		{"leading zero", `{` + base + `,"x":01}`, wantErr},
		{"bare minus", `{` + base + `,"x":-}`, wantErr},
		{"dot without digits", `{` + base + `,"x":1.}`, wantErr},
		{"exponent without digits", `{` + base + `,"x":1e+}`, wantErr},
		{"plus sign", `{` + base + `,"x":+1}`, wantErr},
		{"truncated literal", `{` + base + `,"x":tru}`, wantErr},
		{"literal with tail", `{` + base + `,"x":nullx}`, wantErr},
		{"mismatched brackets", `{` + base + `,"x":[1}`, wantErr},
		{"key not a string", `{` + base + `,1:2}`, wantErr},
		{"missing colon in unused object", `{` + base + `,"x":{"a" 1}}`, wantErr},
		{"nul byte outside string", "{" + base + "}\x00", wantErr},
		{"NaN", `{` + base + `,"x":NaN}`, wantErr},
		{"nesting at the limit", `{` + base + `,"x":` + deep(9999, "[", "]") + `}`, wantOK},
		{"nesting over the limit", `{` + base + `,"x":` + deep(10000, "[", "]") + `}`, wantErr},
		{"objects nested over the limit", `{` + base + `,"x":` + strings.Repeat(`{"a":`, 10000) + `1` + strings.Repeat(`}`, 10000) + `}`, wantErr},
		{"top-level array at the limit", deep(10000, "[", "]"), wantErr},
		{"top-level array over the limit", deep(10001, "[", "]"), wantErr},
		{"nesting in hostnames", `{` + base + `,"hostnames":[` + deep(200, "[", "]") + `,"a.example"]}`, nil},
		{"nesting in nodes", `{` + base + `,"kubernetes":{"nodes":[` + deep(9997, "[", "]") + `]}}`, nil},
		{"nesting in nodes over the limit", `{` + base + `,"kubernetes":{"nodes":[` + deep(9998, "[", "]") + `]}}`, wantErr},

		// Top-level values that are not objects decode to nothing.
		{"top-level null", `null`, wantErr},
		{"top-level array", `[{` + base + `}]`, wantErr},
		{"top-level number", `1`, wantErr},
		{"top-level string", `"198.51.100.7"`, wantErr},
		{"empty object", `{}`, wantErr},

		// Keys are matched as encoding/json matches them.
		{"upper-case keys", `{"IP_STR":"198.51.100.7","PORT":443,"ORG":"Acme"}`, func(t *testing.T, o model.Observation, err error) {
			if err != nil || o.Org != "Acme" {
				t.Errorf("%v %q", err, o.Org)
			}
		}},
		{"mixed-case keys", `{"Ip_Str":"198.51.100.7","pORt":443,"Http":{"TiTle":"x"}}`, func(t *testing.T, o model.Observation, err error) {
			if err != nil || o.HTTP == nil || o.HTTP.Title != "x" {
				t.Errorf("%v %+v", err, o.HTTP)
			}
		}},
		{"Kelvin sign folds to k", `{` + base + `,"\u212aubernetes":{"version":"v1"}}`, func(t *testing.T, o model.Observation, err error) {
			if o.Kubernetes == nil || o.Kubernetes.Version != "v1" {
				t.Errorf("%+v", o.Kubernetes)
			}
		}},
		{"Kelvin sign raw UTF-8", "{" + base + ",\"\u212aubernetes\":{\"version\":\"v1\"}}", nil},
		{"long s folds to s", "{\"ip_\u017ftr\":\"198.51.100.7\",\"port\":1}", wantOK},
		{"escaped key", `{"ip\u005fstr":"198.51.100.7","\u0070ort":443}`, wantOK},
		{"escaped key with surrogate pair", `{` + base + `,"org\ud83d\ude00":"x"}`, nil},
		{"key with invalid UTF-8", "{" + base + ",\"org\xff\":\"x\"}", nil},
		{"key with only case differing unicode", `{` + base + `,"ORG\u00e9":"x"}`, nil},
		{"docker keys folded", `{` + base + `,"DOCKER":{"version":"24","apiversion":"1.43","OS":"linux","containers":3}}`, func(t *testing.T, o model.Observation, err error) {
			if o.Docker == nil || *o.Docker != (model.Docker{Version: "24", APIVersion: "1.43", OS: "linux", Containers: 3}) {
				t.Errorf("%+v", o.Docker)
			}
		}},
		{"escaped key longer than the fold buffer", `{"\u0069\u0070\u005f\u0073\u0074\u0072":"198.51.100.7","port":1}`, wantOK},
		{"plain key longer than the fold buffer", `{` + base + `,"organizationxxxxxxxx":"x","http_status_titles":1}`, nil},
		{"key exactly the fold buffer", `{` + base + `,"0123456789abcdef":"x"}`, nil},
		{"long unknown key", `{` + base + `,"` + long + `":1}`, nil},
		{"key over the fold buffer", `{` + base + `,"ip_strxxxxxxxxxxxxxxxxxxxxxxx":"x"}`, nil},

		// Duplicate keys: the last wins, nested objects merge.
		{"duplicate scalar", `{` + base + `,"org":"a","org":"b"}`, nil},
		{"duplicate scalar then null", `{` + base + `,"org":"a","org":null}`, nil},
		{"duplicate scalar then object", `{` + base + `,"org":"a","org":{}}`, nil},
		{"duplicate port, invalid last", `{` + base + `,"port":"x"}`, nil},
		{"duplicate port, fraction last", `{` + base + `,"port":80.9}`, nil},
		{"duplicate list then null", `{` + base + `,"tags":["a"],"tags":null}`, nil},
		{"duplicate list then object", `{` + base + `,"tags":["a"],"tags":{"b":1}}`, nil},
		{"duplicate list then empty", `{` + base + `,"tags":["a"],"tags":[]}`, nil},
		{"duplicate list then scalar", `{` + base + `,"tags":["a"],"tags":7}`, nil},
		{"http merges", `{` + base + `,"http":{"title":"t","status":201},"http":{"server":"s"}}`, func(t *testing.T, o model.Observation, err error) {
			if o.HTTP == nil || o.HTTP.Title != "t" || o.HTTP.Server != "s" || o.HTTP.Status != 201 {
				t.Errorf("%+v", o.HTTP)
			}
		}},
		{"http then null", `{` + base + `,"http":{"title":"t"},"http":null}`, func(t *testing.T, o model.Observation, err error) {
			if o.HTTP != nil {
				t.Errorf("%+v", o.HTTP)
			}
		}},
		{"http null then object", `{` + base + `,"http":null,"http":{"title":"t"}}`, nil},
		{"http then string", `{` + base + `,"http":{"title":"t"},"http":"x"}`, nil},
		{"_shodan merges, null ignored", `{` + base + `,"_shodan":{"id":"a"},"_shodan":null,"_shodan":{"module":"m"},"_shodan":[1]}`, func(t *testing.T, o model.Observation, err error) {
			if o.RecordID != "a" || o.Module != "m" {
				t.Errorf("%q %q", o.RecordID, o.Module)
			}
		}},
		{"ssl merges cert", `{` + base + `,"ssl":{"cert":{"subject":{"CN":"a"}}},"ssl":{"x":1},"ssl":{"cert":{"issuer":{"CN":"b"}}}}`, func(t *testing.T, o model.Observation, err error) {
			if o.TLS == nil || o.TLS.Subject != "CN=a" || o.TLS.Issuer != "CN=b" {
				t.Errorf("%+v", o.TLS)
			}
		}},
		{"cert null resets", `{` + base + `,"ssl":{"cert":{"subject":{"CN":"a"}}},"ssl":{"cert":null}}`, nil},
		{"subject duplicate last wins", `{` + base + `,"ssl":{"cert":{"subject":{"CN":"a"},"subject":{"O":"b","CN":"c"}}}}`, nil},
		{"subject null", `{` + base + `,"ssl":{"cert":{"subject":null}}}`, nil},
		{"subject list values", `{` + base + `,"ssl":{"cert":{"subject":{"OU":["a","b"],"CN":1,"O":null}}}}`, nil},
		{"extensions reuse elements", `{` + base + `,"ssl":{"cert":{"extensions":[{"name":"subjectAltName"}],"extensions":[{"data":"0\\x0c\\x82\\nk.example1"}]}}}`, func(t *testing.T, o model.Observation, err error) {
			if o.TLS == nil || !reflect.DeepEqual(o.TLS.SANs, []string{"k.example1"}) {
				t.Errorf("%+v", o.TLS)
			}
		}},
		{"extensions stale beyond length", `{` + base + `,"ssl":{"cert":{"extensions":[{},{"name":"subjectAltName","data":"0\\x03\\x82\\x01a"},{}],"extensions":[{}],"extensions":[{},{}]}}}`, nil},
		{"extensions empty then reuse", `{` + base + `,"ssl":{"cert":{"extensions":[{"name":"subjectAltName"}],"extensions":[],"extensions":[{"data":"0\\x03\\x82\\x01a"}]}}}`, nil},
		{"extensions null then list", `{` + base + `,"ssl":{"cert":{"extensions":[{"name":"subjectAltName"}],"extensions":null,"extensions":[{"data":"0\\x03\\x82\\x01a"}]}}}`, nil},
		{"extensions wrong element types", `{` + base + `,"ssl":{"cert":{"extensions":[1,null,"x",[],{"name":"subjectAltName","data":"0\\x03\\x82\\x01a"}]}}}`, nil},
		{"extensions object", `{` + base + `,"ssl":{"cert":{"extensions":[{"name":"subjectAltName","data":"0\\x03\\x82\\x01a"}],"extensions":{"a":1}}}}`, nil},
		{"nodes counted whatever their type", `{` + base + `,"kubernetes":{"nodes":[1,"a",null,{},[[]]]}}`, func(t *testing.T, o model.Observation, err error) {
			if o.Kubernetes == nil || o.Kubernetes.Nodes != 5 {
				t.Errorf("%+v", o.Kubernetes)
			}
		}},
		{"nodes replaced, then kept", `{` + base + `,"kubernetes":{"nodes":[1,2,3]},"kubernetes":{"nodes":[1]},"kubernetes":{"nodes":{}}}`, nil},
		{"nodes null", `{` + base + `,"kubernetes":{"nodes":[1,2],"nodes":null}}`, nil},
		{"containers as list then number", `{` + base + `,"docker":{"Containers":[1,2],"Containers":-1}}`, nil},

		// Values of the wrong type are left empty; pointers are allocated.
		{"http as number", `{` + base + `,"http":1}`, func(t *testing.T, o model.Observation, err error) {
			if o.HTTP == nil || o.HTTP.Title != "" {
				t.Errorf("encoding/json allocated http for a number: %+v", o.HTTP)
			}
		}},
		{"http as string", `{` + base + `,"http":"x"}`, nil},
		{"http as array", `{` + base + `,"http":[{"title":"t"}]}`, nil},
		{"http as bool", `{` + base + `,"http":true}`, nil},
		{"kubernetes as string", `{` + base + `,"kubernetes":"x"}`, nil},
		{"docker as array", `{` + base + `,"docker":[]}`, nil},
		{"etcd as number", `{` + base + `,"etcd":0}`, nil},
		{"location and cloud wrong", `{` + base + `,"location":[],"cloud":"aws"}`, nil},
		{"ssl wrong, cert wrong", `{` + base + `,"ssl":1,"ssl":{"cert":"x"}}`, nil},
		{"_shodan as string", `{` + base + `,"_shodan":"x"}`, nil},
		{"strings as numbers and bools", `{` + base + `,"org":1.50,"product":true,"version":-0,"transport":"UDP","asn":15169}`, nil},
		{"strings as objects", `{` + base + `,"org":{"a":"b"},"product":[1],"data":{"x":1}}`, nil},
		{"lists of mixed scalars", `{` + base + `,"hostnames":["a",1,null,{"x":1},[2],"",true],"tags":"solo","cpe23":["cpe:2.3:a:k8s:kubernetes:1.2"],"cpe":"cpe:/a:x:y:1"}`, nil},
		{"ip as integer", `{"ip":3325256711,"port":80}`, wantOK},
		{"ip as string integer", `{"ip":"3325256711","port":80}`, nil},
		{"ip too large", `{"ip":4294967296,"port":80}`, wantErr},
		{"ip_str wrong type falls back to ipv6", `{"ip_str":{},"ipv6":"2001:db8::1","port":80}`, wantOK},
		{"ip_str number", `{"ip_str":1,"port":80}`, wantErr},
		{"ip_str null, ip", `{"ip_str":null,"ip":1,"port":80}`, wantOK},

		// Numbers.
		{"port 1e2", `{"ip_str":"198.51.100.7","port":1e2}`, func(t *testing.T, o model.Observation, err error) {
			if err != nil || o.Port != 100 {
				t.Errorf("%v %d", err, o.Port)
			}
		}},
		{"port -0", `{"ip_str":"198.51.100.7","port":-0}`, wantErr},
		{"port 6443.0", `{"ip_str":"198.51.100.7","port":6443.0}`, wantOK},
		{"port 6443.9", `{"ip_str":"198.51.100.7","port":6443.9}`, nil},
		{"port string", `{"ip_str":"198.51.100.7","port":"6443"}`, wantOK},
		{"port escaped string", `{"ip_str":"198.51.100.7","port":"\u0036443"}`, wantErr},
		{"port huge", `{"ip_str":"198.51.100.7","port":1e300}`, wantErr},
		{"port huge integer", `{"ip_str":"198.51.100.7","port":123456789012345678901234567890}`, wantErr},
		{"port 65536", `{"ip_str":"198.51.100.7","port":65536}`, wantErr},
		{"port E notation", `{"ip_str":"198.51.100.7","port":4.43E+2}`, nil},
		{"status fraction", `{` + base + `,"http":{"status":200.5}}`, nil},
		{"status string", `{` + base + `,"http":{"status":"404"}}`, nil},
		{"big serial skipped", `{` + base + `,"ssl":{"cert":{"serial":123456789012345678901234567890123456789012345678901234567890,"subject":{"CN":"a"}}}}`, nil},

		// Strings: escapes, surrogates, invalid UTF-8, caps.
		{"escapes", `{` + base + `,"org":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20ac"}`, nil},
		{"surrogate pair", `{` + base + `,"org":"\ud83d\ude00"}`, nil},
		{"lone high surrogate", `{` + base + `,"org":"\ud83dx"}`, func(t *testing.T, o model.Observation, err error) {
			if o.Org != "\uFFFDx" {
				t.Errorf("%q", o.Org)
			}
		}},
		{"lone low surrogate", `{` + base + `,"org":"\ude00"}`, nil},
		{"high surrogate then non-surrogate escape", `{` + base + `,"org":"\ud83d\u0041"}`, nil},
		{"two high surrogates", `{` + base + `,"org":"\ud83d\ud83d\ude00"}`, nil},
		{"invalid UTF-8 accepted", "{" + base + ",\"org\":\"a\xffb\xc3\",\"data\":\"\xe2\x82\"}", func(t *testing.T, o model.Observation, err error) {
			if err != nil || o.Org != "a\uFFFDb\uFFFD" {
				t.Errorf("%v %q", err, o.Org)
			}
		}},
		{"invalid UTF-8 in unused string", "{" + base + ",\"x\":\"\xff\xfe\"}", wantOK},
		{"DEL and high bytes", "{" + base + ",\"org\":\"\x7f\x80\"}", nil},
		{"org over the cap", `{` + base + `,"org":"` + long + `"}`, nil},
		{"title over the cap", `{` + base + `,"http":{"title":"` + strings.Repeat("é", model.MaxTitle) + `"}}`, nil},
		{"html over the cap", `{` + base + `,"http":{"html":"` + strings.Repeat("<p>", model.MaxBody) + `"}}`, nil},
		{"data over the cap", `{` + base + `,"data":"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n` + strings.Repeat("b", 2*model.MaxBanner) + `"}`, nil},
		{"too many hostnames", `{` + base + `,"hostnames":[` + strings.Repeat(`"h.example",`, model.MaxList+5) + `"z"]}`, nil},
		{"subject over the cap", `{` + base + `,"ssl":{"cert":{"subject":{"CN":"` + long + `","O":"x"}}}}`, nil},
		{"html escaped runes across the cap", `{` + base + `,"http":{"html":"a` + strings.Repeat(`\u00e9`, model.MaxBody) + `"}}`, nil},
		{"html surrogate pairs across the cap", `{` + base + `,"http":{"html":"ab` + strings.Repeat(`\ud83d\ude00`, model.MaxBody) + `"}}`, nil},
		{"html invalid UTF-8 across the cap", "{" + base + ",\"http\":{\"html\":\"" + strings.Repeat("a\xff\xe2\x82", model.MaxBody) + "\"}}", nil},
		{"title raw runes across the cap", `{` + base + `,"http":{"title":"x` + strings.Repeat("€", model.MaxTitle) + `"}}`, nil},
		{"country code over its cap", `{` + base + `,"location":{"country_code":"d\u00e9\u00e9\u00e9\u00e9"}}`, nil},
		{"timestamp with zone", `{` + base + `,"timestamp":"2026-10-02T08:15:42Z"}`, nil},
		{"timestamp bad", `{` + base + `,"timestamp":"yesterday"}`, nil},
		{"white space everywhere", " {\n\"ip_str\" :\t\"198.51.100.7\" ,\r\n \"port\" : 443 , \"http\" : { \"title\" : \"t\" } , \"x\" : [ 1 , { } , [ ] ] } ", wantOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := sameAsReference(t, []byte(tt.in))
			if tt.check != nil {
				tt.check(t, o, err)
			}
		})
	}
}

func wantErr(t *testing.T, o model.Observation, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, observation %+v", o)
	}
}

func wantOK(t *testing.T, o model.Observation, err error) {
	t.Helper()
	if err != nil {
		t.Error(err)
	}
}

// TestDecodeBannerMatchesReferenceTruncated cuts the fixtures at every
// byte and corrupts them byte by byte: the scanner must reject exactly
// the records encoding/json rejects, and decode the others alike.
func TestDecodeBannerMatchesReferenceTruncated(t *testing.T) {
	for _, name := range fixtureNames {
		in := readFixture(t, name)
		for n := 0; n <= len(in); n++ {
			sameAsReference(t, in[:n])
		}
		for i := range in {
			c := in[i]
			for _, r := range []byte{'"', '\\', '{', '}', '[', ']', ',', ':', '0', 'e', '\n', 0xff} {
				in[i] = r
				sameAsReference(t, in)
			}
			in[i] = c
		}
	}
}

// TestDecodeBannerMatchesReferenceDemo decodes demo banners (the shape of
// a real `shodan download` file) both ways.
func TestDecodeBannerMatchesReferenceDemo(t *testing.T) {
	n := 0
	for _, in := range demoBanners(t, 500) {
		if _, err := sameAsReference(t, in); err == nil {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no demo banner decoded")
	}
}

// TestDecodeBannerMatchesReferenceShared decodes every banner of the real
// shared samples both ways.
func TestDecodeBannerMatchesReferenceShared(t *testing.T) {
	banners := sharedBanners(t, sharedSamples(t))
	if len(banners) == 0 {
		t.Fatal("no banner found in the shared samples")
	}
	for _, in := range banners {
		sameAsReference(t, in)
	}
}

var fixtureNames = []string{"kubernetes-403-anonymous.json", "kubernetes-open-nodes.json", "docker-version.json", "etcd-ipv6.json"}

// sharedBanners returns the banners in the shared samples directory: a
// file that is a search response gives its matches, a host response its
// data, any other JSON file itself.
func sharedBanners(t testing.TB, dir string) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Matches []json.RawMessage `json:"matches"`
			Data    json.RawMessage   `json:"data"`
		}
		if json.Unmarshal(b, &doc) != nil {
			continue
		}
		var data []json.RawMessage
		_ = json.Unmarshal(doc.Data, &data)
		switch {
		case len(doc.Matches) > 0:
			for _, m := range doc.Matches {
				out = append(out, m)
			}
		case len(data) > 0:
			for _, m := range data {
				out = append(out, m)
			}
		default:
			out = append(out, b)
		}
	}
	return out
}

// FuzzDecodeBannerMatchesReference checks, for any input, that
// DecodeBanner gives the observation and the error that the encoding/json
// reference gives.
func FuzzDecodeBannerMatchesReference(f *testing.F) {
	for _, name := range fixtureNames {
		f.Add(readFixture(f, name))
	}
	for _, in := range demoBanners(f, 20) {
		f.Add(in)
	}
	if dir, ok := sharedtest.Lookup("data/samples/shodan"); ok { // optional seeds
		for _, in := range sharedBanners(f, dir) {
			f.Add(in)
		}
	}
	for _, s := range []string{
		`{"IP_STR":"198.51.100.7","PORT":443,"http":{"title":"a"},"Http":{"server":"b"},"http":1}`,
		`{"ip_str":"198.51.100.7","port":6443.0,"ssl":{"cert":{"extensions":[{"name":"subjectAltName"}],"extensions":[{},{}]}}}`,
		`{"\u212aubernetes":{"nodes":[[],{}]},"ip":1,"port":"1e2","org":"\ud800","tags":null}`,
		"{\"ip_str\":\"198.51.100.7\",\"port\":1,\"org\":\"\xff\"} ",
		`[[[[{"ip_str":1}]]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		sameAsReference(t, in)
	})
}

// TestBannerTableOneRowAddsAField adds one row to the banner table, as
// docs/import.md says to add a field, and checks that the scan, the
// encoding/json reference and the conversion all follow it.
func TestBannerTableOneRowAddsAField(t *testing.T) {
	rows := append(bannerMembers(), member{"isp", jsonscan.Text,
		func(o *model.Observation, v jsonscan.Value) { o.City = "isp " + v.Clip(model.MaxText) }})
	tbl, err := newTable(rows)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{
		`{` + base + `,"isp":"Acme Transit"}`,
		`{` + base + `,"ISP":"first","isp":"second"}`,
		`{` + base + `,"isp":42}`,
		`{` + base + `,"isp":null}`,
	} {
		got, gerr := tbl.decode([]byte(in))
		want, werr := reference(tbl).decode([]byte(in))
		if gerr != nil || werr != nil || !reflect.DeepEqual(got, want) || !strings.HasPrefix(got.City, "isp ") {
			t.Errorf("%s: got %q (%v), reference %q (%v)", in, got.City, gerr, want.City, werr)
		}
	}
	if got, _ := tbl.decode([]byte(`{` + base + `,"isp":"Acme Transit"}`)); got.City != "isp Acme Transit" {
		t.Errorf("City = %q", got.City)
	}
}

// TestBannerTableChecks: a row that nothing reads, or a table without a
// member DecodeBanner combines itself, is refused when the table is built.
func TestBannerTableChecks(t *testing.T) {
	if _, err := newTable(append(bannerMembers(), member{"isp", jsonscan.Text, nil})); err == nil ||
		!strings.Contains(err.Error(), `"isp" has no setter`) {
		t.Errorf("dead row: %v", err)
	}
	var without []member
	for _, m := range bannerMembers() {
		if m.path != "ip_str" {
			without = append(without, m)
		}
	}
	if _, err := newTable(without); err == nil || !strings.Contains(err.Error(), "lacks ip_str") {
		t.Errorf("missing row: %v", err)
	}
	if _, err := newTable(append(bannerMembers(), member{"location.city.x", jsonscan.Text, nil})); err == nil ||
		!strings.Contains(err.Error(), `"location.city" is not declared before it`) {
		t.Errorf("bad path: %v", err)
	}
}
