// Package cpuprofile writes a Go CPU profile of a command to a file (for
// go tool pprof; docs/performance.md), as every orchex output is written
// (internal/outfile). It sits beside the flow, under pkg/cli's
// --cpuprofile.
package cpuprofile
