package source

import "github.com/orchex/orchex/pkg/model"

func engineOf(s string) model.Engine { return model.Engine(s) }

// PageCoster is implemented by engines that know, before fetching, how
// many credits a page will cost. The pager uses it to stop before a page
// would exceed the credit budget. Engines without it are assumed to
// charge 1 credit a page.
type PageCoster interface {
	PageCost(q Query, page int) int
}

// Finisher is implemented by engines that can tell from a stored raw page
// whether it was the query's last page (Shodan pages by number, so its
// Next is always ""). Without it, a stored page is the last when it has no
// hits or no Next cursor.
type Finisher interface {
	Done(raw *model.RawPage) bool
}

func pageCost(e Engine, q Query, page int) int {
	if c, ok := e.(PageCoster); ok {
		return c.PageCost(q, page)
	}
	return 1
}

func done(e Engine, raw *model.RawPage) bool {
	if f, ok := e.(Finisher); ok {
		return f.Done(raw)
	}
	return raw.Hits == 0 || raw.Next == ""
}
