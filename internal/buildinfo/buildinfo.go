package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Info is what a binary was built from.
type Info struct {
	Version string // the module version, "(devel)" or "unknown"
	// Commit is the VCS revision with its notes: "abc123 (committed
	// 2026-12-01T10:00:00Z, with uncommitted changes)", or "unknown
	// (built without version control information)".
	Commit string
	Go     string // the Go version, "unknown" when not recorded
}

// Read returns the running binary's build information. Go records the
// commit's time, not the build's: that is the date Commit gives.
func Read() Info {
	bi, ok := debug.ReadBuildInfo()
	return parse(bi, ok)
}

func parse(bi *debug.BuildInfo, ok bool) Info {
	in := Info{Version: "unknown", Go: "unknown"}
	commit := ""
	var notes []string
	if ok {
		in.Go = bi.GoVersion
		if bi.Main.Version != "" {
			in.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				commit = s.Value
			case s.Key == "vcs.time":
				notes = append([]string{"committed " + s.Value}, notes...)
			case s.Key == "vcs.modified" && s.Value == "true":
				notes = append(notes, "with uncommitted changes")
			}
		}
	}
	if commit == "" {
		commit, notes = "unknown", []string{"built without version control information"}
	}
	if len(notes) > 0 {
		commit += " (" + strings.Join(notes, ", ") + ")"
	}
	in.Commit = commit
	return in
}
