package collect

import (
	"fmt"
	"strings"
	"time"
)

// The String methods of the events that are notices say in one line what
// happened, not what to do about it (which flag or command helps is the
// caller's to add). They hold engine text: escape the line.

func (e AccountChecked) String() string { return fmt.Sprintf("%s: %s", e.Engine, e.Account.Text) }

func (e AccountFailed) String() string { return e.Err.Error() }

func (e NoCredits) String() string {
	return fmt.Sprintf("%s: no query credits left: only free pages can be fetched", e.Engine)
}

func (e CatalogChanged) String() string {
	return fmt.Sprintf("warning: snapshot %s was made with catalog %s, this collection uses catalog %s: the method changed within the snapshot",
		e.Snapshot, e.Was, e.Now)
}

func (e Retry) String() string {
	return fmt.Sprintf("%s: retry %d in %v: %s", e.Engine, e.Attempt, e.Wait.Round(time.Millisecond), e.Err)
}

func (e BadRecord) String() string { return fmt.Sprintf("%s: bad record: %s", e.Engine, e.Err) }

func (e QueryDone) String() string {
	if e.Err == nil {
		return fmt.Sprintf("%s %s: done after %d pages", e.Result.Engine, e.Result.QueryID, e.Result.Pages)
	}
	return fmt.Sprintf("%s %s: failed after %d pages", e.Result.Engine, e.Result.QueryID, e.Result.Pages)
}

func (e FacetSkipped) String() string {
	return fmt.Sprintf("%s: facet %s is not available (known: %s); skipped", e.Engine, e.Facet, strings.Join(e.Known, ", "))
}

func (e SnapshotRemoved) String() string {
	return fmt.Sprintf("nothing was stored: snapshot %s, created by this run, was removed again", e.Snapshot)
}

func (e MarkFailed) String() string {
	return fmt.Sprintf("warning: %s: could not mark the snapshot incomplete: %s", e.Engine, e.Err)
}
