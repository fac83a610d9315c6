// Package fetch downloads one document over HTTP for the commands that
// update orchex's reference data (`orchex ranges update` through
// pkg/cloud, `orchex eol update` through pkg/eol): a GET with a size cap.
package fetch
