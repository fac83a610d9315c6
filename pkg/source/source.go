package source

import (
	"context"

	"github.com/orchex/orchex/pkg/model"
)

// Query is one catalog query to run on one engine.
type Query struct {
	ID      string // stable id, "<product>/<engine>/<n>", used for resume
	Product string // catalog product id
	Text    string // the query in the engine's language
}

// Page is one fetched page, decoded.
type Page struct {
	Raw          model.RawPage
	Observations []model.Observation
	Ignored      int  // hits that are not hosts (Censys web properties, certificates)
	Last         bool // no further page exists
	// Bad holds one error per record of the page that could not be
	// decoded (the raw page keeps the record); the rest are kept.
	Bad []error
}

// Engine is one search engine's adapter. Implementations must be safe for
// use by one pager at a time and must never put a secret into an error,
// a RawPage or a log line.
type Engine interface {
	// Name returns the engine's name.
	Name() model.Engine
	// Fetch fetches page (1-based) of q. token is the cursor returned as
	// RawPage.Next by the previous page, "" for the first page and for
	// engines that page by number.
	Fetch(ctx context.Context, q Query, page int, token string) (*Page, error)
	// Count returns the number of results of q, spending no credits where
	// the API allows it.
	Count(ctx context.Context, q Query) (int, error)
}
