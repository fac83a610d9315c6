package eol

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// LoadCache returns the calendars to judge with when none are named: those
// of the cache directory dir written by [Update], unless it has none or
// they are older than the embedded snapshot, else the embedded snapshot;
// note then says why the cache was passed over. dir "" means no cache. A
// malformed cache is an error naming it.
func LoadCache(dir string) (d *Data, note string, err error) {
	emb, err := Embedded()
	if err != nil || dir == "" {
		return emb, "", err
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); errors.Is(err, fs.ErrNotExist) {
		return emb, fmt.Sprintf("no calendars in %s; using the embedded ones of %s", dir, emb.Date), nil
	}
	d, err = LoadDir(dir)
	if err != nil {
		return nil, "", err
	}
	if d.Date < emb.Date {
		return emb, fmt.Sprintf("the cache's calendars of %s are older than the embedded ones of %s; using the embedded ones", d.Date, emb.Date), nil
	}
	return d, "", nil
}
