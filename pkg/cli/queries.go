package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// queriesCommand is a placeholder until the verb is implemented.
func queriesCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "queries",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("queries: not implemented yet") },
	}
}
