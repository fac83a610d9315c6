package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/model"
)

// ErrNotImportable is wrapped by the error of an NDJSON export that meets a
// service orchex import would reject (no engine recorded, port 0, no
// product): the NDJSON export writes only what its importer reads back.
// Parquet and CSV carry such services.
var ErrNotImportable = errors.New("the importer of orchex's NDJSON export would reject this service")

// writeNDJSON writes every service of snapshot as one line of orchex's
// own export format (importer.ExportRecord, written by
// importer.WriteExport), which orchex import reads back; a service that
// the importer would reject stops the export with ErrNotImportable.
func writeNDJSON(ctx context.Context, w io.Writer, src Source, snapshot string) (Stats, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	err := src.Services(ctx, snapshot, func(s *model.Service) error {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		n++
		rec := importer.NewExportRecord(s)
		if err := rec.Validate(); err != nil {
			return fmt.Errorf("row %d: %w: %w", n, ErrNotImportable, err)
		}
		if err := importer.WriteExport(bw, s); err != nil {
			return fmt.Errorf("writing row %d: %w", n, err)
		}
		return nil
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return Stats{Rows: n}, fmt.Errorf("export: snapshot %q: %w", snapshot, err)
	}
	return Stats{Rows: n}, nil
}
