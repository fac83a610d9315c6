// Package inputs checks and opens the files a command reads (orchex
// import's FILE arguments), before pkg/importer streams them: a missing
// file, a directory and an empty file are told apart with one clear error
// each, "-" is standard input, and an open input counts the bytes read
// (for the progress meter) and can be closed from another goroutine (to
// end a read blocked on a pipe or an endless device when the command is
// interrupted).
package inputs
