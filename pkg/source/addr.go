package source

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// ErrBadAddr is wrapped by ParseAddr's error for text that is not an IP
// address.
var ErrBadAddr = errors.New("not an IP address")

// ParseAddr reads an address as engines and the files made from them
// spell it, and returns it in the one form a service's identity uses, so
// that every spelling of one address is one host:
//
//   - an IPv4-mapped IPv6 address ("::ffff:198.51.100.7") is the IPv4
//     address;
//   - an IPv6 zone ("fe80::1%eth0") is dropped;
//   - surrounding spaces are ignored;
//   - a dotted IPv4 address whose parts have leading zeros
//     ("198.051.100.007", as zero-padded columns print it) is read as
//     decimal, never as octal: 198.51.100.7. A part over 255, or more
//     than three digits, is an error.
//
// Anything else net/netip refuses is an error wrapping ErrBadAddr.
func ParseAddr(s string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		var ok bool
		if a, ok = paddedIPv4(s); !ok {
			return netip.Addr{}, ErrBadAddr
		}
	}
	return a.Unmap().WithZone(""), nil
}

// paddedIPv4 reads four dot-separated decimal parts of 1 to 3 digits each
// (leading zeros allowed), each at most 255.
func paddedIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	var b [4]byte
	for i, p := range parts {
		if len(p) == 0 || len(p) > 3 {
			return netip.Addr{}, false
		}
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return netip.Addr{}, false
			}
		}
		n, _ := strconv.Atoi(p)
		if n > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), true
}
