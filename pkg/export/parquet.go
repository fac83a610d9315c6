package export

import (
	"fmt"
	"io"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// Row groups: a Parquet writer flushes the row group it is building when it
// holds RowGroupRows rows or when its buffered data reaches RowGroupBytes,
// whichever comes first. Buffered data is the row group's pages, already
// compressed, plus the values not yet paged (at most 256 KiB per column). 131,072 rows is close to DuckDB's own row groups
// (122,880) and gives a reader several row groups to scan in parallel from
// a few hundred thousand services; the byte bound keeps memory flat
// whatever the rows hold (a service row is a few hundred bytes, so it
// binds only on rows of unusually long strings).
const (
	RowGroupRows  = 128 << 10
	RowGroupBytes = 64 << 20
)

// limits bound a row group: rows, and bytes buffered (pages already
// compressed plus values not yet paged).
type limits struct{ rows, bytes int64 }

// writeBatch is the number of rows handed to the Parquet writer at once.
const writeBatch = 1024

// CreatedBy is the "created_by" field of every Parquet file the package
// writes. It is pinned (parquet-go would write its own version and build
// hash), so that the same snapshot gives the same bytes.
const CreatedBy = "orchex export"

// parquetWriter writes rows of type T to a zstd-compressed Parquet file.
type parquetWriter[T any] struct {
	w     *parquet.GenericWriter[T]
	lim   limits
	buf   []T
	group int64 // rows in the row group being built
	start int64 // bytes written before the row group being built
	stats Stats
}

// newParquetWriter returns a writer of T rows to w. kind ("services",
// "observations") and m's label and catalog version are written to the
// file's key-value metadata beside the schema version.
func newParquetWriter[T any](w io.Writer, m Meta, kind string, lim limits) *parquetWriter[T] {
	pw := parquet.NewGenericWriter[T](w,
		&parquet.WriterConfig{CreatedBy: CreatedBy},
		parquet.Compression(&parquet.Zstd),
		parquet.DataPageVersion(1), // v2 data pages are not read by every engine
		parquet.KeyValueMetadata("orchex.schema_version", strconv.Itoa(SchemaVersion)),
		parquet.KeyValueMetadata("orchex.rows", kind),
		parquet.KeyValueMetadata("orchex.snapshot", m.Snapshot),
		parquet.KeyValueMetadata("orchex.catalog_version", m.CatalogVersion),
	)
	return &parquetWriter[T]{w: pw, lim: lim, buf: make([]T, 0, writeBatch)}
}

func (p *parquetWriter[T]) write(r *T) error {
	p.buf = append(p.buf, *r)
	if len(p.buf) < cap(p.buf) && p.group+int64(len(p.buf)) < p.lim.rows {
		return nil
	}
	return p.drain()
}

// drain hands the buffered rows to the writer and ends the row group when
// it is full.
func (p *parquetWriter[T]) drain() error {
	if len(p.buf) == 0 {
		return nil
	}
	n, err := p.w.Write(p.buf)
	p.stats.Rows += n
	p.group += int64(n)
	clear(p.buf) // drop the strings for the collector
	p.buf = p.buf[:0]
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	if p.group >= p.lim.rows || p.w.Size()-p.start >= p.lim.bytes {
		return p.flush()
	}
	return nil
}

// flush ends the row group being built.
func (p *parquetWriter[T]) flush() error {
	if p.group == 0 {
		return nil
	}
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("parquet: row group %d: %w", p.stats.RowGroups+1, err)
	}
	p.stats.RowGroups++
	p.group = 0
	p.start = p.w.Size()
	return nil
}

func (p *parquetWriter[T]) close() (Stats, error) {
	if err := p.drain(); err != nil {
		return p.stats, err
	}
	if err := p.flush(); err != nil {
		return p.stats, err
	}
	if err := p.w.Close(); err != nil {
		return p.stats, fmt.Errorf("parquet: footer: %w", err)
	}
	return p.stats, nil
}
