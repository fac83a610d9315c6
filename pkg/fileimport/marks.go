package fileimport

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/orchex/orchex/pkg/store"
)

// markIncomplete records in the snapshot that the run filling it (what:
// "the import of k8s.json.gz") stopped before its end, with the reasons
// (store.MarkIncomplete), so that every report of the snapshot says so
// at its top; the same file's later complete import clears the mark.
// With no reason given, the reason is the context's cause (an
// interrupt). A mark that cannot be written is reported (MarkFailed):
// the data stored stays.
func markIncomplete(ctx context.Context, cfg *Config, what string, reasons ...string) {
	if len(reasons) == 0 {
		cause := "stopped"
		if err := context.Cause(ctx); err != nil {
			cause = "interrupted (" + err.Error() + ")"
		}
		reasons = []string{cause}
	}
	in := store.Incomplete{Run: what, Reasons: reasons, At: cfg.now()}
	if err := cfg.Store.MarkIncomplete(context.WithoutCancel(ctx), cfg.Snapshot, in); err != nil {
		cfg.emit(MarkFailed{Snapshot: cfg.Snapshot, Err: err})
	}
}

// importRun names the import of one file in a snapshot's incomplete
// marks: by its base name, so that importing the file again from another
// directory clears the mark.
func importRun(file string) string { return "the import of " + filepath.Base(Name(file)) }

// removeIfCreatedEmpty removes the snapshot when this run created it
// (existed is false) and stored nothing in it, and says so: a run that
// read nothing (a missing, empty or unreadable file) leaves no empty
// snapshot to read as the newest census.
func removeIfCreatedEmpty(ctx context.Context, cfg *Config, existed bool) {
	if existed {
		return
	}
	removed, err := cfg.Store.RemoveIfEmpty(context.WithoutCancel(ctx), cfg.Snapshot)
	switch {
	case err != nil:
		cfg.emit(RemoveFailed{Snapshot: cfg.Snapshot, Err: err})
	case removed:
		cfg.emit(SnapshotRemoved{Snapshot: cfg.Snapshot})
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
