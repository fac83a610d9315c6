// Package lineartest checks, for tests, that a piece of work grows
// linearly with its input: it counts the work at n, 2n and 4n
// (allocations, bytes allocated, or a step counter the code under test
// keeps) and compares the increments, never the time taken, so that the
// check gives the same answer on a loaded machine. It sits beside the
// data flow, used by the tests of every decoder (source/shodan,
// source/censys, importer, cloud): a record or a feed made of n parts
// must cost about twice as much as one of n/2 parts (docs/reliability.md).
package lineartest
