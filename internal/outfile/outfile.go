package outfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// Errors callers can test with errors.Is.
var (
	// ErrDirectory: the path is a directory.
	ErrDirectory = errors.New("is a directory")
	// ErrProtected: the path is a file the command reads (Protect).
	ErrProtected = errors.New("is a file this command reads")
)

// ProtectedError says which protected file an output path is.
type ProtectedError struct {
	Path  string // the output path
	Other string // the protected file it is, as given in Protect
	What  string // what the protected file is, e.g. "the database"
}

// Error implements error.
func (e *ProtectedError) Error() string {
	if e.Path == e.Other {
		return fmt.Sprintf("%s is %s", e.Path, e.What)
	}
	return fmt.Sprintf("%s is the same file as %s (%s)", e.Path, e.Other, e.What)
}

// Unwrap returns ErrProtected.
func (e *ProtectedError) Unwrap() error { return ErrProtected }

// Protected is a file an output must not be, and what it is.
type Protected struct {
	Path string
	What string // "the database", "an input file"
}

// maxLinks bounds the symbolic links followed to a missing target.
const maxLinks = 40

// File is an output being written. Write to it, then Commit; Close
// without Commit removes what was written (for a regular file) and leaves
// the target as it was.
type File struct {
	path   string // as given
	target string // the file that receives the bytes (path, or a link's target)
	tmp    string // temporary file, "" when writing directly
	f      io.WriteCloser
	mode   fs.FileMode // an existing regular target's mode, kept
	keep   bool        // mode is set
	done   bool
}

// Create opens path for output (see the package comment). Files in
// protect are compared by identity (os.SameFile), through links.
func Create(path string, protect ...Protected) (*File, error) {
	target, fi, err := resolve(path)
	if err != nil {
		return nil, err
	}
	if fi != nil {
		for _, p := range protect {
			if pi, err := os.Stat(p.Path); err == nil && os.SameFile(fi, pi) {
				return nil, &ProtectedError{Path: path, Other: p.Path, What: p.What}
			}
		}
	}
	o := &File{path: path, target: target}
	switch {
	case fi == nil:
		if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
			return nil, fmt.Errorf("create directory for %s: %w", path, err)
		}
	case fi.IsDir():
		return nil, fmt.Errorf("%s: %w; give a file name inside it", path, ErrDirectory)
	case fi.Mode().IsRegular():
		o.mode, o.keep = fi.Mode().Perm(), true
	case fi.Mode()&fs.ModeSocket != 0:
		c, err := net.Dial("unix", target)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		o.f = c
		return o, nil
	default: // a device or a named pipe: write to it as it is
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		o.f = f
		return o, nil
	}
	f, tmp, err := createTemp(target)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w (is the directory writable?)", path, err)
	}
	o.f, o.tmp = f, tmp
	return o, nil
}

// resolve follows path's symbolic links to the file that receives the
// output, and returns it with its FileInfo (nil when it does not exist).
func resolve(path string) (string, fs.FileInfo, error) {
	target := path
	for range maxLinks {
		fi, err := os.Lstat(target)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return target, nil, nil
		case err != nil:
			return "", nil, fmt.Errorf("write %s: %w", path, err)
		case fi.Mode()&fs.ModeSymlink == 0:
			return target, fi, nil
		}
		link, err := os.Readlink(target)
		if err != nil {
			return "", nil, fmt.Errorf("write %s: %w", path, err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(target), link)
		}
		target = link
	}
	return "", nil, fmt.Errorf("write %s: too many levels of symbolic links", path)
}

// createTemp creates a new file beside target with mode 0666 before the
// umask, as the target itself would have been created.
func createTemp(target string) (*os.File, string, error) {
	dir, base := filepath.Split(target)
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64()%1e10, 10))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("no unused temporary name in %s", dir)
}

// Direct reports whether the output goes straight to a device, pipe or
// socket rather than through a temporary file.
func (o *File) Direct() bool { return o.tmp == "" }

// Temp returns the temporary file, "" when writing directly.
func (o *File) Temp() string { return o.tmp }

// Write writes to the output.
func (o *File) Write(p []byte) (int, error) { return o.f.Write(p) }

// Commit finishes the output: a temporary file is synced, given the
// target's mode and renamed over it; a direct output is closed.
func (o *File) Commit() error {
	if o.done {
		return fmt.Errorf("write %s: already closed", o.path)
	}
	o.done = true
	if o.tmp == "" {
		if err := o.f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
		return nil
	}
	f := o.f.(*os.File)
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && o.keep {
		err = os.Chmod(o.tmp, o.mode)
	}
	if err == nil {
		err = os.Rename(o.tmp, o.target)
	}
	if err != nil {
		os.Remove(o.tmp)
		return fmt.Errorf("write %s: %w", o.path, err)
	}
	if d, err := os.Open(filepath.Dir(o.target)); err == nil {
		_ = d.Sync() // make the rename durable where the file system allows
		d.Close()
	}
	return nil
}

// Close abandons an output that was not committed: the temporary file is
// removed and the target left as it was. After Commit it does nothing.
func (o *File) Close() error {
	if o.done {
		return nil
	}
	o.done = true
	err := o.f.Close()
	if o.tmp != "" {
		if rerr := os.Remove(o.tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return rerr
		}
		return nil
	}
	return err
}

// Write creates path, writes it through fn and commits it; on any error
// the target is left as it was.
func Write(path string, fn func(io.Writer) error, protect ...Protected) error {
	_, err := WriteTo(context.Background(), path, fn, nil, protect...)
	return err
}

// WriteTo is Write whose writes stop with ctx (StopWith); track, when
// set, is told the temporary file while it is written, and returns the
// function that forgets it (a command abandoned on an interrupt removes
// it). It reports whether path was written directly (a device, a pipe, a
// socket: no temporary file, nothing replaced).
func WriteTo(ctx context.Context, path string, fn func(io.Writer) error, track func(string) func(), protect ...Protected) (direct bool, err error) {
	o, err := Create(path, protect...)
	if err != nil {
		return false, err
	}
	if track != nil {
		defer track(o.Temp())()
	}
	defer o.Close()
	if err := fn(StopWith(ctx, o)); err != nil {
		// The error may name the temporary file; name the output too.
		return o.Direct(), fmt.Errorf("write %s: %w", path, err)
	}
	return o.Direct(), o.Commit()
}

// StopWith returns a writer to w whose writes fail with ctx's error once
// ctx is done, so that a renderer stops at its next write after an
// interrupt.
func StopWith(ctx context.Context, w io.Writer) io.Writer { return ctxWriter{ctx, w} }

type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
