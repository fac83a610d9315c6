package eol

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLoadCache: no cache or an empty one gives the embedded calendars
// and says why; an older cache is passed over, a newer one used; a
// malformed one is an error naming it.
func TestLoadCache(t *testing.T) {
	emb, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if d, note, err := LoadCache(""); err != nil || d.Origin != "embedded" || note != "" {
		t.Errorf("no cache: %v, %q, %v", d.Origin, note, err)
	}
	dir := t.TempDir()
	if d, note, err := LoadCache(dir); err != nil || d.Origin != "embedded" || !strings.Contains(note, "no calendars in "+dir) {
		t.Errorf("empty cache: %v, %q, %v", d.Origin, note, err)
	}
	write := func(date string) {
		c := *emb
		c.Date = date
		var b bytes.Buffer
		if err := Encode(&b, &c); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, FileName), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("2000-01-01")
	if d, note, err := LoadCache(dir); err != nil || d.Origin != "embedded" || !strings.Contains(note, "older than the embedded") {
		t.Errorf("older cache: %v, %q, %v", d.Origin, note, err)
	}
	write("2999-01-01")
	if d, _, err := LoadCache(dir); err != nil || d.Origin != filepath.Join(dir, FileName) {
		t.Errorf("newer cache: %v, %v", d.Origin, err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte("{"), 0o644)
	if _, _, err := LoadCache(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("malformed cache: %v", err)
	}
}

func TestAgeAndNote(t *testing.T) {
	now := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	for date, want := range map[string]string{"2026-11-19": "12 days old", "2026-11-30": "1 day old", "2026-12-05": "dated in the future", "2026-13-01": "date unreadable"} {
		if got := Age(date, now); got != want {
			t.Errorf("Age(%s) = %q, want %q", date, got, want)
		}
	}
	for _, r := range []Reading{ReadKubernetes, ReadOpenShiftAPI, ReadKong} {
		if r.Note() == "" {
			t.Errorf("reading %q has no note", r)
		}
	}
	if n := Reading("plain").Note(); n != "" {
		t.Errorf("a plain reading has a note %q", n)
	}
}
