package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// statsCommand is a placeholder until the verb is implemented.
func statsCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "stats",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("stats: not implemented yet") },
	}
}
