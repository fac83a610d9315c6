// Package cachedir names the directories where orchex keeps the
// reference data it downloads (the cloud range feeds of 'orchex ranges
// update', the release calendars of 'orchex eol update'), as the XDG base
// directory specification asks. pkg/cli reads and writes them through
// pkg/cloud and pkg/eol.
package cachedir
