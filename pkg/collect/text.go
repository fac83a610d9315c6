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

// String says why the engine stopped and that what was fetched is stored;
// for a budget or refused credentials it says only that it stopped (what
// to raise or check is the caller's to say).
func (e EngineStopped) String() string {
	switch e.Reason {
	case StoppedQuota:
		return fmt.Sprintf("%s: no credits left; what was fetched is stored: run the same command when credits renew to resume", e.Engine)
	case StoppedGaveUp:
		return fmt.Sprintf("%s: stopped after a query failed %d times; what was fetched is stored: check the connection or the engine's status and run the same command to resume", e.Engine, e.Attempts)
	}
	return fmt.Sprintf("%s: stopped (%s)", e.Engine, e.Reason)
}
