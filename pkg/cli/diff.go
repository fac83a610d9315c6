package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// diffCommand is a placeholder until the verb is implemented.
func diffCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "diff",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("diff: not implemented yet") },
	}
}
