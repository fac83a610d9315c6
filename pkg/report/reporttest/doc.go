// Package reporttest provides synthetic snapshots with known truth for
// the tests of package report and its renderers.
//
// It stands in for the store at the report stage: [Stream] serves
// services in the store's order, the way store.Services does, so that
// report.Build and csvreport.Write are tested on the same input. The
// figures each fixture must produce are listed beside it, so a test can
// assert them exactly.
package reporttest
