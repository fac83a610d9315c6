package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/orchex/orchex/pkg/eol"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fl := flag.NewFlagSet("gen", flag.ContinueOnError)
	fl.SetOutput(stderr)
	pages := fl.String("pages", "", "directory of endoflife.date product pages, with LICENSE and SOURCES.md")
	out := fl.String("out", "calendars.json", "file to write")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if *pages == "" {
		fmt.Fprintln(stderr, "gen: -pages DIR is required")
		return 2
	}
	var b bytes.Buffer
	if err := eol.Generate(os.DirFS(*pages), &b); err != nil {
		fmt.Fprintf(stderr, "gen: %s: %v\n", *pages, err)
		return 1
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	if err := os.Rename(tmp, *out); err != nil {
		fmt.Fprintf(stderr, "gen: %v\n", err)
		return 1
	}
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stderr, "gen: wrote %s (%d bytes)\n", abs, b.Len())
	return 0
}
