// Package progress shows how far a long task (an import, a collection)
// has gone, on the stream it is given: on a terminal one line redrawn in
// place (github.com/schollz/progressbar/v3: done and total, rate, ETA);
// elsewhere (a log file, CI) a plain line every Interval, driven by a
// ticker the caller may inject, so that tests need no real time; nothing
// when off. It sits beside pkg/cli, which decides the mode from the
// stream, --quiet and NO_COLOR.
package progress
