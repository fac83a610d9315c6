package fileimport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

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
	in := store.Incomplete{Run: what, Reasons: baseNames(cfg.Files, reasons), At: cfg.now()}
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

// pendingReason is the mark a run writes for each of its files before
// it reads any: a report made while the import runs, or after it was
// killed (SIGKILL, a crash, the machine's power), is then flagged as the
// lower bound it is. The file's end replaces it: cleared when the file
// was read whole, or the reason it stopped.
const pendingReason = "not finished: the import was still running, or was killed before it could say why it stopped; import the same files again to complete the snapshot"

// pendingMarks are the marks a run wrote before reading its files, with
// the marks they replaced, so that a file of which nothing was read (its
// error says why) leaves the snapshot as it was.
type pendingMarks struct {
	left   map[string]int               // run: files of the run not yet done
	before map[string]*store.Incomplete // run: its mark before this run, or nil
}

// markPending marks every file of the run as not finished, in one
// update, before anything is read; meta is the snapshot's before.
func markPending(ctx context.Context, cfg *Config, meta store.Meta) (*pendingMarks, error) {
	p := &pendingMarks{left: map[string]int{}, before: map[string]*store.Incomplete{}}
	for _, f := range cfg.Files {
		run := importRun(f)
		p.left[run]++
		if _, ok := p.before[run]; ok {
			continue
		}
		p.before[run] = nil
		for _, in := range meta.Incomplete {
			if in.Run == run {
				in := in
				p.before[run] = &in
			}
		}
	}
	at := cfg.now()
	err := cfg.Store.UpdateMeta(ctx, cfg.Snapshot, func(m *store.Meta) {
		for run := range p.left {
			m.MarkIncomplete(store.Incomplete{Run: run, Reasons: []string{pendingReason}, At: at})
		}
	})
	if err != nil {
		return nil, fmt.Errorf("mark snapshot %s as being imported: %w", cfg.Snapshot, err)
	}
	return p, nil
}

// done counts one file of run as done and reports whether it was the
// run's last file of that base name.
func (p *pendingMarks) done(run string) bool {
	p.left[run]--
	return p.left[run] <= 0
}

// restore puts back the mark run had before this run (none, or an
// earlier run's), once no file of that name is left: nothing of the
// file was read.
func (p *pendingMarks) restore(ctx context.Context, cfg *Config, run string) {
	if !p.done(run) {
		return
	}
	before := p.before[run]
	err := cfg.Store.UpdateMeta(context.WithoutCancel(ctx), cfg.Snapshot, func(m *store.Meta) {
		m.ClearIncomplete(run)
		if before != nil {
			m.MarkIncomplete(*before)
		}
	})
	if err != nil {
		cfg.emit(MarkFailed{Snapshot: cfg.Snapshot, Err: err})
	}
}

// baseNames returns reasons with every input's path written as its base
// name, as the snapshot's method names inputs: a mark is printed in
// every report of the snapshot, which must not depend on (nor publish)
// the directory the files were imported from.
func baseNames(files []string, reasons []string) []string {
	var paths []string
	for _, f := range files {
		if n := Name(f); n != filepath.Base(n) {
			paths = append(paths, n)
		}
	}
	if len(paths) == 0 {
		return reasons
	}
	// Longer paths first, so that one path that ends another is not cut.
	slices.SortFunc(paths, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	out := make([]string, len(reasons))
	for i, r := range reasons {
		for _, p := range paths {
			r = strings.ReplaceAll(r, p, filepath.Base(p))
		}
		out[i] = r
	}
	return out
}
