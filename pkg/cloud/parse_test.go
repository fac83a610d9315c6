package cloud

import (
	"encoding/json"
	"net/netip"
	"testing"
)

// TestParseV4Bytes checks the allocation-free IPv4 parser against netip:
// it must agree whenever it accepts, and refuse what netip refuses.
func TestParseV4Bytes(t *testing.T) {
	for _, s := range []string{
		"20.42.0.0/17", "0.0.0.0/0", "255.255.255.255/32", "10.1.2.3/8", "1.2.3.4/33", "01.2.3.4/8", "1.2.3.4/08",
		"256.1.1.1/8", "1.2.3/8", "1.2.3.4", "1.2.3.4/", "1.2.3.4/8x", "1..2.3/8", "2603:1000::/48", "", "1.2.3.4/100", "1234.1.1.1/8",
	} {
		got, ok := parseV4Bytes([]byte(s))
		want, err := netip.ParsePrefix(s)
		if ok && (err != nil || got != want.Masked()) {
			t.Errorf("parseV4Bytes(%q) = %v, netip says %v, %v", s, got, want, err)
		}
		if !ok && err == nil && want.Addr().Is4() && want.Bits() >= BroadestV4 {
			t.Errorf("parseV4Bytes(%q) refused a prefix netip accepts", s)
		}
	}
}

func TestPrefixList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{`["20.42.0.0/17", "2603:1000:4::10c/126","13.66.143.220/30"]`, []string{"20.42.0.0/17", "2603:1000:4::10c/126", "13.66.143.220/30"}, ""},
		{`["20.42.0.0\u002f17"]`, []string{"20.42.0.0/17"}, ""},
		{`[]`, nil, ""},
		{`["20.42.0.0/17","nonsense"]`, nil, `[1]: bad prefix "nonsense"`},
		{`["20.42.0.1/17"]`, []string{"20.42.0.0/17"}, ""},
	}
	for _, tt := range tests {
		var l prefixList
		if err := json.Unmarshal([]byte(tt.in), &l); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if tt.err != "" {
			if l.err == nil || l.err.Error() != tt.err {
				t.Errorf("%s: err %v, want %q", tt.in, l.err, tt.err)
			}
			continue
		}
		if l.err != nil || len(l.list) != len(tt.want) {
			t.Errorf("%s: %v %v, want %v", tt.in, l.list, l.err, tt.want)
			continue
		}
		for i, w := range tt.want {
			if l.list[i].String() != w {
				t.Errorf("%s: [%d] = %v, want %s", tt.in, i, l.list[i], w)
			}
		}
	}
	var l prefixList
	if err := json.Unmarshal([]byte(`{"a":1}`), &l); err == nil {
		t.Error("object accepted as a prefix list")
	}
}
