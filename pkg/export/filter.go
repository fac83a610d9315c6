package export

import (
	"context"

	"github.com/orchex/orchex/pkg/model"
	"github.com/orchex/orchex/pkg/store"
)

// Filtered is the Source of the services src holds that keep keeps (one
// scope's services), and of the observations of those services.
func Filtered(src Source, keep func(*model.Service) bool) Source {
	return &filtered{src: src, keep: keep}
}

type filtered struct {
	src  Source
	keep func(*model.Service) bool
	keys map[model.Key]struct{} // the kept services, read once for observations
}

func (f *filtered) Services(ctx context.Context, snapshot string, fn func(*model.Service) error) error {
	return f.src.Services(ctx, snapshot, func(sv *model.Service) error {
		if !f.keep(sv) {
			return nil
		}
		return fn(sv)
	})
}

// Observations streams the observations of the kept services. The store
// keeps an observation's service key, not its owner's facts, so the kept
// services' keys are read first (memory: the kept services, not the
// snapshot's).
func (f *filtered) Observations(ctx context.Context, snapshot string, fn func(*store.Observation) error) error {
	if f.keys == nil {
		f.keys = map[model.Key]struct{}{}
		err := f.Services(ctx, snapshot, func(sv *model.Service) error {
			f.keys[sv.Key] = struct{}{}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return f.src.Observations(ctx, snapshot, func(o *store.Observation) error {
		if _, ok := f.keys[o.Key]; !ok {
			return nil
		}
		return fn(o)
	})
}
