// Package suggest finds the known name closest to a mistyped one, for the
// "did you mean" of every usage error and unknown label: commands and
// flags (internal/cliargs), snapshot labels, product ids and families
// (pkg/cli). It sits beside the flow, under the command line.
package suggest
