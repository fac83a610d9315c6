package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/orchex/orchex/internal/terminal"
	"github.com/urfave/cli/v2"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report/assemble"
	"github.com/orchex/orchex/pkg/scope"
)

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
		return nil, usagef("%s: --scope %q is not in %s (scopes: %s)", verb, name, file, scopeNames(set, 10))
	}
	return &chosenScope{set: set, index: i, scope: set.Scope(i)}, nil
}

// scopeNames lists up to n scope names of set.
func scopeNames(set *scope.Set, n int) string {
	var names []string
	for i := 0; i < set.Len() && i < n; i++ {
		names = append(names, set.Scope(i).Name)
	}
	if set.Len() > n {
		names = append(names, fmt.Sprintf("and %d more", set.Len()-n))
	}
	return strings.Join(names, ", ")
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
