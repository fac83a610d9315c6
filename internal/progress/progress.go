package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Mode says how progress is shown.
type Mode int

// The modes.
const (
	Off   Mode = iota // nothing (--quiet)
	Plain             // a line every Interval (not a terminal)
	Live              // one line redrawn in place (a terminal)
)

// Options configure a Meter.
type Options struct {
	Mode  Mode
	Label string // what is measured: "import k8s.json.gz"
	// Unit of done and total: "bytes" (shown as MB, GB), or a count noun
	// such as "pages".
	Unit string
	// Total is the amount to do, when known at the start (0: unknown).
	Total int64
	// Interval between plain lines; 0 means 10 s. Ticks, when set,
	// replaces the ticker (tests send on it).
	Interval time.Duration
	Ticks    <-chan time.Time
	// Now is the clock of the rate and ETA of plain lines; nil is
	// time.Now.
	Now func() time.Time
	// Color draws the live bar in colour (off with NO_COLOR).
	Color bool
	// Redraw is the least time between redraws of the live line; 0 means
	// 100 ms, a negative value redraws at every update.
	Redraw time.Duration
}

// Meter is the progress of one task. Its methods are safe for concurrent
// use.
type Meter struct {
	o     Options
	w     io.Writer
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	done  int64
	total int64 // 0: unknown
	info  string
	start time.Time
	stop  chan struct{}
	wg    sync.WaitGroup
}

// Start starts a meter writing to w.
func Start(w io.Writer, o Options) *Meter {
	if o.Interval <= 0 {
		o.Interval = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Redraw == 0 {
		o.Redraw = 100 * time.Millisecond
	}
	m := &Meter{o: o, w: w, start: o.Now(), stop: make(chan struct{}), total: o.Total}
	switch o.Mode {
	case Live:
		limit := o.Total
		if limit <= 0 {
			limit = -1 // unknown: a spinner
		}
		m.bar = m.newBar(limit)
	case Plain:
		ticks := o.Ticks
		var t *time.Ticker
		if ticks == nil {
			t = time.NewTicker(o.Interval)
			ticks = t.C
		}
		m.wg.Add(1)
		go func() {
			defer m.wg.Done()
			if t != nil {
				defer t.Stop()
			}
			for {
				select {
				case <-m.stop:
					return
				case <-ticks:
					m.mu.Lock()
					fmt.Fprintln(m.w, m.line())
					m.mu.Unlock()
				}
			}
		}()
	}
	return m
}

func (m *Meter) newBar(limit int64) *progressbar.ProgressBar {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(m.w),
		progressbar.OptionSetDescription(m.o.Label),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(max(m.o.Redraw, 0)),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionEnableColorCodes(m.o.Color),
	}
	if m.o.Unit == "bytes" {
		opts = append(opts, progressbar.OptionShowBytes(true), progressbar.OptionShowTotalBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(m.o.Unit))
	}
	if m.o.Color {
		opts = append(opts, progressbar.OptionSetTheme(progressbar.Theme{Saucer: "[green]=[reset]", SaucerHead: "[green]>[reset]",
			SaucerPadding: " ", BarStart: "[", BarEnd: "]"}))
	}
	return progressbar.NewOptions64(limit, opts...)
}

// Update sets how much is done of total (0: unknown) and the detail
// shown after the label ("1,200,000 records").
func (m *Meter) Update(done, total int64, info string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done, m.info = done, info
	if m.bar == nil {
		m.total = total
		return
	}
	if total != m.total {
		m.total = total
		if total > 0 {
			m.bar.ChangeMax64(total)
		} else {
			m.bar.ChangeMax64(-1)
		}
	}
	m.bar.Describe(m.label())
	_ = m.bar.Set64(done)
}

// Printf prints a line (a warning, a retry) without tearing the live
// line; Off meters print it too.
func (m *Meter) Printf(format string, args ...any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bar != nil {
		_ = m.bar.Clear()
	}
	fmt.Fprintf(m.w, format+"\n", args...)
	if m.bar != nil {
		_ = m.bar.RenderBlank()
	}
}

// Stop ends the meter: the live line is erased, plain lines stop. It may
// be called more than once, and on a nil Meter (none started yet).
func (m *Meter) Stop() {
	if m == nil {
		return
	}
	m.mu.Lock()
	if m.bar != nil {
		_ = m.bar.Clear()
		_ = m.bar.Exit()
		m.bar = nil
	}
	m.mu.Unlock()
	select {
	case <-m.stop:
	default:
		close(m.stop)
	}
	m.wg.Wait()
}

func (m *Meter) label() string {
	if m.info == "" {
		return m.o.Label
	}
	return m.o.Label + ": " + m.info
}

// line is a plain progress line: "import a.json: 120,000 records; 1.2 GB
// of 3.4 GB (35%), 40 MB/s, ETA 1m0s". m.mu is held.
func (m *Meter) line() string {
	var b strings.Builder
	b.WriteString(m.label())
	b.WriteString("; ")
	b.WriteString(m.amount(m.done))
	if m.total > 0 {
		fmt.Fprintf(&b, " of %s (%d%%)", m.amount(m.total), m.done*100/m.total)
	}
	el := m.o.Now().Sub(m.start)
	if el > 0 && m.done > 0 {
		rate := float64(m.done) / el.Seconds()
		fmt.Fprintf(&b, ", %s/s", m.amount(int64(rate)))
		if m.total > m.done {
			eta := time.Duration(float64(m.total-m.done) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", ETA %s", eta.Round(time.Second))
		}
	}
	return b.String()
}

func (m *Meter) amount(n int64) string {
	if m.o.Unit == "bytes" {
		return humanize.Bytes(uint64(n))
	}
	return humanize.Comma(n) + " " + m.o.Unit
}

// For returns o with the mode that suits a meter written to w: Live on a
// terminal, in colour unless getenv says NO_COLOR is set or TERM is dumb;
// Plain elsewhere (a pipe, a file, a log); Off when quiet.
func (o Options) For(w io.Writer, getenv func(string) string, quiet bool) Options {
	o.Mode, o.Color = Plain, false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.Mode = Live
		o.Color = getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	}
	if quiet {
		o.Mode = Off
	}
	return o
}
