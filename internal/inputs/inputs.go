package inputs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
)

// Stdin is the name of standard input among the paths.
const Stdin = "-"

// Errors of Check, wrapped with the path.
var (
	ErrMissing   = errors.New("no such file")
	ErrDirectory = errors.New("is a directory")
	ErrEmpty     = errors.New("the file is empty")
)

// Check sorts paths into those to read, empty regular files (nothing to
// read; callers skip them) and problems: one error per missing file or
// directory, naming it. Standard input ("-") and special files (pipes,
// devices) are to read.
func Check(paths []string) (read, empty []string, problems []error) {
	for _, p := range paths {
		if p == Stdin {
			read = append(read, p)
			continue
		}
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problems = append(problems, fmt.Errorf("%s: %w", p, ErrMissing))
		case err != nil:
			problems = append(problems, err)
		case fi.IsDir():
			problems = append(problems, fmt.Errorf("%s: %w", p, ErrDirectory))
		case fi.Mode().IsRegular() && fi.Size() == 0:
			empty = append(empty, p)
		default:
			read = append(read, p)
		}
	}
	return read, empty, problems
}

// Input is an open input: a reader that counts what was read.
type Input struct {
	r     io.Reader
	Size  int64 // bytes of a regular file; 0 when unknown
	n     atomic.Int64
	close func() error
	once  sync.Once
}

// Open opens path, or stdin for "-".
func Open(path string, stdin io.Reader) (*Input, error) {
	if path == Stdin {
		if stdin == nil {
			return nil, errors.New("no standard input")
		}
		return &Input{r: stdin, close: func() error { return nil }}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	in := &Input{r: f, close: f.Close}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		in.Size = fi.Size()
	}
	return in, nil
}

// Read reads from the input.
func (in *Input) Read(p []byte) (int, error) {
	n, err := in.r.Read(p)
	in.n.Add(int64(n))
	return n, err
}

// Done returns the bytes read so far; it may be called from another
// goroutine.
func (in *Input) Done() int64 { return in.n.Load() }

// Close closes the input once; it may be called from another goroutine,
// which ends a read blocked on a pipe.
func (in *Input) Close() error {
	var err error
	in.once.Do(func() { err = in.close() })
	return err
}
