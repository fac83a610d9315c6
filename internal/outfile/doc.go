// Package outfile writes an output file the way a user expects of a path
// they name: it sits beside the report stages (pkg/report renders into
// an io.Writer; outfile decides where the bytes go) and serves every
// output flag of pkg/cli (--out, --write-shodan, --cpuprofile).
//
// A regular file (new or existing) is written atomically: to a temporary
// file in the same directory, synced, then renamed over it, so that a
// failure leaves the previous file whole; a new file gets the mode the
// umask allows (0666 &^ umask), an existing one keeps its mode. A
// symbolic link is followed and its target written the same way, so the
// link stays a link. A device, a named pipe or a socket is written
// directly (replacing /dev/null or a FIFO with a regular file would be
// destruction, not output). A directory is an error naming the path, and
// so is a path that is one of the files the command reads (Protect).
package outfile
