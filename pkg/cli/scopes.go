package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/scope"
)

// scopesCommand is `orchex scopes`: check a scopes file (docs/scopes.md).
func scopesCommand(g *globals) *cli.Command {
	return &cli.Command{
		Name:  "scopes",
		Usage: "check a scopes file: the networks a security team serves (docs/scopes.md)",
		Description: "A scopes file names the networks of each constituent or business unit a team serves, by\n" +
			"CIDRs, ASNs, organisation names, domains and countries; report, diff, trend, export, collect\n" +
			"and brief select one scope's services with --scopes FILE --scope NAME.\n\n" +
			"Examples:\n" +
			"  orchex scopes check scopes.yaml",
		Subcommands: []*cli.Command{
			{
				Name:      "check",
				Usage:     "validate a scopes file; print its scopes, or every problem as file:line: message",
				UsageText: "orchex scopes check FILE",
				Description: "Validates FILE: YAML syntax, unknown keys, scope names (used as directory names), CIDRs\n" +
					"(a network with host bits set is an error), ASNs, email addresses, ISO 3166-1 country codes,\n" +
					"domains, duplicate names and scopes that select nothing. Prints one row per scope with its\n" +
					"selector counts and the warnings, or every problem as file:line: message and exits 2.\n\n" +
					"Examples:\n  orchex scopes check scopes.yaml\n  orchex -q scopes check scopes.yaml && echo valid",
				Action: func(c *cli.Context) error {
					if c.NArg() != 1 {
						return usagef("scopes check: want one scopes file, got %d arguments", c.NArg())
					}
					return runScopesCheck(g, c.Args().First())
				},
			},
		},
	}
}

func runScopesCheck(g *globals, file string) error {
	set, err := scope.Load(file)
	var inv *scope.Invalid
	if errors.As(err, &inv) {
		for _, p := range inv.Problems {
			fmt.Fprintln(g.env.Stdout, terminal.Sanitize(p.Error()))
		}
		return usagef("scopes check: %d problem(s) in %s", len(inv.Problems), file)
	}
	if err != nil {
		return fmt.Errorf("scopes check: %w", err)
	}
	out := g.env.Stdout
	if !g.quiet {
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tCIDRS\tASNS\tORGS\tDOMAINS\tCOUNTRIES\tCONTACTS\tLINE")
		networks := 0
		for i := 0; i < set.Len(); i++ {
			s := set.Scope(i)
			networks += len(s.CIDRs)
			fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", terminal.Sanitize(s.Name),
				len(s.CIDRs), len(s.ASNs), len(s.Orgs), len(s.Domains), len(s.Countries), len(s.Contacts), s.Line)
		}
		if err := w.Flush(); err != nil {
			return fmt.Errorf("scopes check: writing: %w", err)
		}
		fmt.Fprintf(out, "\nok: %s: %d scopes, %d networks (%d distinct), %d warning(s)\n",
			terminal.Sanitize(file), set.Len(), networks, set.Networks(), len(set.Warnings()))
	}
	for _, w := range set.Warnings() {
		fmt.Fprintln(g.env.Stderr, "warning: "+terminal.Sanitize(w.Error()))
	}
	return nil
}
