// Package model holds the data structures shared by every orchex stage.
//
// It sits under the whole data flow:
//
//	catalog → source/{shodan,censys} | importer → normalize → cloud → store → report
//
// An engine adapter or importer turns each engine record into one or more
// [Observation] values; [normalize] classifies an observation into a
// [Service] (product, auth status, evidence); the cloud stage adds a
// [CloudTag]; the store deduplicates services on (address, port, transport)
// within a snapshot. Like ooni's internal/model, this package is a leaf: it
// imports nothing from the project and contains no logic beyond trivial
// accessors.
package model
