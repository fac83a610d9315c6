package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/orchex/orchex/internal/suggest"
	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/store"
)

// openSnapshot opens the database read-only and returns it with the
// label of the snapshot to read (label, else the newest) and the catalog;
// the caller closes the store.
func (g *globals) openSnapshot(ctx context.Context, label string) (*store.Store, string, *catalog.Catalog, error) {
	st, err := g.openStore(ctx)
	if err != nil {
		return nil, "", nil, err
	}
	label, err = resolveSnapshot(ctx, st, label)
	var cat *catalog.Catalog
	if err == nil {
		cat, err = g.loadCatalog()
	}
	if err != nil {
		st.Close()
		return nil, "", nil, err
	}
	return st, label, cat, nil
}

// resolveSnapshot returns label, or the newest snapshot's label when label
// is empty.
func resolveSnapshot(ctx context.Context, st *store.Store, label string) (string, error) {
	if label != "" {
		if _, err := snapshotOf(ctx, st, label); err != nil {
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

// snapshotOf is st.Snapshot with a suggestion when the label is unknown.
func snapshotOf(ctx context.Context, st *store.Store, label string) (store.Snapshot, error) {
	sn, err := st.Snapshot(ctx, label)
	return sn, suggestLabel(ctx, st, err, label)
}

// suggestLabel adds "did you mean" to an error for an unknown snapshot
// label: the stored label closest to it, case ignored.
func suggestLabel(ctx context.Context, st *store.Store, err error, label string) error {
	if !errors.Is(err, store.ErrNoSnapshot) {
		return err
	}
	snaps, lerr := st.Snapshots(ctx)
	if lerr != nil {
		return err
	}
	var labels []string
	for _, s := range snaps {
		labels = append(labels, s.Label)
	}
	if hint := suggest.DidYouMean(label, labels); hint != "" {
		return fmt.Errorf("%w%s", err, terminal.Sanitize(hint))
	}
	return err
}
