package buildinfo

import (
	"runtime/debug"
	"testing"
)

// TestParse: the revision with its time and the modified flag, or no
// revision at all; no build information at all.
func TestParse(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: []debug.BuildSetting{
		{Key: "vcs.modified", Value: "true"}, {Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}}}
	want := Info{Version: "v1.2.0", Go: "go1.26.8", Commit: "abc123 (committed 2026-12-01T10:00:00Z, with uncommitted changes)"}
	if got := parse(bi, true); got != want {
		t.Errorf("parse = %+v, want %+v", got, want)
	}
	want = Info{Version: "unknown", Go: "unknown", Commit: "unknown (built without version control information)"}
	if got := parse(nil, false); got != want {
		t.Errorf("no build info: %+v, want %+v", got, want)
	}
	if got := Read(); got.Go == "unknown" {
		t.Errorf("Read: %+v, want the Go version of the test binary", got)
	}
}
