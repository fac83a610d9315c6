package ingest

import (
	"context"
	"sync"
	"time"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

// Classifier names the product and auth status of an observation.
// ok is false when no catalog product matches.
type Classifier interface {
	Classify(o *model.Observation) (c model.Classification, ok bool)
}

// FamilyNamer is a Classifier that also names the family of a product
// (the catalog). The pipeline uses it to give a classification made
// earlier (orchex's export, re-imported) its product's family, which the
// store's host honeypot rule counts.
type FamilyNamer interface {
	FamilyOf(product string) string
}

// Tagger names the hosting provider and region of an observation's address.
type Tagger interface {
	Tag(o *model.Observation) model.CloudTag
}

// Item is one classified observation and the service it describes.
type Item struct {
	Obs     model.Observation
	Class   model.Classification
	Service model.Service

	// Fingerprint identifies the observation's content. A Preparer sink
	// sets it (and may then slim Obs); zero means not computed yet.
	Fingerprint [16]byte

	// Clamped says the observation was dated after the time it was
	// imported or collected (Pipeline.Until, the page's fetch time), and
	// its time was set to that time. Its Fingerprint is that of the
	// observation as dated, so importing the file again stores nothing.
	Clamped bool
}

// Preparer is a Sink that can do part of a Put's work early, on the
// goroutine that makes the item: with parallel import workers, on every
// core instead of the single writing goroutine. Prepare computes what the
// sink needs from the whole observation (its fingerprint) and may then
// drop the observation fields the sink no longer reads (HTTP body,
// certificate, banner text), so that batches waiting to be stored stay
// small. Prepare must be safe for concurrent use; Pipeline.Item calls it.
type Preparer interface {
	Prepare(it *Item)
}

// PutStats says what a Put changed.
type PutStats struct {
	NewServices    int // services the snapshot did not have
	MergedServices int // items merged into a service already there
	Observations   int // observations stored (duplicates of stored ones are not)
	Clamped        int // of those, observations whose time was clamped (Item.Clamped)
}

// add adds o's counts to s.
func (s *PutStats) add(o PutStats) {
	s.NewServices += o.NewServices
	s.MergedServices += o.MergedServices
	s.Observations += o.Observations
	s.Clamped += o.Clamped
}

// Sink stores items in a snapshot. Put must be atomic: the items and the
// raw page (nil for imports) are stored together or not at all, so a run
// killed at any moment and run again neither loses nor doubles anything.
// Storing an item whose observation is already stored changes nothing.
type Sink interface {
	Put(ctx context.Context, snapshot string, items []Item, page *model.RawPage) (PutStats, error)
}

// Committer is a Sink whose Puts may stay uncommitted, in one transaction,
// until Commit (store.Writer: fewer, larger transactions for a long
// import). The pipeline commits whenever its writer has no batch waiting
// (so that a slow input never leaves what was read uncommitted), after
// Page, and in Flush, also after an error.
type Committer interface {
	Sink
	Commit(ctx context.Context) error
}

// Stats counts what a pipeline has seen.
type Stats struct {
	Observations int // observations offered
	Matched      int // observations a catalog product matched
	Skipped      int // observations no product matched
	PutStats
}

// Pipeline classifies, tags and stores observations in batches.
type Pipeline struct {
	Classifier Classifier
	Tagger     Tagger
	Sink       Sink
	Snapshot   string
	BatchSize  int // items per Put when adding one by one; default 1000
	// Until is when the observations were imported: an observation dated
	// later (a banner timestamped in 9999) is clamped to it (Item.Clamped)
	// and counted in PutStats.Clamped. Zero checks nothing. Page uses the
	// page's fetch time instead.
	Until time.Time
	// Background, when true, stores the full batches of Add and AddItem
	// on a goroutine of its own, in order, while the caller goes on
	// classifying: storing and classifying then use two cores. At most
	// two full batches wait while another is stored (a queue deep enough
	// that the writer never starves while the workers catch up), so memory
	// stays bounded (about four batches). An error of a background Put is
	// returned by the next Add, AddItem or Flush. Flush waits for the
	// background Puts, so after Flush everything is stored (or the error
	// returned), as without Background. The order of Puts, hence the
	// snapshot, is the same either way. Call Flush at the end, also
	// after an error: it ends the goroutine.
	Background bool

	buf   []Item
	stats Stats
	bg    *background
}

// background is the goroutine storing full batches.
type background struct {
	batches chan []Item
	free    chan []Item   // batches stored, for reuse
	done    chan struct{} // closed when the goroutine ends
	mu      sync.Mutex
	err     error    // the first Put error
	stats   PutStats // what the background Puts stored
}

// Stats returns the counts so far (of the Puts done, with Background).
func (p *Pipeline) Stats() Stats {
	st := p.stats
	if b := p.bg; b != nil {
		b.mu.Lock()
		st.PutStats.add(b.stats)
		b.mu.Unlock()
	}
	return st
}

// Item classifies and tags one observation; ok is false when no product
// matched (the observation is then counted as skipped by Add and Page).
// An observation dated after p.Until is clamped to it (see Until).
func (p *Pipeline) Item(o *model.Observation) (Item, bool) { return p.item(o, p.Until) }

// item is Item with the time observations are clamped to.
func (p *Pipeline) item(o *model.Observation, until time.Time) (Item, bool) {
	var c model.Classification
	if o.Known != nil {
		c = *o.Known
		if f, ok := p.Classifier.(FamilyNamer); ok && c.Family == "" {
			c.Family = f.FamilyOf(c.Product)
		}
	} else {
		var ok bool
		if c, ok = p.Classifier.Classify(o); !ok {
			return Item{}, false
		}
	}
	var tag model.CloudTag
	if p.Tagger != nil {
		tag = p.Tagger.Tag(o)
	}
	// A tag carried from an earlier run (orchex's export) stays unless
	// the tagger's source ranks higher: an ASN guess must not erase a
	// region read from the official feeds when the export was made.
	if o.KnownCloud != nil && normalize.CloudRank(*o.KnownCloud) >= normalize.CloudRank(tag) {
		tag = *o.KnownCloud
	}
	if until.IsZero() || !o.SeenAt.After(until) {
		it := Item{Obs: *o, Class: c, Service: normalize.Service(o, c, tag)}
		if pr, ok := p.Sink.(Preparer); ok {
			pr.Prepare(&it)
		}
		return it, true
	}
	// Dated after it was imported or collected: the service takes the
	// clamped time, the fingerprint the time as dated.
	clamped := *o
	clamped.SeenAt = until
	it := Item{Obs: *o, Class: c, Service: normalize.Service(&clamped, c, tag), Clamped: true}
	if pr, ok := p.Sink.(Preparer); ok {
		pr.Prepare(&it)
	}
	it.Obs.SeenAt = until
	return it, true
}

// Add offers one observation; it is stored with the next full batch or at
// Flush.
func (p *Pipeline) Add(ctx context.Context, o *model.Observation) error {
	p.stats.Observations++
	it, ok := p.Item(o)
	if !ok {
		p.stats.Skipped++
		return nil
	}
	p.stats.Matched++
	p.buf = append(p.buf, it)
	return p.full(ctx)
}

// AddItem offers an item already classified (by parallel workers); it is
// stored with the next full batch or at Flush.
func (p *Pipeline) AddItem(ctx context.Context, it Item) error {
	p.stats.Observations++
	p.stats.Matched++
	p.buf = append(p.buf, it)
	return p.full(ctx)
}

// Skip counts an observation that parallel workers found no product for.
func (p *Pipeline) Skip() {
	p.stats.Observations++
	p.stats.Skipped++
}

// full stores the buffer when it holds a full batch.
func (p *Pipeline) full(ctx context.Context) error {
	size := p.BatchSize
	if size <= 0 {
		size = 1000
	}
	if len(p.buf) < size {
		return nil
	}
	if !p.Background {
		return p.Flush(ctx)
	}
	b := p.bg
	if b == nil {
		b = &background{batches: make(chan []Item, 2), free: make(chan []Item, 3), done: make(chan struct{})}
		p.bg = b
		go p.store(ctx, b)
	}
	b.mu.Lock()
	err := b.err
	b.mu.Unlock()
	if err != nil {
		return err
	}
	select {
	case b.batches <- p.buf:
	case <-b.done: // stopped on an error
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.err
	case <-ctx.Done(): // the writer is busy with a batch; do not wait for it
		return ctx.Err()
	}
	select {
	case p.buf = <-b.free:
	default:
		p.buf = make([]Item, 0, size)
	}
	return nil
}

// store is the background goroutine: it stores batches in order until
// the channel is closed or a Put fails.
func (p *Pipeline) store(ctx context.Context, b *background) {
	defer close(b.done)
	for items := range b.batches {
		st, err := p.Sink.Put(ctx, p.Snapshot, items, nil)
		b.mu.Lock()
		if err != nil {
			b.err = err
			b.mu.Unlock()
			return
		}
		b.stats.add(st)
		b.mu.Unlock()
		if len(b.batches) == 0 {
			// Nothing waits: the input is slower than the store, so
			// committing now costs no time, and nothing read stays
			// uncommitted while the input pauses.
			if err := p.commit(ctx); err != nil {
				b.mu.Lock()
				b.err = err
				b.mu.Unlock()
				return
			}
		}
		clear(items) // drop references to the stored observations
		select {
		case b.free <- items[:0]:
		default:
		}
	}
}

// wait ends the background goroutine, if any, after the batches sent to
// it are stored, and returns its error.
func (p *Pipeline) wait() error {
	b := p.bg
	if b == nil {
		return nil
	}
	close(b.batches)
	<-b.done
	p.bg = nil
	p.stats.PutStats.add(b.stats)
	return b.err
}

// Flush stores what is buffered; with Background it first waits for the
// batches being stored. A Committer sink is committed at the end, also
// after an error.
func (p *Pipeline) Flush(ctx context.Context) (err error) {
	defer func() {
		if cerr := p.commit(ctx); err == nil {
			err = cerr
		}
	}()
	if err := p.wait(); err != nil {
		return err
	}
	if len(p.buf) == 0 {
		return nil
	}
	st, err := p.Sink.Put(ctx, p.Snapshot, p.buf, nil)
	if err != nil {
		return err
	}
	p.stats.PutStats.add(st)
	p.buf = p.buf[:0]
	return nil
}

// commit commits a Committer sink, whatever ctx's state: what it commits
// was stored whole.
func (p *Pipeline) commit(ctx context.Context) error {
	if c, ok := p.Sink.(Committer); ok {
		return c.Commit(context.WithoutCancel(ctx))
	}
	return nil
}

// Page stores one fetched page and its observations atomically, after
// flushing anything buffered.
func (p *Pipeline) Page(ctx context.Context, raw *model.RawPage, obs []model.Observation) (Stats, error) {
	if err := p.Flush(ctx); err != nil {
		return Stats{}, err
	}
	var st Stats
	items := make([]Item, 0, len(obs))
	until := p.Until
	if raw != nil && !raw.FetchedAt.IsZero() {
		until = raw.FetchedAt
	}
	for i := range obs {
		st.Observations++
		it, ok := p.item(&obs[i], until)
		if !ok {
			st.Skipped++
			continue
		}
		st.Matched++
		items = append(items, it)
	}
	ps, err := p.Sink.Put(ctx, p.Snapshot, items, raw)
	if err == nil {
		err = p.commit(ctx)
	}
	if err != nil {
		return Stats{}, err
	}
	st.PutStats = ps
	p.stats.Observations += st.Observations
	p.stats.Matched += st.Matched
	p.stats.Skipped += st.Skipped
	p.stats.PutStats.add(ps)
	return st, nil
}
