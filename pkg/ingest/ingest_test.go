package ingest

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

type portClassifier struct{}

// Classify recognises port 6443 only.
func (portClassifier) Classify(o *model.Observation) (model.Classification, bool) {
	if o.Port != 6443 {
		return model.Classification{}, false
	}
	return model.Classification{Product: "kubernetes-api", Auth: model.AuthRequired, AuthEvidence: "403"}, true
}

type fixedTagger struct{}

func (fixedTagger) Tag(*model.Observation) model.CloudTag {
	return model.CloudTag{Provider: "aws", Region: "us-east-1", Source: "ranges:aws@2026-08-22"}
}

type memSink struct {
	puts  [][]Item
	pages []*model.RawPage
	fail  bool
}

func (m *memSink) Put(_ context.Context, _ string, items []Item, page *model.RawPage) (PutStats, error) {
	if m.fail {
		return PutStats{}, errors.New("disk full")
	}
	m.puts = append(m.puts, append([]Item(nil), items...))
	m.pages = append(m.pages, page)
	return PutStats{NewServices: len(items), Observations: len(items)}, nil
}

func obs(port uint16) *model.Observation {
	return &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr("198.18.0.9"), Port: port, Transport: "tcp"}
}

func TestPipelineBatchesAndSkips(t *testing.T) {
	sink := &memSink{}
	p := &Pipeline{Classifier: portClassifier{}, Tagger: fixedTagger{}, Sink: sink, Snapshot: "2026Q4", BatchSize: 2}
	ctx := context.Background()
	for _, port := range []uint16{6443, 80, 6443, 6443} {
		if err := p.Add(ctx, obs(port)); err != nil {
			t.Fatal(err)
		}
	}
	if len(sink.puts) != 1 || len(sink.puts[0]) != 2 {
		t.Fatalf("puts %d, want one full batch of 2 before Flush", len(sink.puts))
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	if st.Observations != 4 || st.Matched != 3 || st.Skipped != 1 || st.NewServices != 3 {
		t.Errorf("stats %+v", st)
	}
	it := sink.puts[0][0]
	if it.Service.Cloud.Provider != "aws" || it.Service.Product != "kubernetes-api" || it.Service.Auth != model.AuthRequired {
		t.Errorf("item %+v", it.Service)
	}
}

func TestPipelinePageIsOnePut(t *testing.T) {
	sink := &memSink{}
	p := &Pipeline{Classifier: portClassifier{}, Sink: sink, Snapshot: "2026Q4"}
	raw := &model.RawPage{Engine: model.Shodan, QueryID: "q", Page: 3}
	st, err := p.Page(context.Background(), raw, []model.Observation{*obs(6443), *obs(22)})
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.puts) != 1 || sink.pages[0] != raw || len(sink.puts[0]) != 1 {
		t.Fatalf("a page must be stored with its items in one Put: %d puts", len(sink.puts))
	}
	if st.Skipped != 1 || st.Matched != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestPipelineKnownClassificationKept(t *testing.T) {
	sink := &memSink{}
	p := &Pipeline{Classifier: portClassifier{}, Sink: sink, Snapshot: "x", BatchSize: 1}
	o := obs(80) // the classifier would skip it
	o.Known = &model.Classification{Product: "swagger-ui", Auth: model.AuthUnknown}
	o.KnownCloud = &model.CloudTag{Provider: "gcp", Source: "ranges:gcp"}
	if err := p.Add(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if len(sink.puts) != 1 || sink.puts[0][0].Service.Product != "swagger-ui" || sink.puts[0][0].Service.Cloud.Provider != "gcp" {
		t.Fatalf("export classification not kept: %+v", sink.puts)
	}
}

// tagFunc is a Tagger answering with a function.
type tagFunc func(*model.Observation) model.CloudTag

func (f tagFunc) Tag(o *model.Observation) model.CloudTag { return f(o) }

// TestPipelineKnownCloudRank checks that a cloud tag carried by an export
// is replaced only by a tag of a better source: an ASN guess without a
// region must not erase a region that an official feed gave.
func TestPipelineKnownCloudRank(t *testing.T) {
	feed := model.CloudTag{Provider: "aws", Region: "us-east-1", Service: "EC2", Source: "ranges:aws@2026-08-22"}
	engine := model.CloudTag{Provider: "aws", Region: "us-west-2", Source: "engine:shodan"}
	asn := model.CloudTag{Provider: "aws", Source: "asn:16509"}
	newerFeed := model.CloudTag{Provider: "aws", Region: "us-east-2", Source: "ranges:aws@2026-11-01"}
	tests := []struct {
		name       string
		known, tag model.CloudTag
		want       model.CloudTag
	}{
		{"asn does not replace a feed's region", feed, asn, feed},
		{"asn does not replace the engine's tag", engine, asn, engine},
		{"untagged keeps the export's tag", feed, model.CloudTag{}, feed},
		{"a feed replaces the engine's tag", engine, feed, feed},
		{"a feed replaces an asn tag", asn, feed, feed},
		{"on a tie the export's tag stays", feed, newerFeed, feed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Pipeline{Classifier: portClassifier{}, Tagger: tagFunc(func(*model.Observation) model.CloudTag { return tt.tag }), Sink: &memSink{}, Snapshot: "x"}
			o := obs(6443)
			o.Known = &model.Classification{Product: "kubernetes-api", Auth: model.AuthOpen}
			o.KnownCloud = &tt.known
			o.KnownConflict = true
			it, ok := p.Item(o)
			if !ok {
				t.Fatal("known classification skipped")
			}
			if it.Service.Cloud != tt.want {
				t.Errorf("cloud %+v, want %+v", it.Service.Cloud, tt.want)
			}
			if !it.Service.AuthConflict {
				t.Error("the export's auth conflict was dropped")
			}
		})
	}
}

func TestPipelineSinkErrorReturned(t *testing.T) {
	p := &Pipeline{Classifier: portClassifier{}, Sink: &memSink{fail: true}, Snapshot: "x", BatchSize: 1}
	if err := p.Add(context.Background(), obs(6443)); err == nil {
		t.Fatal("a failing sink must fail Add")
	}
}

// prepSink is a memSink that prepares items: it marks them and drops
// the banner, as the store drops what it does not store.
type prepSink struct{ memSink }

func (*prepSink) Prepare(it *Item) {
	it.Fingerprint[0] = byte(it.Obs.Port)
	it.Obs.Banner = ""
}

func TestPipelineItemPrepares(t *testing.T) {
	sink := &prepSink{}
	p := &Pipeline{Classifier: portClassifier{}, Sink: sink, Snapshot: "2026Q4"}
	o := obs(6443)
	o.Banner = "HTTP/1.1 403 Forbidden"
	it, ok := p.Item(o)
	if !ok || it.Fingerprint[0] != byte(6443&0xff) || it.Obs.Banner != "" {
		t.Errorf("item not prepared by the sink: %+v", it)
	}
	if o.Banner == "" {
		t.Error("Prepare changed the caller's observation")
	}
	if err := p.Add(context.Background(), o); err != nil || p.Flush(context.Background()) != nil {
		t.Fatal(err)
	}
	if got := sink.puts[0][0]; got.Fingerprint[0] != byte(6443&0xff) {
		t.Errorf("Add stored an unprepared item: %+v", got)
	}
}

// fpSink is a Preparer that fingerprints an observation by its time, the
// way the store's fingerprint covers it.
type fpSink struct{ memSink }

func (*fpSink) Prepare(it *Item) { it.Fingerprint[0] = byte(it.Obs.SeenAt.Year() % 256) }

// TestPipelineClampsFutureTimes: an observation dated after it was
// imported (Until) or collected (the page's fetch time) is clamped to
// that time and flagged; its fingerprint is that of the observation as
// dated, so importing it again, later, finds it stored.
func TestPipelineClampsFutureTimes(t *testing.T) {
	until := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	future := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	past := until.Add(-time.Hour)
	sink := &fpSink{}
	p := &Pipeline{Classifier: portClassifier{}, Sink: sink, Snapshot: "2026Q4", Until: until}
	o := obs(6443)
	o.SeenAt = future
	it, ok := p.Item(o)
	if !ok || !it.Clamped || !it.Obs.SeenAt.Equal(until) || !it.Service.LastSeen.Equal(until) || !it.Service.FirstSeen.Equal(until) ||
		it.Fingerprint[0] != byte(9999%256) {
		t.Errorf("item %+v; want clamped to %v with the fingerprint of the time as dated", it, until)
	}
	if !o.SeenAt.Equal(future) {
		t.Error("Item changed the caller's observation")
	}
	o.SeenAt = past
	if it, _ := p.Item(o); it.Clamped || !it.Obs.SeenAt.Equal(past) {
		t.Errorf("an observation from before the import was clamped: %+v", it)
	}
	// A collected page is clamped to its fetch time.
	fetched := until.Add(-24 * time.Hour)
	page := []model.Observation{*obs(6443), *obs(6443)}
	page[0].SeenAt, page[1].SeenAt = future, past.Add(-48*time.Hour)
	if _, err := p.Page(context.Background(), &model.RawPage{Engine: model.Shodan, Page: 1, FetchedAt: fetched}, page); err != nil {
		t.Fatal(err)
	}
	got := sink.puts[len(sink.puts)-1]
	if !got[0].Clamped || !got[0].Obs.SeenAt.Equal(fetched) || got[1].Clamped {
		t.Errorf("page items %+v; want the first clamped to the fetch time %v", got, fetched)
	}
}
