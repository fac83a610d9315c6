package cli

import (
	"errors"
	"fmt"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/scope"
	"github.com/urfave/cli/v2"
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
					"selector counts and the warnings, or every problem as file:line: message and exits 1 (as queries check does).\n\n" +
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
		return fmt.Errorf("scopes check: %d problem(s) in %s", len(inv.Problems), file)
	}
	if err != nil {
		return fmt.Errorf("scopes check: %w", err)
	}
	out := g.env.Stdout
	if !g.quiet {
		t := &report.Table{}
		for _, c := range []string{"NAME", "CIDRS", "ASNS", "ORGS", "DOMAINS", "COUNTRIES", "CONTACTS", "LINE"} {
			t.Columns = append(t.Columns, report.Column{Title: c})
		}
		networks := 0
		for i := range set.Len() {
			s := set.Scope(i)
			networks += len(s.CIDRs)
			t.Add(s.Name, fmt.Sprint(len(s.CIDRs)), fmt.Sprint(len(s.ASNs)), fmt.Sprint(len(s.Orgs)), fmt.Sprint(len(s.Domains)),
				fmt.Sprint(len(s.Countries)), fmt.Sprint(len(s.Contacts)), fmt.Sprint(s.Line))
		}
		if err := terminal.Table(out, t, terminal.Options{}); err != nil {
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

// scopeFlags are --scopes FILE and --scope NAME, which select one scope's
// services in report, diff, trend, export and collect (docs/scopes.md).
func scopeFlags(file, name *string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "scopes", Usage: "scopes `FILE`: with --scope, only that scope's services (docs/scopes.md)", Destination: file},
		&cli.StringFlag{Name: "scope", Usage: "only the services of scope `NAME` of --scopes", Destination: name},
	}
}

// chosenScope is the scope of --scopes FILE --scope NAME.
type chosenScope struct {
	set   *scope.Set
	index int
	scope *scope.Scope
}

// loadScopes reads a scopes file: its problems are printed on stderr,
// one per line as file:line: message, and make a usage error; its
// warnings are printed too.
func (g *globals) loadScopes(verb, file string) (*scope.Set, error) {
	set, err := scope.Load(file)
	var inv *scope.Invalid
	if errors.As(err, &inv) {
		for _, p := range inv.Problems {
			fmt.Fprintln(g.env.Stderr, terminal.Sanitize(p.Error()))
		}
		return nil, usagef("%s: --scopes %s has %d problem(s): fix them ('orchex scopes check %s' lists them)", verb, file, len(inv.Problems), file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: --scopes: %w", verb, err)
	}
	for _, w := range set.Warnings() {
		g.logf("warning: %s", terminal.Sanitize(w.Error()))
	}
	return set, nil
}

// chooseScope reads --scopes and --scope; nil when neither is given.
func (g *globals) chooseScope(verb, file, name string) (*chosenScope, error) {
	switch {
	case file == "" && name == "":
		return nil, nil
	case file == "":
		return nil, usagef("%s: --scope %s needs --scopes FILE, the scopes file that defines it", verb, name)
	case name == "":
		return nil, usagef("%s: --scopes %s needs --scope NAME: which scope's services to select ('orchex brief' briefs every scope)", verb, file)
	}
	set, err := g.loadScopes(verb, file)
	if err != nil {
		return nil, err
	}
	i, ok := set.Index(name)
	if !ok {
		return nil, usagef("%s: --scope %q is not in %s (scopes: %s)", verb, name, file, set.Names(10))
	}
	return &chosenScope{set: set, index: i, scope: set.Scope(i)}, nil
}

// keep reports whether a stored service is in the scope.
func (c *chosenScope) keep(s *model.Service) bool {
	f := scope.ServiceFacts(s)
	return c.set.Contains(c.index, &f)
}

// filter is the scope as a report filter; nil for no scope.
func (c *chosenScope) filter() *assemble.Filter {
	if c == nil {
		return nil
	}
	return &assemble.Filter{Name: c.scope.Name, Keep: c.keep}
}
