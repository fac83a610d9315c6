// Package buildinfo reads what the running binary was built from (the
// build information Go records) for 'orchex version'. It sits beside the
// flow, under pkg/cli.
package buildinfo
