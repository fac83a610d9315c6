package ingest

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

// slowSink records Puts, fails the Put number failAt (1-based, 0 never)
// and is safe for the background goroutine.
type slowSink struct {
	mu     sync.Mutex
	puts   [][]uint16 // ports of each Put
	failAt int
}

func (s *slowSink) Put(_ context.Context, _ string, items []Item, _ *model.RawPage) (PutStats, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failAt > 0 && len(s.puts)+1 == s.failAt {
		return PutStats{}, errors.New("disk full")
	}
	var ports []uint16
	for _, it := range items {
		ports = append(ports, it.Obs.Port)
	}
	s.puts = append(s.puts, ports)
	return PutStats{NewServices: len(items), Observations: len(items)}, nil
}

func addAll(t *testing.T, p *Pipeline, n int) error {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		o := &model.Observation{Engine: model.Shodan, Addr: netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)}), Port: uint16(1000 + i), Transport: "tcp"}
		c := model.Classification{Product: "kubernetes-api", Auth: model.AuthRequired}
		o.Known = &c
		it, ok := p.Item(o)
		if !ok {
			t.Fatal("known classification not kept")
		}
		if err := p.AddItem(ctx, it); err != nil {
			return err
		}
	}
	return p.Flush(ctx)
}

// TestPipelineBackgroundSamePuts stores the same batches, in the same
// order, with and without Background, and counts the same.
func TestPipelineBackgroundSamePuts(t *testing.T) {
	sync1, bg := &slowSink{}, &slowSink{}
	p1 := &Pipeline{Sink: sync1, Snapshot: "x", BatchSize: 7}
	p2 := &Pipeline{Sink: bg, Snapshot: "x", BatchSize: 7, Background: true}
	if err := addAll(t, p1, 100); err != nil {
		t.Fatal(err)
	}
	if err := addAll(t, p2, 100); err != nil {
		t.Fatal(err)
	}
	if len(bg.puts) != 15 || !reflect.DeepEqual(sync1.puts, bg.puts) {
		t.Errorf("background puts %v\nsynchronous puts %v", bg.puts, sync1.puts)
	}
	if s1, s2 := p1.Stats(), p2.Stats(); s1 != s2 || s2.NewServices != 100 || s2.Matched != 100 {
		t.Errorf("stats %+v, synchronous %+v", s2, s1)
	}
	// Adding after a Flush starts again.
	if err := addAll(t, p2, 20); err != nil || len(bg.puts) != 18 || p2.Stats().NewServices != 120 {
		t.Errorf("after Flush: %v, %d puts, %+v", err, len(bg.puts), p2.Stats())
	}
}

// TestPipelineBackgroundError returns a background Put's error from a
// later AddItem or from Flush, and stores nothing after it.
func TestPipelineBackgroundError(t *testing.T) {
	sink := &slowSink{failAt: 3}
	p := &Pipeline{Sink: sink, Snapshot: "x", BatchSize: 5, Background: true}
	err := addAll(t, p, 100)
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("error %v, want disk full", err)
	}
	if len(sink.puts) != 2 {
		t.Errorf("%d puts stored, want the 2 before the failure", len(sink.puts))
	}
	if st := p.Stats(); st.NewServices != 10 {
		t.Errorf("stats %+v", st)
	}
}

// blockedSink holds every Put until release is closed (a writer stuck on a
// busy database), telling started when the first Put begins.
type blockedSink struct {
	started chan struct{}
	once    sync.Once
	release chan struct{}
}

func (s *blockedSink) Put(context.Context, string, []Item, *model.RawPage) (PutStats, error) {
	s.once.Do(func() { close(s.started) })
	<-s.release
	return PutStats{}, nil
}

// TestPipelineBackgroundCancel: an AddItem waiting for room in the
// writer's queue returns ctx's error when ctx ends, without waiting for
// the writer (issue 16: a signal must stop an import within a second).
func TestPipelineBackgroundCancel(t *testing.T) {
	sink := &blockedSink{started: make(chan struct{}), release: make(chan struct{})}
	defer close(sink.release)
	p := &Pipeline{Sink: sink, Snapshot: "x", BatchSize: 1, Background: true}
	ctx, cancel := context.WithCancel(context.Background())
	add := func() error {
		c := model.Classification{Product: "kubernetes-api", Auth: model.AuthRequired}
		it, _ := p.Item(&model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr("198.18.0.1"), Port: 443, Transport: "tcp", Known: &c})
		return p.AddItem(ctx, it)
	}
	if err := add(); err != nil { // taken by the writer, which blocks
		t.Fatal(err)
	}
	<-sink.started
	for range 2 { // fill the queue of two batches
		if err := add(); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := add(); !errors.Is(err, context.Canceled) {
		t.Errorf("AddItem with a full queue after cancel: %v, want context.Canceled", err)
	}
}

// commitSink is a Committer that logs its Puts and Commits.
type commitSink struct {
	slowSink
	log []string // "put" and "commit", in order
}

func (s *commitSink) Put(ctx context.Context, snapshot string, items []Item, page *model.RawPage) (PutStats, error) {
	st, err := s.slowSink.Put(ctx, snapshot, items, page)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.log = append(s.log, "put")
	}
	return st, err
}

func (s *commitSink) Commit(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, "commit")
	return nil
}

// TestPipelineCommits checks that a Committer sink is committed after
// the last Put of Flush, also when a Put failed, and after Page.
func TestPipelineCommits(t *testing.T) {
	for _, failAt := range []int{0, 3} {
		sink := &commitSink{slowSink: slowSink{failAt: failAt}}
		p := &Pipeline{Sink: sink, Snapshot: "x", BatchSize: 5, Background: true}
		err := addAll(t, p, 23)
		if (err != nil) != (failAt > 0) {
			t.Fatalf("failAt %d: %v", failAt, err)
		}
		if err != nil {
			p.Flush(context.Background()) // as callers do after an error
		}
		if n := len(sink.log); n == 0 || sink.log[n-1] != "commit" {
			t.Errorf("failAt %d: log %v, want a commit last", failAt, sink.log)
		}
		if puts := strings.Count(strings.Join(sink.log, " "), "put"); puts != len(sink.puts) || (failAt == 0 && puts != 5) || (failAt > 0 && puts != 2) {
			t.Errorf("failAt %d: %d puts logged, %d stored", failAt, puts, len(sink.puts))
		}
	}
	sink := &commitSink{}
	p := &Pipeline{Sink: sink, Snapshot: "x"}
	c := model.Classification{Product: "kubernetes-api", Auth: model.AuthRequired}
	obs := []model.Observation{{Engine: model.Shodan, Addr: netip.MustParseAddr("198.18.0.1"), Port: 443, Transport: "tcp", Known: &c}}
	if _, err := p.Page(context.Background(), &model.RawPage{Engine: model.Shodan, Page: 1}, obs); err != nil {
		t.Fatal(err)
	}
	if n := len(sink.log); n < 2 || !reflect.DeepEqual(sink.log[n-2:], []string{"put", "commit"}) {
		t.Errorf("Page: log %v, want its put then a commit last", sink.log)
	}
}
