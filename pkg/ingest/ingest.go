package ingest

import (
	"context"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/normalize"
)

// Classifier names the product and auth status of an observation.
// ok is false when no catalog product matches.
type Classifier interface {
	Classify(o *model.Observation) (c model.Classification, ok bool)
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
}

// PutStats says what a Put changed.
type PutStats struct {
	NewServices    int // services the snapshot did not have
	MergedServices int // items merged into a service already there
	Observations   int // observations stored (duplicates of stored ones are not)
}

// Sink stores items in a snapshot. Put must be atomic: the items and the
// raw page (nil for imports) are stored together or not at all, so a run
// killed at any moment and run again neither loses nor doubles anything.
// Storing an item whose observation is already stored changes nothing.
type Sink interface {
	Put(ctx context.Context, snapshot string, items []Item, page *model.RawPage) (PutStats, error)
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

	buf   []Item
	stats Stats
}

// Stats returns the counts so far.
func (p *Pipeline) Stats() Stats { return p.stats }

// Item classifies and tags one observation; ok is false when no product
// matched (the observation is then counted as skipped by Add and Page).
func (p *Pipeline) Item(o *model.Observation) (Item, bool) {
	var c model.Classification
	if o.Known != nil {
		c = *o.Known
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
	if o.KnownCloud != nil && tag.Provider == "" {
		tag = *o.KnownCloud
	}
	return Item{Obs: *o, Class: c, Service: normalize.Service(o, c, tag)}, true
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
	size := p.BatchSize
	if size <= 0 {
		size = 1000
	}
	if len(p.buf) >= size {
		return p.Flush(ctx)
	}
	return nil
}

// AddItem offers an item already classified (by parallel workers); it is
// stored with the next full batch or at Flush.
func (p *Pipeline) AddItem(ctx context.Context, it Item) error {
	p.stats.Observations++
	p.stats.Matched++
	p.buf = append(p.buf, it)
	size := p.BatchSize
	if size <= 0 {
		size = 1000
	}
	if len(p.buf) >= size {
		return p.Flush(ctx)
	}
	return nil
}

// Skip counts an observation that parallel workers found no product for.
func (p *Pipeline) Skip() {
	p.stats.Observations++
	p.stats.Skipped++
}

// Flush stores what is buffered.
func (p *Pipeline) Flush(ctx context.Context) error {
	if len(p.buf) == 0 {
		return nil
	}
	st, err := p.Sink.Put(ctx, p.Snapshot, p.buf, nil)
	if err != nil {
		return err
	}
	p.add(st)
	p.buf = p.buf[:0]
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
	for i := range obs {
		st.Observations++
		it, ok := p.Item(&obs[i])
		if !ok {
			st.Skipped++
			continue
		}
		st.Matched++
		items = append(items, it)
	}
	ps, err := p.Sink.Put(ctx, p.Snapshot, items, raw)
	if err != nil {
		return Stats{}, err
	}
	st.PutStats = ps
	p.stats.Observations += st.Observations
	p.stats.Matched += st.Matched
	p.stats.Skipped += st.Skipped
	p.add(ps)
	return st, nil
}

func (p *Pipeline) add(st PutStats) {
	p.stats.NewServices += st.NewServices
	p.stats.MergedServices += st.MergedServices
	p.stats.PutStats.Observations += st.Observations
}
