package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// rangesCommand is a placeholder until the verb is implemented.
func rangesCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "ranges",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("ranges: not implemented yet") },
	}
}
