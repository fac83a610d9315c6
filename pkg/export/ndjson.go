package export

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/orchex/orchex/pkg/importer"
	"github.com/orchex/orchex/pkg/model"
)

// writeNDJSON writes every service of snapshot as one line of orchex's
// own export format (importer.ExportRecord, written by
// importer.WriteExport), which orchex import reads back.
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
