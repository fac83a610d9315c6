package safejson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEncodeEscapesBidi(t *testing.T) {
	in := map[string]string{"title": "admin\u202Egnp.exe\u2066x\u2069 \u200F<script>", "ok": "Kubernetes — 東京"}
	var b bytes.Buffer
	if err := Encode(&b, in); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, r := range []rune{0x202E, 0x2066, 0x2069, 0x200F} {
		if strings.ContainsRune(s, r) {
			t.Errorf("output holds raw U+%04X", r)
		}
	}
	if !strings.Contains(s, `\u202e`) || !strings.Contains(s, "東京") || !strings.HasSuffix(s, "}\n") {
		t.Errorf("output %q", s)
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["title"] != in["title"] || back["ok"] != in["ok"] {
		t.Errorf("round trip: %v %q", err, back)
	}
}
