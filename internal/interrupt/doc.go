// Package interrupt turns the process's SIGINT and SIGTERM into the
// cancellation of a context whose cause names the signal, for pkg/cli's
// Run: the command in progress stops, and Main exits 128 + the signal's
// number and says what the command kept.
package interrupt
