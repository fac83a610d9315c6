package shodantest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// facetPaths maps Shodan facet names to banner properties where they
// differ; any other name is read as a dotted property path.
var facetPaths = map[string]string{
	"country": "location.country_code",
	"city":    "location.city",
	"region":  "location.region_code",
}

// facetItem is one bucket as Shodan sends it: value is a string or a number.
type facetItem struct {
	Count int `json:"count"`
	Value any `json:"value"`
}

// countFacets computes facets ("name" or "name:count", comma-separated;
// Shodan's default count is 5) over a population.
func countFacets(pop Banners, spec string) (map[string][]facetItem, error) {
	type want struct {
		name  string
		limit int
	}
	var wants []want
	for _, f := range strings.Split(spec, ",") {
		name, lim, has := strings.Cut(strings.TrimSpace(f), ":")
		w := want{name: name, limit: 5}
		if has {
			n, err := strconv.Atoi(lim)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("Invalid facet: %s", f)
			}
			w.limit = n
		}
		if w.name == "" {
			return nil, fmt.Errorf("Invalid facet: %s", f)
		}
		wants = append(wants, w)
	}
	decoded := make([]map[string]any, 0, pop.Len())
	for i := range pop.Len() {
		var m map[string]any
		if err := json.Unmarshal(pop.At(i), &m); err == nil {
			decoded = append(decoded, m)
		}
	}
	out := make(map[string][]facetItem, len(wants))
	for _, w := range wants {
		path := w.name
		if p, ok := facetPaths[path]; ok {
			path = p
		}
		counts := map[string]int{}
		values := map[string]any{}
		for _, m := range decoded {
			v, ok := lookup(m, path)
			if !ok || v == nil {
				continue
			}
			k := fmt.Sprint(v)
			counts[k]++
			values[k] = v
		}
		items := make([]facetItem, 0, len(counts))
		for k, n := range counts {
			items = append(items, facetItem{Count: n, Value: values[k]})
		}
		sort.Slice(items, func(i, j int) bool {
			if items[i].Count != items[j].Count {
				return items[i].Count > items[j].Count
			}
			return fmt.Sprint(items[i].Value) < fmt.Sprint(items[j].Value)
		})
		if len(items) > w.limit {
			items = items[:w.limit]
		}
		out[w.name] = items
	}
	return out, nil
}

func lookup(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}
