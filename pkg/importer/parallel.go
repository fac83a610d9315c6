package importer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/sync/semaphore"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source/shodan"
)

// Chunking of the parallel banner path: a chunk is filled up to
// chunkRecords lines or chunkBytes bytes, whichever comes first. What the
// chunks between the reader and the merge hold is bounded in bytes, not in
// chunks (see budget), so that memory does not grow with the number of
// workers or cores, nor with the length of the lines.
const (
	chunkRecords    = 256
	chunkBytes      = 1 << 20
	chunksPerWorker = 6
	// maxChunks caps the chunks in circulation (a free chunk keeps a
	// buffer of about chunkBytes for reuse).
	maxChunks = 32
	// inFlight is the byte budget of the chunks read and not yet merged:
	// their lines, plus recordCost per record for what decoding and the
	// work function make of it.
	inFlight = 64 << 20
	// recordCost is what a decoded record is charged on top of its line:
	// an observation after the work function (in orchex import, an item
	// the store has slimmed to its key, classification and service, about
	// 1-2 KB).
	recordCost = 2 << 10
)

// MaxWorkers caps the decoding goroutines of [ImportParallel]: more gain
// nothing (the single writer bounds the import) and each costs a
// goroutine and chunk slots.
const MaxWorkers = 256

// budget is the byte budget of the chunks in flight for records of at most
// maxRecord bytes: inFlight, or room for two of the largest chunks (a
// chunk closes at chunkBytes, so it holds at most chunkBytes plus one
// record) when the record limit is raised above that.
func budget(maxRecord int) int64 {
	largest := int64(chunkBytes+maxRecord) + chunkRecords*recordCost
	return max(inFlight, 2*largest)
}

// ImportParallel is [Import] with the decoding of `shodan download`
// banners (NDJSON, the format of big files) spread over workers
// goroutines, and a per-observation work function run on those workers
// too (classification and cloud tagging, in orchex import).
//
// work is called concurrently, from up to workers goroutines, once per
// observation (o is only valid during the call); it must be safe for
// concurrent use. emit is called on the caller's goroutine with work's
// result for each observation, in file order: the sequence of emit calls,
// the Result and its errors are exactly those of Import with
// emit(work(o)), whatever the scheduling. A reader goroutine decompresses
// and splits lines into chunks; workers decode chunks; the caller merges
// them back in order.
//
// Memory is bounded whatever workers and the number of cores: workers is
// capped at MaxWorkers, and the lines read and not yet merged, with what
// they decode to, are held to a byte budget (64 MiB with the default
// record limit), so a file of 16 MiB lines holds a few of them at a time,
// not one per chunk.
//
// Other formats, workers <= 1 and opts.Strict (a check pass first) run
// serially with work and emit on the caller's goroutine.
func ImportParallel[T any](ctx context.Context, path string, opts Options, workers int,
	work func(*model.Observation) T, emit func(T) error) (Result, error) {
	serial := func(o *model.Observation) error { return emit(work(o)) }
	if workers <= 1 || opts.Strict || (opts.Engine != "" && opts.Engine != EngineShodan) {
		return Import(ctx, path, opts, serial)
	}
	workers = min(workers, MaxWorkers)
	if opts.MaxRecord <= 0 {
		opts.MaxRecord = model.MaxRecord
	}
	p := &parBanners[T]{workers: workers, work: work, emit: emit}
	return importRun(ctx, path, opts, serial, p)
}

// bannerLines takes over the reading of a banner NDJSON file after its
// first record (see run.ndjson).
type bannerLines interface {
	banners(r *run, br *bufio.Reader) error
}

// lineRec is one line of a chunk: a record in buf[start:end], or a line
// over the record size limit (tooLong).
type lineRec struct {
	line       int
	start, end int
	tooLong    bool
}

// decoded is a worker's result for one record.
type decoded[T any] struct {
	v   T
	err error // the decoder's error: the record is bad
}

// chunk is a run of lines, decoded by one worker.
type chunk[T any] struct {
	seq  int
	buf  []byte
	recs []lineRec
	out  []decoded[T]
	// end is set on the last chunk: io.EOF, the read error that broke
	// the stream at line endLine, or ctx's error.
	end     error
	endLine int
	cost    int64 // bytes charged to the in-flight budget: its buffer's capacity and its records
	spare   int64 // capacity of its buffer while it waits, free, as a spare
}

// parBanners is the parallel banner path of ImportParallel.
type parBanners[T any] struct {
	workers int
	work    func(*model.Observation) T
	emit    func(T) error

	// held is what the chunks handed on and not yet merged are charged,
	// peak the most it reached (tests read it).
	held, peak atomic.Int64
}

// charge adds n (negative to release) to the bytes held and keeps the peak.
func (p *parBanners[T]) charge(n int64) {
	h := p.held.Add(n)
	for {
		pk := p.peak.Load()
		if h <= pk || p.peak.CompareAndSwap(pk, h) {
			return
		}
	}
}

