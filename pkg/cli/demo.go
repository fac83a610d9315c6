package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// demoCommand is a placeholder until the verb is implemented.
func demoCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "demo",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("demo: not implemented yet") },
	}
}
