package assemble

import (
	"context"
	"slices"

	"github.com/orchex/orchex/pkg/brief"
	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/compare"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// Brief returns the configuration of a run of briefings of snapshot
// label from st: its services and provenance, and with since (""
// for none) the earlier snapshot's services, how its method differs, and
// the scopes each snapshot was narrowed to. The differences are also
// returned as data, for a warning; a narrowing is not among them, since
// a briefing weighs it per scope (a scope both snapshots were collected
// for compares alike). With includeHoneypots, the services of hosts
// flagged as honeypots are kept, marked; otherwise each snapshot leaves
// them out. The earlier snapshot's incomplete reasons are passed on as
// the snapshot's are (in Meta), for a warning. The caller sets the
// scopes and the spill directory.
func Brief(ctx context.Context, st *store.Store, cat *catalog.Catalog, label, since string, includeHoneypots bool) (brief.Config, []compare.Difference, error) {
	snap, method, err := Method(ctx, st, label)
	if err != nil {
		return brief.Config{}, nil, err
	}
	meta, err := Meta(ctx, st, cat, snap, Options{IncludeHoneypots: includeHoneypots})
	if err != nil {
		return brief.Config{}, nil, err
	}
	cfg := brief.Config{Catalog: cat, Meta: meta, IncludeHoneypots: includeHoneypots,
		Now: brief.Side{Label: label, Created: snap.Created, Services: func(fn func(*model.Service) error) error { return st.Services(ctx, label, fn) }}}
	for _, n := range snap.Meta.Narrowings {
		cfg.NarrowedTo = append(cfg.NarrowedTo, n.Scope)
	}
	// Support status is judged on the research report's day, so that a
	// service has the same status in the census and in its scope.
	if cfg.AsOf, err = AsOf(ctx, st, label, false); err != nil {
		return brief.Config{}, nil, err
	}
	if since == "" {
		return cfg, nil, nil
	}
	then, m, err := Method(ctx, st, since)
	if err != nil {
		return brief.Config{}, nil, err
	}
	diffs := slices.DeleteFunc(compare.Differences(m, method), func(d compare.Difference) bool { return d.What == "narrowing" })
	for _, d := range diffs {
		cfg.Differences = append(cfg.Differences, d.String())
	}
	for _, n := range then.Meta.Narrowings {
		cfg.SinceNarrowedTo = append(cfg.SinceNarrowedTo, n.Scope)
	}
	cfg.SinceIncomplete = then.Meta.IncompleteReasons()
	cfg.Since = &brief.Side{Label: then.Label, Created: then.Created,
		Services: func(fn func(*model.Service) error) error { return st.Services(ctx, then.Label, fn) }}
	return cfg, diffs, nil
}
