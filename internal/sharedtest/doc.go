// Package sharedtest finds the shared research material (../shared next to
// the module root: API samples, cloud range feeds) for the tests that read
// it. It sits beside the data flow, used only by tests of the stages that
// decode real data (source/shodan, source/censys, importer, cloud).
//
// The material is not part of the repository. On a user's clone it is
// usually absent, and a test that needs it is skipped with a message
// saying where it was looked for. When the environment variable CI is set
// (to anything but "" or "false"), a missing directory fails the test
// instead: CI must never skip these tests silently.
//
// Tests that use it have "Shared" in their names (docs/design.md).
package sharedtest
