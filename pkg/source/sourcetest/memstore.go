package sourcetest

import (
	"context"
	"fmt"
	"sync"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/source"
)

// MemStore is an in-memory [source.PageStore] whose Put method is a
// [source.Handler]: it keeps raw pages and the observations' keys, so
// tests can check resume and dedup. It is safe for concurrent use.
type MemStore struct {
	Snapshot string

	mu       sync.Mutex
	pages    map[string]*model.RawPage // snapshot|engine|query|page
	services map[model.Key]int         // observations per service
	puts     int
}

// NewMemStore returns an empty store for snapshot.
func NewMemStore(snapshot string) *MemStore {
	return &MemStore{Snapshot: snapshot, pages: map[string]*model.RawPage{}, services: map[model.Key]int{}}
}

func pageKey(snapshot string, e model.Engine, queryID string, page int) string {
	return fmt.Sprintf("%s|%s|%s|%d", snapshot, e, queryID, page)
}

// LastPage implements source.PageStore.
func (m *MemStore) LastPage(ctx context.Context, snapshot string, e model.Engine, queryID string) (*model.RawPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var last *model.RawPage
	for _, p := range m.pages {
		if p.Engine == e && p.QueryID == queryID && m.Snapshot == snapshot && (last == nil || p.Page > last.Page) {
			last = p
		}
	}
	if last == nil {
		return nil, nil
	}
	c := *last
	return &c, nil
}

// Page implements source.PageStore.
func (m *MemStore) Page(ctx context.Context, snapshot string, e model.Engine, queryID string, page int) (*model.RawPage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	p, ok := m.pages[pageKey(snapshot, e, queryID, page)]
	if !ok {
		return nil, nil
	}
	c := *p
	return &c, nil
}

// Put stores a page and its observations (a [source.Handler]).
func (m *MemStore) Put(ctx context.Context, p *source.Page) (source.Stored, error) {
	if err := ctx.Err(); err != nil {
		return source.Stored{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	raw := p.Raw
	raw.Body = append([]byte(nil), p.Raw.Body...)
	m.pages[pageKey(m.Snapshot, raw.Engine, raw.QueryID, raw.Page)] = &raw
	m.puts++
	var st source.Stored
	for _, o := range p.Observations {
		k := o.Key()
		if m.services[k] == 0 {
			st.NewServices++
		} else {
			st.MergedServices++
		}
		m.services[k]++
	}
	return st, nil
}

// Pages returns the stored raw pages of a query in page order.
func (m *MemStore) Pages(e model.Engine, queryID string) []model.RawPage {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []model.RawPage
	for i := 1; ; i++ {
		p, ok := m.pages[pageKey(m.Snapshot, e, queryID, i)]
		if !ok {
			return out
		}
		out = append(out, *p)
	}
}

// Services returns the number of distinct services stored.
func (m *MemStore) Services() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.services)
}
