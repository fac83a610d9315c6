package tour

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/demo"
	"github.com/orchex/orchex/pkg/eol"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/report/render"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/all"
	"github.com/orchex/orchex/pkg/store"
)

// Snapshot is the snapshot the demo collects into.
const Snapshot = "demo"

// Title is the title of the demo's reports.
const Title = "orchex demo: simulated exposure of orchestration panels"

// Config is one demo.
type Config struct {
	Seed int64
	Size int // exposed services in the population
	// Rate is the requests per second the simulated APIs allow.
	Rate float64
	// Out is the output directory: reports, ranges/, demo.db, briefs/.
	Out string
	// NoPDF skips the PDF report and briefings.
	NoPDF   bool
	Catalog *catalog.Catalog
	// Sleep waits between retries; nil sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Collect runs one collection into the demo's database; nil runs
	// collect.Run. A caller passes its own to show progress.
	Collect func(ctx context.Context, cfg collect.Config) error
	// Create writes the file at path (under Out) through write, replacing
	// any previous one whole.
	Create func(path string, write func(io.Writer) error) error
	// Events receives what happens, one call at a time; nil discards it.
	Events func(Event)
}

// Event is something a tour reports: one of the types below.
type Event interface{ event() }

// Serving says the population is served: its truth and the simulated
// APIs' URLs.
type Serving struct {
	Truth          demo.Truth
	Shodan, Censys string
}

// EarlierServing says the quarter before is served for the example
// scopes' collection.
type EarlierServing struct {
	Services       int
	Shodan, Censys string
}

// Warning is an engine adapter's notice.
type Warning struct{ Text string }

// Wrote says a report file was written.
type Wrote struct{ Path string }

// MethodDiffers says the briefings compare snapshots made differently.
type MethodDiffers struct {
	Since, Label string
	Differences  []compare.Difference
}

// Briefed says the briefings were written to Dir.
type Briefed struct {
	Label, Dir string
	Written    brief.Written
	Took       time.Duration
}

func (Serving) event()        {}
func (EarlierServing) event() {}
func (Warning) event()        {}
func (Wrote) event()          {}
func (MethodDiffers) event()  {}
func (Briefed) event()        {}

// Tour is an open demo: the population served on loopback, its range
// feeds written.
type Tour struct {
	World  *demo.World
	Ranges string // the range feeds' directory, OUT/ranges
	cfg    Config
}

// Open creates the output directory, starts the simulated APIs and
// writes the range feeds. Close stops the APIs.
func Open(cfg Config) (*Tour, error) {
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	t := &Tour{World: demo.NewWorld(demo.Config{Seed: cfg.Seed, Size: cfg.Size}, cfg.Catalog, cfg.Rate),
		Ranges: filepath.Join(cfg.Out, "ranges"), cfg: cfg}
	if err := t.World.Pop.WriteRanges(t.Ranges); err != nil {
		t.Close()
		return nil, err
	}
	t.emit(Serving{Truth: t.World.Pop.Truth(), Shodan: t.World.Shodan.URL(), Censys: t.World.Censys.URL()})
	return t, nil
}

// Close stops the simulated APIs.
func (t *Tour) Close() { t.World.Close() }

func (t *Tour) emit(e Event) {
	if t.cfg.Events != nil {
		t.cfg.Events(e)
	}
}

// Run collects the population into a new OUT/demo.db (an old one is
// removed), writes the reports, then the example scopes' briefings, and
// returns the report's view.
func (t *Tour) Run(ctx context.Context) (*report.View, error) {
	db := filepath.Join(t.cfg.Out, "demo.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(db + suffix); err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("demo: remove old %s: %w", db+suffix, err)
		}
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	r, feeds, err := t.ranges()
	if err != nil {
		return nil, err
	}
	cfg := collect.Config{Store: st, Snapshot: Snapshot, Tagger: cloud.NewTagger(r), Feeds: feeds}
	if err := t.collect(ctx, t.World, cfg); err != nil {
		return nil, fmt.Errorf("demo: collect against the simulated APIs: %w", err)
	}
	support, err := eol.Embedded() // the samples must not depend on a cache
	if err != nil {
		return nil, err
	}
	v, err := assemble.View(ctx, st, t.cfg.Catalog, Snapshot, assemble.Options{Title: Title, Support: support})
	if err != nil {
		return nil, err
	}
	if err := t.writeReports(v); err != nil {
		return nil, err
	}
	if err := t.writeBriefs(ctx, st, r, feeds); err != nil {
		return nil, err
	}
	return v, nil
}

