package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/cloud"
	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/report"
	"github.com/orchex/orchex/pkg/store"
)

// viewOptions are the reader's choices for a report.
type viewOptions struct {
	Title            string
	IncludeAddresses bool
}

// reportMeta assembles what report.Build needs besides the services: the
// snapshot's provenance (catalog, engines, inputs, queries, feeds) and the
// catalog's product names.
func reportMeta(ctx context.Context, st *store.Store, cat *catalog.Catalog, snap store.Snapshot, o viewOptions) (report.Meta, error) {
	m := report.Meta{
		Snapshot:         snap.Label,
		Title:            o.Title,
		Created:          snap.Created,
		CatalogVersion:   snap.Meta.CatalogVersion,
		Observations:     snap.Observations,
		Notes:            snap.Meta.Notes,
		IncludeAddresses: o.IncludeAddresses,
		USRegion:         cloud.USRegion,
	}
	if cat != nil {
		for _, p := range cat.Products() {
			m.Products = append(m.Products, report.ProductInfo{ID: p.ID, Name: p.Name, Family: p.Family, Category: p.Category})
		}
	}
	for _, e := range snap.Meta.Engines {
		m.Engines = append(m.Engines, e.Name)
	}
	for _, f := range snap.Meta.Feeds {
		m.CloudFeeds = append(m.CloudFeeds, report.CloudFeed{Provider: f.Provider, Date: f.Date})
	}
	imports, err := st.Imports(ctx, snap.Label)
	if err != nil {
		return m, err
	}
	for _, im := range imports {
		m.Inputs = append(m.Inputs, report.Input{Name: filepath.Base(im.File), Engine: string(im.Engine), Format: im.Format,
			SHA256: im.SHA256, Read: im.Read, Kept: im.Kept, Bad: im.Bad, Skipped: im.Skipped, At: im.At})
	}
	for _, q := range snap.Meta.Queries {
		m.Inputs = append(m.Inputs, report.Input{Name: "query " + q.ID, Engine: q.Engine, Format: "api",
			Read: q.Fetched, Kept: q.Kept, Bad: q.Bad, Skipped: q.Skipped, At: q.At, Truncated: q.Truncated})
	}
	m.Disagreements = snap.Meta.CloudDisagreements
	return m, nil
}

// buildView builds the report view of one snapshot.
func buildView(ctx context.Context, st *store.Store, cat *catalog.Catalog, label string, o viewOptions) (*report.View, error) {
	snap, err := st.Snapshot(ctx, label)
	if err != nil {
		return nil, err
	}
	m, err := reportMeta(ctx, st, cat, snap, o)
	if err != nil {
		return nil, err
	}
	// The figures come from the snapshot's service groups, kept by the
	// store as it writes services: a million-service snapshot reports
	// in well under a second. Only --include-addresses reads every
	// service.
	hosts, err := st.ProductHosts(ctx, label)
	if err != nil {
		return nil, err
	}
	return report.BuildGrouped(ctx, m, report.Grouped{
		Groups: func(fn func(*model.ServiceGroup) error) error {
			return st.Groups(ctx, label, fn)
		},
		Hosts:        snap.Hosts,
		ProductHosts: hosts,
		Services: func(fn func(*model.Service) error) error {
			return st.Services(ctx, label, fn)
		},
	})
}

// resolveSnapshot returns label, or the newest snapshot's label when label
// is empty.
func resolveSnapshot(ctx context.Context, st *store.Store, label string) (string, error) {
	if label != "" {
		if _, err := st.Snapshot(ctx, label); err != nil {
			return "", err
		}
		return label, nil
	}
	snaps, err := st.Snapshots(ctx)
	if err != nil {
		return "", err
	}
	if len(snaps) == 0 {
		return "", fmt.Errorf("the database %s has no snapshot yet: run 'orchex import' or 'orchex collect' first", st.Path())
	}
	return snaps[len(snaps)-1].Label, nil
}
