package collect

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orchex/orchex/pkg/catalog"
	"github.com/orchex/orchex/pkg/source"
)

// Selection picks catalog products: the products named, kept to Family
// when it is set too; every product of Family; or, when both are empty,
// every product.
type Selection struct {
	Products []string // product ids
	Family   string
}

// Errors of a selection; a *SelectionError unwraps to one of them.
var (
	ErrUnknownProduct = errors.New("unknown product")
	ErrUnknownFamily  = errors.New("no product has this family")
)

// SelectionError names a product or family the catalog does not have.
type SelectionError struct {
	Err   error  // ErrUnknownProduct or ErrUnknownFamily
	Value string // the id or family asked for
	Known []string
}

func (e *SelectionError) Error() string {
	return fmt.Sprintf("%v %q (known: %s)", e.Err, e.Value, strings.Join(e.Known, ", "))
}

// Unwrap returns ErrUnknownProduct or ErrUnknownFamily.
func (e *SelectionError) Unwrap() error { return e.Err }

// Families returns the families of the catalog's products, sorted.
func Families(cat *catalog.Catalog) []string {
	var out []string
	for _, p := range cat.Products() {
		out = append(out, p.Family)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// products returns the selected product ids; all is true when every
// product is selected.
func (s Selection) products(cat *catalog.Catalog) (all bool, ids map[string]bool, err error) {
	ids = map[string]bool{}
	for _, id := range s.Products {
		p, ok := cat.Product(id)
		if !ok {
			var known []string
			for _, p := range cat.Products() {
				known = append(known, p.ID)
			}
			return false, nil, &SelectionError{Err: ErrUnknownProduct, Value: id, Known: known}
		}
		ids[p.ID] = true
	}
	if s.Family != "" {
		found := false
		for _, p := range cat.Products() {
			switch {
			case p.Family == s.Family:
				found = true
				if len(s.Products) == 0 {
					ids[p.ID] = true
				}
			case len(s.Products) > 0:
				delete(ids, p.ID)
			}
		}
		if !found {
			return false, nil, &SelectionError{Err: ErrUnknownFamily, Value: s.Family, Known: Families(cat)}
		}
	}
	return len(s.Products) == 0 && s.Family == "", ids, nil
}

// Queries returns the catalog queries of the selected products that e
// runs (its name and dialect), in catalog order.
func Queries(cat *catalog.Catalog, sel Selection, e source.Engine) ([]source.Query, error) {
	all, ids, err := sel.products(cat)
	if err != nil {
		return nil, err
	}
	dialect := source.CapsOf(e).Dialect
	var out []source.Query
	for _, q := range cat.Queries() {
		if q.Engine != e.Name() || q.Dialect != dialect || !(all || ids[q.Product]) {
			continue
		}
		out = append(out, source.Query{ID: q.ID, Product: q.Product, Text: q.Text})
	}
	return out, nil
}
