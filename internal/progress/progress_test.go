package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the meter's ticker goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPlainLines: without a terminal, one line per tick with done, total,
// share, rate and ETA from the injected clock; nothing between ticks.
func TestPlainLines(t *testing.T) {
	var out syncBuffer
	ticks := make(chan time.Time)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := now
	var mu sync.Mutex
	m := Start(&out, Options{Mode: Plain, Label: "import a.json", Unit: "bytes", Ticks: ticks,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }})
	m.Update(50_000_000, 200_000_000, "120,000 records")
	if out.String() != "" {
		t.Fatalf("a line before the first tick: %q", out.String())
	}
	mu.Lock()
	clock = now.Add(10 * time.Second)
	mu.Unlock()
	ticks <- clock
	m.Printf("warning: %s", "x") // Printf takes the same lock: the tick's line is written first
	m.Stop()
	want := "import a.json: 120,000 records; 50 MB of 200 MB (25%), 5.0 MB/s, ETA 30s\nwarning: x\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
	var counted syncBuffer
	m = Start(&counted, Options{Mode: Plain, Label: "collect", Unit: "pages", Ticks: ticks, Now: func() time.Time { return now }})
	m.Update(3, 0, "")
	ticks <- now
	m.Stop()
	if got := counted.String(); got != "collect; 3 pages\n" {
		t.Errorf("unknown total, no time elapsed: %q", got)
	}
}

// TestOffPrintsOnlyLines: --quiet shows no progress.
func TestOffPrintsOnlyLines(t *testing.T) {
	var out syncBuffer
	m := Start(&out, Options{Mode: Off, Label: "x", Unit: "pages"})
	m.Update(1, 2, "y")
	m.Stop()
	if out.String() != "" {
		t.Errorf("off meter wrote %q", out.String())
	}
}

// TestLiveLine: on a terminal one line redrawn with carriage returns, in
// colour only when asked (NO_COLOR turns it off), erased at the end.
func TestLiveLine(t *testing.T) {
	for _, color := range []bool{false, true} {
		var out syncBuffer
		m := Start(&out, Options{Mode: Live, Label: "collect", Unit: "pages", Color: color, Redraw: -1})
		m.Update(5, 10, "shodan k8s 5/10")
		m.Printf("shodan: retry 1")
		m.Update(10, 10, "shodan k8s 10/10")
		m.Stop()
		s := out.String()
		if !strings.Contains(s, "\r") || !strings.Contains(s, "collect: shodan k8s") || !strings.Contains(s, "shodan: retry 1\n") {
			t.Errorf("color %v: %q", color, s)
		}
		if strings.Count(s, "\n") != 1 {
			t.Errorf("color %v: the live line scrolled: %q", color, s)
		}
		if got := strings.Contains(s, "\x1b[32m"); got != color {
			t.Errorf("color %v: green escape present %v: %q", color, got, s)
		}
	}
}

// TestStopNil: stopping a meter that was never started does nothing.
func TestStopNil(t *testing.T) {
	var m *Meter
	m.Stop()
}

// TestFor: a buffer is not a terminal: plain lines, no colour; quiet is
// no meter at all.
func TestFor(t *testing.T) {
	env := func(string) string { return "" }
	var b bytes.Buffer
	if o := (Options{Label: "x"}).For(&b, env, false); o.Mode != Plain || o.Color || o.Label != "x" {
		t.Errorf("buffer: %+v", o)
	}
	if o := (Options{}).For(&b, env, true); o.Mode != Off {
		t.Errorf("quiet: %+v", o)
	}
}