func (p *parBanners[T]) banners(r *run, br *bufio.Reader) error {
	ctx, cancel := context.WithCancel(r.ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // the reader must be done with br before Import hashes the rest
	defer cancel()

	n := min(p.workers*chunksPerWorker, maxChunks)
	limit := budget(r.opts.MaxRecord)
	sem := semaphore.NewWeighted(limit)
	var spare atomic.Int64 // capacity of the large buffers free chunks keep
	free := make(chan *chunk[T], n)
	for range n {
		free <- &chunk[T]{}
	}
	todo := make(chan *chunk[T], n)
	done := make(chan *chunk[T], n)

	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(todo)
		p.read(ctx, r.opts.MaxRecord, r.line, br, free, todo, sem, limit, &spare)
	}()
	var workers sync.WaitGroup
	for range p.workers {
		wg.Add(1)
		workers.Add(1)
		go func() {
			defer wg.Done()
			defer workers.Done()
			for c := range todo {
				p.decode(c)
				select {
				case done <- c:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { workers.Wait(); close(done) }()

	// Merge in file order.
	pending := make(map[int]*chunk[T], n)
	next := 0
	for {
		c, ok := pending[next]
		if !ok {
			select {
			case c, ok = <-done:
				if !ok {
					// Workers stopped without a last chunk: ctx ended.
					return r.ctx.Err()
				}
			case <-r.ctx.Done():
				return r.ctx.Err()
			}
			if c.seq != next {
				pending[c.seq] = c
				continue
			}
		} else {
			delete(pending, next)
		}
		next++
		err := p.merge(r, c)
		sem.Release(c.cost)
		p.charge(-c.cost)
		if err != nil {
			return err
		}
		if c.end != nil {
			if c.end == io.EOF {
				return nil
			}
			if err := ctx.Err(); err != nil && r.ctx.Err() != nil {
				return r.ctx.Err()
			}
			return r.broken(c.endLine, r.res.Read+1, r.breakReason(c.end), c.end)
		}
		if err := r.ctx.Err(); err != nil {
			return err
		}
		clear(c.out) // drop references to the merged values
		c.buf, c.recs, c.out, c.end, c.cost = c.buf[:0], c.recs[:0], c.out[:0], nil, 0
		if n := int64(cap(c.buf)); n > 2*chunkBytes {
			// It held a long line: keep the buffer for the next long
			// line only while the spare buffers stay under half the
			// budget (growing one again costs copies).
			if spare.Load()+n <= limit/2 {
				spare.Add(n)
				c.spare = n
			} else {
				c.buf = nil
			}
		}
		free <- c
	}
}

// read splits lines into chunks, as run.ndjson counts them, and charges
// each chunk to sem (of size limit) before handing it on: the capacity of
// its buffer and recordCost a record. The merge releases the charge.
func (p *parBanners[T]) read(ctx context.Context, max, line int, br *bufio.Reader, free, todo chan *chunk[T],
	sem *semaphore.Weighted, limit int64, spare *atomic.Int64) {
	for seq := 0; ; seq++ {
		var c *chunk[T]
		select {
		case c = <-free:
		case <-ctx.Done():
			return
		}
		spare.Add(-c.spare) // its buffer is in use again, and charged
		c.seq, c.spare = seq, 0
		for len(c.recs) < chunkRecords && len(c.buf) < chunkBytes {
			// Lines are read straight into the chunk's buffer.
			base := len(c.buf)
			out, tooLong, err := readLine(br, max, c.buf)
			if err != nil && err != io.EOF {
				// The stream broke: the partial line is not a record.
				c.end, c.endLine = err, line+1
				break
			}
			c.buf = out
			l := out[base:]
			if len(l) > 0 || tooLong || err == nil {
				line++
			}
			rec := bytes.TrimSpace(l)
			switch {
			case tooLong || len(rec) > max:
				c.buf = c.buf[:base]
				c.recs = append(c.recs, lineRec{line: line, tooLong: true})
			case len(rec) > 0:
				start := base + len(l) - len(bytes.TrimLeftFunc(l, unicode.IsSpace)) // where TrimSpace starts
				c.recs = append(c.recs, lineRec{line: line, start: start, end: start + len(rec)})
			default:
				c.buf = c.buf[:base]
			}
			if err == io.EOF {
				c.end = io.EOF
				break
			}
		}
		c.cost = min(int64(cap(c.buf))+int64(len(c.recs))*recordCost, limit)
		if err := sem.Acquire(ctx, c.cost); err != nil {
			return // ctx ended
		}
		p.charge(c.cost)
		if c.end == nil {
			if err := ctx.Err(); err != nil {
				c.end, c.endLine = err, line+1
			}
		}
		select {
		case todo <- c:
		case <-ctx.Done():
			return
		}
		if c.end != nil {
			return
		}
	}
}

// decode decodes the records of c and runs work on them.
func (p *parBanners[T]) decode(c *chunk[T]) {
	for _, l := range c.recs {
		var d decoded[T]
		if !l.tooLong {
			o, err := shodan.DecodeBanner(c.buf[l.start:l.end])
			if err != nil {
				d.err = err
			} else {
				d.v = p.work(&o)
			}
		}
		c.out = append(c.out, d)
	}
}

// merge accounts for the records of c in order and emits their values,
// as run.record does for one record.
func (p *parBanners[T]) merge(r *run, c *chunk[T]) error {
	for i, l := range c.recs {
		r.line = l.line
		r.res.Read++
		idx := r.res.Read
		if l.tooLong {
			if e := r.bad(l.line, idx, fmt.Sprintf("record is longer than the %d-byte limit", r.opts.MaxRecord), nil); e != nil {
				return e
			}
			continue
		}
		d := &c.out[i]
		if d.err != nil {
			if e := r.bad(l.line, idx, d.err.Error(), d.err); e != nil {
				return e
			}
			continue
		}
		if r.res.Engine == "" {
			r.res.Engine = EngineShodan
		}
		r.res.Kept++
		if err := p.emit(d.v); err != nil {
			return fmt.Errorf("import %s:%d: record %d: %w", r.res.File, l.line, idx, err)
		}
	}
	return nil
}
