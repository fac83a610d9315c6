// Package cli is orchex's command line: flag parsing, wiring of the stages,
// terminal output and exit codes. It is the only package that knows about
// flags; every verb has its own file with an Options struct and a run
// function that tests can call directly.
//
// Exit codes: 0 ok, 1 failure, 2 usage error, 3 partly done (some input
// records were bad, or a collection stopped at a limit).
package cli
