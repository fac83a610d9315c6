package importer

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		in   string
		want kind
	}{
		{`{"_shodan":{},"ip":1,"port":1}`, kindBanner},
		{`{"ip_str":"1.2.3.4","port":80}`, kindBanner},
		{`{"matches":[],"total":0}`, kindShodanSearch},
		{`{"ip_str":"1.2.3.4","ports":[80],"data":[{}]}`, kindShodanHost},
		{`{"host_v1":{}}`, kindV3Hit},
		{`{"webproperty_v1":{}}`, kindV3Hit},
		{`{"result":{"hits":[]}}`, kindV3Envelope},
		{`{"code":200,"status":"OK","result":{"hits":[]}}`, kindV2Envelope},
		{`{"ip":"1.2.3.4","services":[{"port":80,"protocol":"HTTP"}]}`, kindV3Host},
		{`{"ip":"1.2.3.4","services":[{"port":80,"transport_protocol":"TCP"}]}`, kindV2Host},
		{`{"ip":"1.2.3.4","services":[{"port":80,"service_name":"HTTP"}]}`, kindV2Host},
		{`{"ip":"1.2.3.4","services":[],"last_updated_at":"x"}`, kindV2Host},
		{`{"resource":{"ip":"1.2.3.4"}}`, kindV3Host},
		{`{"orchex":"service/v1"}`, kindExport},
		{`{"error":"x","status":"error"}`, kindAPIError},
		{`{"a\"b":1, "c": [1, {"d": "}"}]}`, kindUnknown},
		{`{"port":`, kindUnknown},
		{`[1]`, kindUnknown},
	}
	for _, tt := range tests {
		if got := detect([]byte(tt.in)); got != tt.want {
			t.Errorf("detect(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// FuzzMembers checks that the key scanner never panics on any input and
// agrees with encoding/json on the top-level keys of valid objects.
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":[{"c":"]"}],"d":"\"x"}`, `{"a":`, `{}`, `{"a" : {"b":[[[]]]} , "c":null}`, `{"\u0061":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var keys []string
		ok := members(in, func(k string, v []byte) bool {
			keys = append(keys, k)
			return true
		})
		_ = detect(in)
		var m map[string]json.RawMessage
		if json.Unmarshal(in, &m) != nil {
			return
		}
		if !ok {
			t.Fatalf("members rejected a valid object %q", in)
		}
		for _, k := range keys {
			if _, found := m[k]; !found && !containsEscape(k) && utf8.ValidString(k) {
				t.Fatalf("key %q not in %q", k, in)
			}
		}
	})
}

func containsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			return true
		}
	}
	return false
}
