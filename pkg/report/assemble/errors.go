package assemble

import "errors"

// ErrNoSnapshots is returned when a trend is asked of a store that holds
// no snapshot.
var ErrNoSnapshots = errors.New("the database has no snapshot yet")

// RangeError is a trend range the store's snapshots cannot give: an
// unknown label (with the stored label closest to it, [Suggest]), or
// from after to.
type RangeError struct{ Err error }

func (e *RangeError) Error() string { return "assemble: trend range: " + e.Err.Error() }

// Unwrap returns the cause.
func (e *RangeError) Unwrap() error { return e.Err }
