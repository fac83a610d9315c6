package main

import (
	"os"

	"github.com/orchex/orchex/pkg/cli"
)

func main() {
	os.Exit(int(cli.Run(os.Args[1:])))
}
