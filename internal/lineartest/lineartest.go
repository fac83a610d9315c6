package lineartest

import (
	"runtime"
	"testing"
)

// Work is what one run of the code under test cost.
type Work struct {
	Allocs uint64 // heap allocations
	Bytes  uint64 // heap bytes allocated
	Steps  int    // the code's own step counter, 0 when it keeps none
}

// Measure runs f once to warm up, then once more, and returns the
// allocations and bytes of the second run and the steps f reports. Run
// it from a test that is not parallel: the allocation counters are the
// process's.
func Measure(f func() (steps int)) Work {
	f()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	steps := f()
	runtime.ReadMemStats(&m1)
	return Work{Allocs: m1.Mallocs - m0.Mallocs, Bytes: m1.TotalAlloc - m0.TotalAlloc, Steps: steps}
}

// MaxGrowth is the largest ratio of increments Check accepts: the work
// added from 2n to 4n over the work added from n to 2n is 2 for linear
// work, 4 for quadratic work and about 2.2 for n log n.
const MaxGrowth = 2.6

// Check measures run(n), run(2n) and run(4n) and fails t when, for the
// allocations, the bytes allocated or the steps, the work added from 2n
// to 4n is more than MaxGrowth times the work added from n to 2n (a
// constant part, such as a fixed buffer, cancels out). A measure that
// does not grow at all from n to 2n must not grow from 2n to 4n either,
// beyond slack (the allocations of a pool or a map rehash).
func Check(t testing.TB, what string, n int, run func(n int) Work) {
	t.Helper()
	w := [3]Work{run(n), run(2 * n), run(4 * n)}
	t.Logf("%s: n=%d %+v, 2n %+v, 4n %+v", what, n, w[0], w[1], w[2])
	check := func(measure string, a, b, c float64, slack float64) {
		d1, d2 := b-a, c-b
		if d2 <= slack || d2 <= MaxGrowth*max(d1, 0)+slack {
			return
		}
		t.Errorf("%s: %s grows faster than the input: %.0f at n=%d, %.0f at 2n, %.0f at 4n (the step from 2n to 4n adds %.1f times what the step from n to 2n added; linear work adds 2 times)",
			what, measure, a, n, b, c, d2/max(d1, 1))
	}
	check("allocations", float64(w[0].Allocs), float64(w[1].Allocs), float64(w[2].Allocs), 64)
	check("bytes allocated", float64(w[0].Bytes), float64(w[1].Bytes), float64(w[2].Bytes), 64<<10)
	check("steps", float64(w[0].Steps), float64(w[1].Steps), float64(w[2].Steps), 0)
}
