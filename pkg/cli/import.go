package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// importCommand is a placeholder until the verb is implemented.
func importCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "import",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("import: not implemented yet") },
	}
}
