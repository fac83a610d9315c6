// Package designcheck holds the tests that keep docs/design.md true: the
// package table's "may import" column is checked against the imports of
// every package in the module, and every package must have a row and a
// doc.go. It has no code of its own; it sits beside the data flow, not in
// it.
package designcheck
