// Package queries embeds the product catalog: one YAML file per product
// family plus catalog.yaml (catalog version and generic auth rules).
// pkg/catalog loads and validates it; see docs/catalog.md for the format.
package queries
