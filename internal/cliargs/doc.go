// Package cliargs reads a command line the way git, gh and kubectl do,
// over urfave/cli v2's command tree: Normalize rewrites it into the shape
// urfave/cli parses (global flags anywhere, a command's flags before,
// between or after its arguments, `--`, `help A B`, `--version`), and
// names an unknown command or flag with the closest known one
// (internal/suggest); UsageLine is the synopsis a usage error prints. It
// knows no orchex command: pkg/cli hands it its tree.
package cliargs
