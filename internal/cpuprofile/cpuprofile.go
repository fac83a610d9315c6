package cpuprofile

import (
	"fmt"
	"runtime/pprof"

	"github.com/orchex/orchex/internal/outfile"
)

// Start starts profiling into path (outfile.Create, protected as asked)
// and returns the function that stops it and commits the file.
func Start(path string, protect ...outfile.Protected) (stop func() error, err error) {
	f, err := outfile.Create(path, protect...)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Commit()
	}, nil
}
