package cli

import (
	"github.com/orchex/orchex/pkg/source"
	"github.com/urfave/cli/v2"
)

// engineSpec describes one engine for collect and stats: its flags and how
// to build its adapter from them.
type engineSpec struct {
	Name  string
	Flags []cli.Flag
	// New builds the adapter. ok is false when no credentials were given
	// (collect without --engine then skips the engine and says so).
	New func(c *cli.Context, g *globals) (e source.Engine, ok bool, err error)
}

// engineSpecs lists the engines in a fixed order.
func engineSpecs() []engineSpec {
	return []engineSpec{shodanSpec(), censysSpec()}
}
