// Command orchex measures exposed container-orchestration and
// API-management admin panels from Shodan and Censys data.
package main

import (
	"os"

	"github.com/orchex/orchex/pkg/cli"
)

func main() {
	os.Exit(int(cli.Run(os.Args[1:])))
}
