package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/store"
)

// markIncomplete records in the snapshot that the run filling it (what:
// "the import of k8s.json.gz") stopped before its end, with the reasons
// (store.MarkIncomplete), so that every report of the snapshot says so
// at its top; clearIncomplete removes the mark when the same run later
// completes. With no reason given, the reason is the context's cause (an
// interrupt). A mark that cannot be written is warned about: the data
// stored stays. Collections mark their queries themselves (pkg/collect).
func markIncomplete(ctx context.Context, g *globals, st *store.Store, snapshot, what string, reasons ...string) {
	if len(reasons) == 0 {
		cause := "stopped"
		if err := context.Cause(ctx); err != nil {
			cause = "interrupted (" + err.Error() + ")"
		}
		reasons = []string{cause}
	}
	in := store.Incomplete{Run: what, Reasons: reasons, At: g.env.Now().UTC()}
	if err := st.MarkIncomplete(context.WithoutCancel(ctx), snapshot, in); err != nil {
		g.logf("warning: could not mark snapshot %s incomplete: %s", snapshot, terminal.Sanitize(err.Error()))
	}
}

// clearIncomplete removes the mark of run what from the snapshot.
func clearIncomplete(ctx context.Context, st *store.Store, snapshot, what string) error {
	return st.ClearIncomplete(ctx, snapshot, what)
}

// importRun names the import of one file in a snapshot's incomplete
// marks: by its base name, so that importing the file again from another
// directory clears the mark.
func importRun(file string) string { return "the import of " + filepath.Base(inputName(file)) }

// removeIfCreatedEmpty removes the snapshot when this run created it
// (existed is false) and stored nothing in it, and says so: a run that
// read nothing (a missing, empty or unreadable file) leaves no empty
// snapshot to read as the newest census.
func removeIfCreatedEmpty(ctx context.Context, g *globals, st *store.Store, snapshot string, existed bool) {
	if existed {
		return
	}
	removed, err := st.RemoveIfEmpty(context.WithoutCancel(ctx), snapshot)
	switch {
	case err != nil:
		g.logf("warning: could not remove the empty snapshot %s: %s", snapshot, terminal.Sanitize(err.Error()))
	case removed:
		g.logf("nothing was stored: snapshot %s, created by this run, was removed again", snapshot)
	}
}

// snapshotExists reports whether the store holds the snapshot.
func snapshotExists(ctx context.Context, st *store.Store, snapshot string) (bool, error) {
	_, err := st.Snapshot(ctx, snapshot)
	switch {
	case errors.Is(err, store.ErrNoSnapshot):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("snapshot %s: %w", snapshot, err)
	}
	return true, nil
}
