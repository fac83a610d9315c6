package brief

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/orchex/orchex/internal/safejson"
)

// TestServiceJSONEncoding holds the hand-written encoder of brief.json's
// services to encoding/json's indented output (then safejson's escapes),
// byte for byte, on hostile strings: quotes, backslashes, every control
// character, HTML, bidi controls, U+2028, invalid UTF-8, astral runes.
func TestServiceJSONEncoding(t *testing.T) {
	hostile := []string{"", "plain", `"quoted" \back\slash`, "<script>&amp;</script>", "\u202eevil\u2066x\u200f", "line\u2028sep\u2029",
		"\xff\xfe broken \xc3", "😀 漢字 Ünï", "tab\tnl\nret\rbs\bff\f\x00\x01\x1f\x7f", "=1+1"}
	for i := 0; i < 32; i++ {
		hostile = append(hostile, string(rune(i)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return hostile[r.IntN(len(hostile))] }
	for n := range 2000 {
		v := ServiceJSON{Address: pick(), Port: r.IntN(65536), Transport: pick(), Product: pick(), ProductName: pick(), ProductEvidence: pick(),
			Version: pick(), Auth: pick(), Evidence: pick(), Confidence: pick(), AuthConflict: r.IntN(2) == 0, Honeypot: r.IntN(2) == 0, Org: pick(), Owner: pick(),
			Netblock: pick(), Country: pick(), City: pick(), Provider: pick(), Region: pick(), Title: pick(), Engines: []string{},
			Hostnames: []string{}, Change: pick(), AuthBefore: pick(), AuthChange: pick(), Support: pick()}
		for range r.IntN(3) {
			v.Engines = append(v.Engines, pick())
		}
		for range r.IntN(4) {
			v.Hostnames = append(v.Hostnames, pick())
		}
		if r.IntN(3) > 0 {
			asn := r.Uint32()
			v.ASN = &asn
		}
		if r.IntN(3) > 0 {
			ts := time.Unix(r.Int64N(4e9), r.Int64N(1e9)*int64(r.IntN(2))).UTC()
			v.FirstSeen, v.LastSeen = &ts, &ts
		}
		want, err := json.MarshalIndent(v, "    ", "  ")
		if err != nil {
			t.Fatal(err)
		}
		want = safejson.Escape(want)
		got := appendServiceJSON(nil, &v, "    ")
		if !bytes.Equal(got, want) {
			t.Fatalf("case %d differs:\n got %s\nwant %s", n, got, want)
		}
	}
}
