package cli

import (
	"errors"

	"github.com/urfave/cli/v2"
)

// snapshotsCommand is a placeholder until the verb is implemented.
func snapshotsCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:   "snapshots",
		Usage:  "not implemented yet",
		Hidden: true,
		Action: func(*cli.Context) error { return errors.New("snapshots: not implemented yet") },
	}
}
