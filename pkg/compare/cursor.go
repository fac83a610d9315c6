package compare

import (
	"errors"
	"fmt"
	"iter"

	"github.com/orchex/orchex/pkg/model"
)

// Cursor reads a stream of services sorted by address, port and
// transport (store.Services) one at a time, for a merge join of two
// snapshots: Diff here, and a briefing's changes since an earlier
// snapshot (pkg/brief). It checks the order: a stream that is not
// sorted, or holds a service twice, is an error, never a wrong join.
type Cursor struct {
	// Cur is the current service, a copy the stream cannot change; nil
	// before the first Advance and at the end.
	Cur *model.Service

	label string
	next  func() (*model.Service, bool)
	err   *error
	n     int
}

var errStopped = errors.New("stopped")

// Pull turns the push stream s of the snapshot label into a Cursor
// (iter.Pull runs the stream as a coroutine: one service at a time, no
// buffering). Call stop when done with the cursor.
func Pull(label string, s Services) (c *Cursor, stop func()) {
	var serr error
	seq := func(yield func(*model.Service) bool) {
		err := s(func(sv *model.Service) error {
			if !yield(sv) {
				return errStopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStopped) {
			serr = err
		}
	}
	next, stop := iter.Pull(seq)
	return &Cursor{label: label, next: next, err: &serr}, stop
}

// Advance moves to the next service; Cur is nil at the end. It returns
// the stream's error, and an error naming both services when a service
// does not sort after the one before it.
func (c *Cursor) Advance() error {
	prev := c.Cur
	sv, ok := c.next()
	if !ok {
		c.Cur = nil
		if *c.err != nil {
			return fmt.Errorf("reading snapshot %s: %w", c.label, *c.err)
		}
		return nil
	}
	c.n++
	if prev != nil && prev.Key.Compare(sv.Key) >= 0 {
		return fmt.Errorf("snapshot %s: service #%d (%s) arrived after %s: services must be sorted by address, port and transport, each once",
			c.label, c.n, keyString(sv.Key), keyString(prev.Key))
	}
	cp := *sv // a stream may reuse its value
	c.Cur = &cp
	return nil
}
