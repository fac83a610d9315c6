package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/urfave/cli/v2"
)

// versionCommand is `orchex version` (and `orchex --version`): what was
// built, from what, and the catalog it measures with.
func versionCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print orchex's version, commit, Go version and catalog version",
		Description: "The module version, the commit, its time and whether the tree had uncommitted changes come\n" +
			"from the build information Go records (go version -m shows the same; Go records no build\n" +
			"time). The catalog version is that of --catalog, else the embedded one.",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("version: unexpected argument %q", c.Args().First())
			}
			cat, err := g.loadCatalog()
			if err != nil {
				return err
			}
			fmt.Fprint(g.env.Stdout, buildInfo(cat.Version()))
			return nil
		},
	}
}

// buildInfo formats the running binary's build information. Go records
// the commit's time, not the build's: that is the date shown.
func buildInfo(catalog string) string {
	version, commit, goVersion := "unknown", "", "unknown"
	var notes []string
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" {
			version = bi.Main.Version
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
	return fmt.Sprintf("orchex %s\ncommit  %s\ngo      %s\ncatalog %s\n",
		terminal.Sanitize(version), terminal.Sanitize(commit), goVersion, terminal.Sanitize(catalog))
}
