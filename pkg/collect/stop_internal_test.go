package collect

import (
	"fmt"
	"testing"

	"github.com/orchex/orchex/pkg/source"
)

// TestStopsEngineOnGuardErrors: an engine whose URL redirects off its
// origin, or is plain HTTP to another host, would refuse every query the
// same way: the engine stops after the first (issue 16).
func TestStopsEngineOnGuardErrors(t *testing.T) {
	for _, sentinel := range []error{source.ErrRedirect, source.ErrInsecure} {
		err := fmt.Errorf("shodan: query q page 1: %w", &source.HTTPError{Engine: "shodan", Op: "search", Err: sentinel})
		if _, stops := stopsEngine(err); !stops {
			t.Errorf("%v does not stop the engine", err)
		}
	}
	if _, stops := stopsEngine(fmt.Errorf("x: %w", source.ErrBadQuery)); stops {
		t.Error("a rejected query stops the engine")
	}
}
