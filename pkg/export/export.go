package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// Format is an export file format.
type Format string

// The formats Write writes.
const (
	Parquet Format = "parquet" // Apache Parquet, zstd-compressed
	NDJSON  Format = "ndjson"  // orchex's own export (importer.ExportRecord lines)
	CSV     Format = "csv"     // RFC 4180, spreadsheet-safe cells
)

// Formats returns the formats Write writes, in the order help texts name
// them.
func Formats() []Format { return []Format{Parquet, NDJSON, CSV} }

// ErrFormat is wrapped by the error of a format this package does not
// write, or cannot write for the rows asked for (observations as NDJSON).
var ErrFormat = errors.New("unsupported export format")

// ParseFormat returns the format named s ("parquet", "ndjson" or
// "jsonl", "csv"; case-insensitive).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(s) {
	case "parquet":
		return Parquet, nil
	case "ndjson", "jsonl":
		return NDJSON, nil
	case "csv":
		return CSV, nil
	}
	return "", fmt.Errorf("%w %q (want parquet, ndjson or csv)", ErrFormat, s)
}

// FormatOf returns the format a file name's extension names (.parquet,
// .ndjson, .jsonl, .csv), and false for any other name.
func FormatOf(name string) (Format, bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return "", false
	}
	f, err := ParseFormat(name[i+1:])
	return f, err == nil
}

// Source is what an export reads from the store; *store.Store implements
// it. Both methods call fn once per row of the snapshot, one at a time, in
// a fixed order (services by address, port and transport; observations by
// engine, query and fingerprint).
type Source interface {
	Services(ctx context.Context, snapshot string, fn func(*model.Service) error) error
	Observations(ctx context.Context, snapshot string, fn func(*store.Observation) error) error
}

// Product is what an export needs to know of a catalog product.
type Product struct {
	ID       string
	Family   string // "kubernetes" marks the Kubernetes family
	Category string // "orchestration" or "api-management"
}

// Meta is what a row carries besides the store's data: the snapshot's
// label and catalog version, and the catalog's products, whose family and
// category fill the family and category columns.
type Meta struct {
	Snapshot       string
	CatalogVersion string
	Products       []Product
}

// Options says what to write.
type Options struct {
	Format Format
	// Observations writes the snapshot's engine observations (one row
	// each) instead of its services. NDJSON holds services only.
	Observations bool
	Meta         Meta
	// IncludeHoneypots exports the services of hosts flagged as
	// honeypots too (their honeypot column is true), and their
	// observations; by default the Parquet and CSV exports leave both
	// out, as reports do. NDJSON, which orchex import reads back, always
	// holds every service with its honeypot reasons.
	IncludeHoneypots bool
}

// Stats says what Write wrote.
type Stats struct {
	Rows      int // services or observations
	RowGroups int // Parquet row groups; 0 for NDJSON and CSV
}

// Write writes the services (or, with o.Observations, the observations)
// of snapshot o.Meta.Snapshot from src to w in o.Format, one row at a time.
// w receives the whole file; on an error it holds a partial file, which
// the caller discards. Errors from src are returned wrapped, naming the
// row that was being written.
func Write(ctx context.Context, w io.Writer, src Source, o Options) (Stats, error) {
	return writeLimited(ctx, w, src, o, limits{RowGroupRows, RowGroupBytes})
}

func writeLimited(ctx context.Context, w io.Writer, src Source, o Options, lim limits) (Stats, error) {
	label := o.Meta.Snapshot
	if o.Observations {
		var rw rowWriter[ObservationRow]
		switch o.Format {
		case Parquet:
			rw = newParquetWriter[ObservationRow](w, o.Meta, "observations", lim)
		case CSV:
			rw = newCSVWriter(w, observationColumns(), ObservationRow.cells)
		case NDJSON:
			return Stats{}, fmt.Errorf("export: observations as %s: %w (orchex's NDJSON export holds services; write observations as parquet or csv)", o.Format, ErrFormat)
		default:
			return Stats{}, fmt.Errorf("export: %w %q", ErrFormat, o.Format)
		}
		var decoys map[model.Key]struct{}
		if !o.IncludeHoneypots {
			var err error
			if decoys, err = honeypotKeys(ctx, src, label); err != nil {
				return Stats{}, err
			}
		}
		var row ObservationRow
		return pump(ctx, rw, label, func(fn func() error) error {
			return src.Observations(ctx, label, func(ob *store.Observation) error {
				if _, ok := decoys[ob.Key]; ok {
					return nil
				}
				row.set(&o.Meta, ob)
				return fn()
			})
		}, &row)
	}
	var rw rowWriter[ServiceRow]
	switch o.Format {
	case Parquet:
		rw = newParquetWriter[ServiceRow](w, o.Meta, "services", lim)
	case CSV:
		rw = newCSVWriter(w, serviceColumns(), ServiceRow.cells)
	case NDJSON:
		return writeNDJSON(ctx, w, src, label)
	default:
		return Stats{}, fmt.Errorf("export: %w %q", ErrFormat, o.Format)
	}
	rows := newServiceRows(&o.Meta)
	var row ServiceRow
	return pump(ctx, rw, label, func(fn func() error) error {
		return src.Services(ctx, label, func(s *model.Service) error {
			if s.Honeypot != 0 && !o.IncludeHoneypots {
				return nil
			}
			rows.set(&row, s)
			return fn()
		})
	}, &row)
}

// honeypotKeys returns the keys of the snapshot's services on hosts
// flagged as honeypots, whose observations an export leaves out as it
// leaves out their services (memory: the flagged services only).
func honeypotKeys(ctx context.Context, src Source, label string) (map[model.Key]struct{}, error) {
	keys := map[model.Key]struct{}{}
	err := src.Services(ctx, label, func(s *model.Service) error {
		if s.Honeypot != 0 {
			keys[s.Key] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: snapshot %q: reading the honeypot services: %w", label, err)
	}
	return keys, nil
}

// rowWriter writes rows of one kind; close finishes the file.
type rowWriter[T any] interface {
	write(row *T) error
	close() (Stats, error)
}

// pump runs read, which fills *row and calls its argument once per row,
// writing each row; it checks ctx every 1,024 rows.
func pump[T any](ctx context.Context, rw rowWriter[T], label string, read func(func() error) error, row *T) (Stats, error) {
	n := 0
	err := read(func() error {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n++
		if err := rw.write(row); err != nil {
			return fmt.Errorf("writing row %d: %w", n, err)
		}
		return nil
	})
	if err != nil {
		return Stats{Rows: n}, fmt.Errorf("export: snapshot %q: %w", label, err)
	}
	st, err := rw.close()
	if err != nil {
		return st, fmt.Errorf("export: snapshot %q: %w", label, err)
	}
	return st, nil
}
