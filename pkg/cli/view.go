package cli

import (
	"context"
	"fmt"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/store"
)

// viewOptions are the reader's choices for a report.
type viewOptions = assemble.Options

// buildView builds the report view of one snapshot (assemble.View).
func buildView(ctx context.Context, st *store.Store, cat *catalog.Catalog, label string, o viewOptions) (*report.View, error) {
	return assemble.View(ctx, st, cat, label, o)
}

// resolveSnapshot returns label, or the newest snapshot's label when label
// is empty.
func resolveSnapshot(ctx context.Context, st *store.Store, label string) (string, error) {
	if label != "" {
		if _, err := st.Snapshot(ctx, label); err != nil {
			return "", err
		}
		return label, nil
	}
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		return "", err
	}
	if len(snaps) == 0 {
		return "", fmt.Errorf("the database %s has no snapshot yet: run 'orchex import' or 'orchex collect' first", st.Path())
	}
	return snaps[len(snaps)-1].Label, nil
}
