package queries

import "embed"

// FS holds the catalog's *.yaml files.
//
//go:embed *.yaml
var FS embed.FS
