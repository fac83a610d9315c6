package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// collectCommand is a placeholder until the verb is implemented.
func collectCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "collect",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("collect: not implemented yet") },
	}
}
