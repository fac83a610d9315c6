package cli

import (
	"errors"

	"github.com/orchex/orchex/pkg/source"
	"github.com/urfave/cli/v2"
)

// shodanSpec is a placeholder until the Shodan client lands.
func shodanSpec() engineSpec {
	return engineSpec{Name: "shodan", New: func(*cli.Context, *globals) (source.Engine, bool, error) {
		return nil, false, errors.New("shodan: not implemented yet")
	}}
}
