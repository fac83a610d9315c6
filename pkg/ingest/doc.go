// Package ingest is the one path by which observations reach the store,
// whether they come from `orchex import` or `orchex collect`.
//
//	importer | source pager → ingest.Pipeline → Classifier (catalog)
//	  → normalize.Service + Tagger (cloud) → Sink (store)
//
// It knows the stages only through the small interfaces below, so each
// stage can be tested alone and a stage can be replaced without touching
// the others.
package ingest