// ranges loads the demo's range feeds, and returns them with the feeds
// for the method.
func (t *Tour) ranges() (*cloud.Ranges, []store.FeedMeta, error) {
	r, err := cloud.LoadDir(t.Ranges)
	if err != nil {
		return nil, nil, fmt.Errorf("demo: %s: %w", t.Ranges, err)
	}
	var feeds []store.FeedMeta
	for _, f := range r.Info() {
		feeds = append(feeds, store.FeedMeta{Provider: f.Provider, Date: f.Date, Token: f.Token, Prefixes: f.Prefixes4 + f.Prefixes6})
	}
	return r, feeds, nil
}

// collect runs the real collection cfg against w's simulated APIs, with
// the demo's credentials and w's clock (the same demo gives the same
// report), never the user's key files.
func (t *Tour) collect(ctx context.Context, w *demo.World, cfg collect.Config) error {
	at := w.Pop.Config.At
	now := func() time.Time { return at }
	engines, err := w.Engines(all.Engines(), t.cfg.Rate, source.Deps{HTTPClient: &http.Client{Timeout: time.Minute}, Now: now, Sleep: t.cfg.Sleep,
		Warn: func(msg string) { t.emit(Warning{Text: msg}) }})
	if err != nil {
		return err
	}
	cfg.Engines, cfg.Catalog, cfg.Sleep, cfg.Now = engines, t.cfg.Catalog, t.cfg.Sleep, now
	if t.cfg.Collect != nil {
		return t.cfg.Collect(ctx, cfg)
	}
	_, err = collect.Run(ctx, cfg)
	return err
}

func (t *Tour) writeReports(v *report.View) error {
	for _, f := range []render.Format{render.Markdown, render.JSON, render.HTML, render.PDF} {
		if f == render.PDF && t.cfg.NoPDF {
			continue
		}
		path := filepath.Join(t.cfg.Out, "report."+string(f))
		if err := t.cfg.Create(path, func(w io.Writer) error { return render.View(w, f, v, "", "") }); err != nil {
			return err
		}
		t.emit(Wrote{Path: path})
	}
	return nil
}

// The String methods of the events say what happened in a line. They hold
// URLs, paths and engine text: escape them.

func (e Serving) String() string {
	return fmt.Sprintf("demo: %s services on %s hosts (%s open), served by simulated Shodan at %s and Censys at %s",
		report.Num(e.Truth.Services), report.Num(e.Truth.Hosts), report.Num(e.Truth.Open), e.Shodan, e.Censys)
}

func (e EarlierServing) String() string {
	return fmt.Sprintf("demo: the quarter before: %d services of the example scopes, served at %s and %s", e.Services, e.Shodan, e.Censys)
}

func (e Warning) String() string { return e.Text }

func (e Wrote) String() string { return "wrote " + filepath.Clean(e.Path) }

func (e MethodDiffers) String() string {
	return "warning: " + compare.Warning(e.Since, e.Label, e.Differences)
}

// Headline is the demo's headline figures as lines of text between two
// rules: services and hosts, unauthenticated services, Kubernetes, AWS.
func Headline(v *report.View) string {
	h := v.Headline
	rule := strings.Repeat("-", 60) + "\n"
	return rule +
		fmt.Sprintf("Exposed services      %8s on %s hosts\n", report.Num(h.Services), report.Num(h.Hosts)) +
		fmt.Sprintf("No authentication     %8s (%s)\n", report.Num(h.Open), report.Pct(h.OpenShare)) +
		fmt.Sprintf("Kubernetes open       %8s\n", report.Num(h.KubernetesOpen)) +
		fmt.Sprintf("Kubernetes share      %8s\n", report.Pct(h.KubernetesShare)) +
		fmt.Sprintf("On AWS                %8s\n", report.Pct(h.AWSShare)) +
		fmt.Sprintf("AWS in US regions     %8s\n", report.Pct(h.AWSUSShare)) +
		rule
}
