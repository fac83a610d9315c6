package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// reportCommand is a placeholder until the verb is implemented.
func reportCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "report",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("report: not implemented yet") },
	}
}
