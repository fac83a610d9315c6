// Package sourcetest is the conformance suite every engine adapter
// (source/shodan, source/censys) must pass, in the manner of restic's
// backend test suite: the adapter's package supplies a [Harness] that
// starts its fake server, and [Run] checks the behaviour the pager and the
// CLI rely on: paging to the end, stopping at the page and credit limits,
// resuming after a crash without fetching a page twice, classifying errors,
// retrying transient faults, and never leaking the secret.
//
// It also provides [MemStore], an in-memory [source.PageStore] and page
// sink for tests.
package sourcetest
