package eol

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
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

// Age says how old data of day date (YYYY-MM-DD) is at now: "12 days
// old", "1 day old", "dated in the future" or "date unreadable".
func Age(date string, now time.Time) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "date unreadable"
	}
	days := int(now.UTC().Sub(t).Hours() / 24)
	switch {
	case days < 0:
		return "dated in the future"
	case days == 1:
		return "1 day old"
	}
	return fmt.Sprintf("%d days old", days)
}

// Note says how a reading departs from the calendar's own versions, for
// a list of the rules: "EKS, GKE, AKS builds: their provider's"; "" when
// the version is read as it is.
func (r Reading) Note() string {
	switch r {
	case ReadKubernetes:
		return "EKS, GKE, AKS builds: their provider's"
	case ReadOpenShiftAPI:
		return "via the Kubernetes version"
	case ReadKong:
		return "Enterprise: enterprise support"
	}
	return ""
}
