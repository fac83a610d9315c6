package cli

import (
	"fmt"

	"github.com/orchex/orchex/internal/buildinfo"
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
		Action: noArgs("version", func(c *cli.Context) error {
			cat, err := g.loadCatalog()
			if err != nil {
				return err
			}
			fmt.Fprint(g.env.Stdout, buildInfo(cat.Version()))
			return nil
		}),
	}
}

// buildInfo formats the running binary's build information and the
// catalog version.
func buildInfo(catalog string) string {
	in := buildinfo.Read()
	return fmt.Sprintf("orchex %s\ncommit  %s\ngo      %s\ncatalog %s\n",
		terminal.Sanitize(in.Version), terminal.Sanitize(in.Commit), in.Go, terminal.Sanitize(catalog))
}
