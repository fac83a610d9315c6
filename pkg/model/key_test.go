package model

import (
	"net/netip"
	"slices"
	"testing"
)

// TestKeyCompare checks the store's service order: address (IPv4 before
// IPv6, numeric, not textual), then port (numeric), then transport.
func TestKeyCompare(t *testing.T) {
	k := func(a string, p uint16, tr string) Key { return Key{netip.MustParseAddr(a), p, tr} }
	want := []Key{
		k("9.0.0.1", 80, "tcp"),
		k("10.0.0.1", 22, "tcp"),
		k("10.0.0.1", 443, "tcp"),
		k("10.0.0.1", 443, "udp"),
		k("10.0.0.1", 10250, "tcp"),
		k("10.0.0.2", 1, "tcp"),
		k("2001:db8::1", 1, "tcp"),
	}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortFunc(got, Key.Compare)
	if !slices.Equal(got, want) {
		t.Errorf("sorted %v, want %v", got, want)
	}
	for i, x := range want {
		if c := x.Compare(x); c != 0 {
			t.Errorf("%v.Compare(itself) = %d", x, c)
		}
		for _, y := range want[i+1:] {
			if x.Compare(y) != -1 || y.Compare(x) != 1 {
				t.Errorf("%v and %v: Compare = %d, %d; want -1, 1", x, y, x.Compare(y), y.Compare(x))
			}
		}
	}
}
