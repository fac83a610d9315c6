package censys

import (
	"strings"
	"testing"
)

func FuzzDecodeCursor(f *testing.F) {
	f.Add(cursor{Subs: []Sub{{Countries: []string{"US", "DE"}}, {Countries: []string{"US"}, ASNs: []string{"1"}, NotASNs: true}}, Sub: 1, Token: "t", N: 3}.encode())
	f.Add(cursor{Plan: true, Total: 20000, Token: "abc", N: 1}.encode())
	f.Add("plain-api-token")
	f.Add(cursorPrefix + "!!!")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := decodeCursor(tok, 2)
		if err != nil {
			return
		}
		text := c.text("q")
		// Whatever the cursor, a part adds only well-formed clauses.
		rest := strings.TrimPrefix(text, "(q)")
		if strings.ContainsAny(rest, "()\\") {
			t.Errorf("cursor %q gives query %q", tok, text)
		}
	})
}

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []cursor{
		{Token: "next"},
		{Plan: true, Total: 12345, Token: "next", N: 1},
		{Subs: []Sub{{Countries: []string{"DE", "FR"}, Est: 9}, {Countries: []string{"DE", "FR", "US"}, NotCountries: true}}, Sub: 1, Token: "x", N: 4},
	} {
		got, err := decodeCursor(c.encode(), 5)
		if err != nil {
			t.Fatal(err)
		}
		if c.Subs == nil && !c.Plan {
			c.N = 4 // a plain API token continues page 5
		}
		if got.text("q") != c.text("q") || got.Token != c.Token || got.N != c.N || got.Sub != c.Sub || got.Plan != c.Plan || got.Total != c.Total {
			t.Errorf("round trip of %+v gave %+v", c, got)
		}
	}
	if got := (Sub{Countries: []string{"US"}, ASNs: []string{"16509", "14618"}}).Text("a or b"); got != `(a or b) and host.location.country_code: "US" and host.autonomous_system.asn: {16509, 14618}` {
		t.Errorf("Sub.Text = %s", got)
	}
}
