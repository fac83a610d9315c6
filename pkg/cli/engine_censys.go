package cli

import (
	"errors"

	"github.com/orchex/orchex/pkg/source"
	"github.com/urfave/cli/v2"
)

// censysSpec is a placeholder until the Censys client lands.
func censysSpec() engineSpec {
	return engineSpec{Name: "censys", New: func(*cli.Context, *globals) (source.Engine, bool, error) {
		return nil, false, errors.New("censys: not implemented yet")
	}}
}
