package eol

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
)

//go:generate go run ./internal/gen -pages ../../../shared/data/eol -out calendars.json

// Generate writes the compact calendars file that orchex embeds from the
// endoflife.date pages in fsys (../shared/data/eol): the calendars of
// [CalendarIDs] only, with the licence, the repository, the commit and
// its date, all of which must be present.
func Generate(fsys fs.FS, w io.Writer) error {
	d, err := ReadPages(fsys)
	if err != nil {
		return err
	}
	switch {
	case d.Commit == "" || d.Date == "":
		return fmt.Errorf("%s: no \"commit <40 hex digits> of YYYY-MM-DD\" line: %w", sourcesFile, ErrBadData)
	case d.Licence.Text == "" || d.Licence.Copyright == "":
		return fmt.Errorf("%s: missing, or no copyright line: %w", licenceFile, ErrBadData)
	}
	want := CalendarIDs()
	var keep []Product
	for _, p := range d.Products {
		if slices.Contains(want, p.ID) {
			keep = append(keep, p)
		}
	}
	for _, id := range want {
		if _, ok := (&Data{Products: keep}).Product(id); !ok {
			return fmt.Errorf("no page %s.md: %w", id, ErrBadData)
		}
	}
	d.Products = keep
	return Encode(w, d)
}
