package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// trendCommand is a placeholder until the verb is implemented.
func trendCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "trend",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("trend: not implemented yet") },
	}
}
