package cli

import (
	"net/http"
	"time"

	"github.com/orchex/orchex/pkg/source"
	"github.com/urfave/cli/v2"
)

// engineSpec describes one engine for collect and stats: its flags and how
// to build its adapter from them.
type engineSpec struct {
	Name  string
	Flags []cli.Flag
	// New builds the adapter. ok is false when no credentials were given
	// (collect without --engine then skips the engine and says so).
	New func(c *cli.Context, g *globals) (e source.Engine, ok bool, err error)
}

// httpFlags are the flags of collect and stats shared by every engine.
func httpFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "http-timeout", Value: 60 * time.Second,
			Usage: "give up one API request (connect, send, read the whole answer) after `DURATION`; it then counts as a network error and is retried"},
	}
}

// httpClient is the HTTP client every engine of the run uses.
func httpClient(c *cli.Context) (*http.Client, error) {
	d := c.Duration("http-timeout")
	if d <= 0 {
		return nil, usagef("--http-timeout %v: want a positive duration such as 30s or 2m", d)
	}
	return &http.Client{Timeout: d}, nil
}

// engineSpecs lists the engines in a fixed order.
func engineSpecs() []engineSpec {
	return []engineSpec{shodanSpec(), censysSpec()}
}
