package cli

import (
	"errors"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/collect"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/store"
)

// hint is what the user can do about err, in the CLI's own words (flags
// and commands); the libraries say only what failed. "" when nothing
// useful can be added.
func hint(err error) string {
	var ce *catalog.Error
	switch {
	case errors.Is(err, store.ErrNoPath):
		return "pass --db FILE"
	case errors.Is(err, store.ErrNoDirectory):
		return "create the directory first, or pass another --db"
	case errors.Is(err, store.ErrNoDatabase):
		return "check --db (or ORCHEX_DB); 'orchex import' or 'orchex collect' creates a database"
	case errors.Is(err, store.ErrNotDatabase):
		return "pass the orchex database with --db, or move the file away"
	case errors.Is(err, store.ErrLocked):
		return "another orchex command is using the database: wait for it to finish and run the command again"
	case errors.Is(err, store.ErrNewerSchema):
		return "upgrade orchex to read this database"
	case errors.Is(err, store.ErrNoSnapshot):
		return "'orchex snapshots list' shows the snapshots"
	case errors.Is(err, cloud.ErrNoFeeds):
		return "run 'orchex ranges update', or pass --ranges DIR"
	case errors.Is(err, compare.ErrReversed):
		return "swap --from and --to"
	case errors.As(err, &ce):
		return "'orchex queries check' lists every problem of the catalog"
	case errors.Is(err, source.ErrBadCursor):
		return "a stored page cannot be resumed from: rerun with --refresh and --products naming the query's product, to fetch that query again (--refresh alone fetches, and pays for, every selected query)"
	case errors.As(err, new(*collect.FreePlanError)):
		return "--dry-run and 'orchex stats' still work on a free plan"
	}
	return ""
}
