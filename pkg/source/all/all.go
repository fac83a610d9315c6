package all

import (
	"github.com/orchex/orchex/pkg/source"
	"github.com/orchex/orchex/pkg/source/censys"
	"github.com/orchex/orchex/pkg/source/shodan"
)

// Engines returns a registry of every engine, in the order collect runs
// and lists them.
func Engines() *source.Registry {
	r := source.NewRegistry()
	r.Register(shodan.Factory())
	r.Register(censys.Factory())
	return r
}
