package source

import (
	"errors"
	"testing"
)

// TestParseAddr: every spelling of one address is one address; octal is
// never meant.
func TestParseAddr(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"198.51.100.7", "198.51.100.7"},
		{" 198.51.100.7 ", "198.51.100.7"},
		{"::ffff:198.51.100.7", "198.51.100.7"},
		{"::ffff:c633:6407", "198.51.100.7"},
		{"198.051.100.007", "198.51.100.7"},
		{"010.000.000.001", "10.0.0.1"},
		{"2001:DB8::1", "2001:db8::1"},
		{"fe80::1%eth0", "fe80::1"},
		{"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
	} {
		a, err := ParseAddr(tt.in)
		if err != nil || a.String() != tt.want {
			t.Errorf("ParseAddr(%q) = %v, %v; want %s", tt.in, a, err, tt.want)
		}
	}
	for _, bad := range []string{"", "198.51.100", "198.51.100.256", "198.51.100.0007", "1.2.3.4.5", "0x7f.0.0.1", "example.com", "198.51.100.7/24"} {
		if a, err := ParseAddr(bad); !errors.Is(err, ErrBadAddr) {
			t.Errorf("ParseAddr(%q) = %v, %v; want ErrBadAddr", bad, a, err)
		}
	}
}
