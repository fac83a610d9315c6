package assemble

import (
	"context"
	"errors"
	"fmt"

	"github.com/orchex/orchex/internal/suggest"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/store"
)

// Resolve returns the label of the snapshot to read: label when st holds
// it, or the newest snapshot's when label is "" ([ErrNoSnapshots] when
// there is none). An unknown label is an error as [Suggest] words it.
func Resolve(ctx context.Context, st *store.Store, label string) (string, error) {
	if label != "" {
		_, err := st.Snapshot(ctx, label)
		return label, Suggest(ctx, st, err, label)
	}
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		return "", err
	}
	if len(snaps) == 0 {
		return "", ErrNoSnapshots
	}
	return snaps[len(snaps)-1].Label, nil
}

// Suggest adds to err, when it says that st has no snapshot label
// (store.ErrNoSnapshot), the stored label closest to it, case ignored:
// "; did you mean 2026Q4?". Other errors, and nil, are returned as they
// are.
func Suggest(ctx context.Context, st *store.Store, err error, label string) error {
	if !errors.Is(err, store.ErrNoSnapshot) {
		return err
	}
	snaps, lerr := st.Snapshots(ctx)
	if lerr != nil {
		return err
	}
	labels := make([]string, len(snaps))
	for i, s := range snaps {
		labels[i] = s.Label
	}
	if hint := suggest.DidYouMean(label, labels); hint != "" {
		return fmt.Errorf("%w%s", err, hint)
	}
	return err
}

// Diff is the diff of snapshots a and b of st (their services f keeps, f
// may be nil: one scope's diff, named in it), and how their methods
// differ (nil when they were made the same way). An unknown label is an
// error as [Suggest] words it. With o.Support, each side's services are
// judged on its own day ([AsOf]) unless o says which.
func Diff(ctx context.Context, st *store.Store, a, b string, f *Filter, o compare.Options) (*compare.Diff, []compare.Difference, error) {
	ia, err := DiffInputFiltered(ctx, st, a, f)
	if err != nil {
		return nil, nil, Suggest(ctx, st, err, a)
	}
	ib, err := DiffInputFiltered(ctx, st, b, f)
	if err != nil {
		return nil, nil, Suggest(ctx, st, err, b)
	}
	if o.Support != nil && o.AsOfA.IsZero() {
		if o.AsOfA, err = AsOf(ctx, st, a, o.IncludeHoneypots); err != nil {
			return nil, nil, err
		}
	}
	if o.Support != nil && o.AsOfB.IsZero() {
		if o.AsOfB, err = AsOf(ctx, st, b, o.IncludeHoneypots); err != nil {
			return nil, nil, err
		}
	}
	d, err := compare.NewDiff(ctx, ia, ib, o)
	if err != nil {
		return nil, nil, err
	}
	if f != nil {
		d.Scope = f.Name
	}
	return d, compare.Differences(ia.Method, ib.Method), nil
}
