package demo

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"

	"github.com/orchex/orchex/internal/outfile"
)

// Restrict makes the population collectable with the given catalog: a
// service whose product has no query on an engine cannot be found there,
// so that engine's flag is cleared, and a service no engine can find is
// dropped from the population and its truth.
func (p *Population) Restrict(shodan, censys func(product string) bool) {
	keep := p.Services[:0]
	for _, s := range p.Services {
		s.Shodan = s.Shodan && shodan(s.Product)
		s.Censys = s.Censys && censys(s.Product)
		s.Duplicate = s.Duplicate && s.Shodan
		if s.Shodan || s.Censys {
			keep = append(keep, s)
		}
	}
	p.Services = keep
}

// WriteShodan writes n banners in the format of `shodan download`
// (gzip, one JSON banner per line) to w: the population's services in
// order, each with its duplicate banner where it has one, then noise, then
// more services of a larger population if n asks for more. It streams:
// memory stays flat whatever n.
func WriteShodan(ctx context.Context, w io.Writer, cfg Config, n int) (int, error) {
	cfg.Size = n
	p := Generate(cfg)
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(zw, 1<<20)
	written := 0
	emit := func(s *Service, at int64) error {
		if written >= n {
			return nil
		}
		b := s.ShodanBanner(s.SeenAt.Add(timeOffset(at)))
		bw.Write(b)
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
		written++
		if written%10000 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range p.Services {
		s := &p.Services[i]
		if err := emit(s, 0); err != nil {
			return written, err
		}
		if s.Duplicate {
			if err := emit(s, 1); err != nil {
				return written, err
			}
		}
	}
	for i := range p.Noise {
		if err := emit(&p.Noise[i], 0); err != nil {
			return written, err
		}
	}
	if err := bw.Flush(); err != nil {
		return written, err
	}
	if err := zw.Close(); err != nil {
		return written, err
	}
	return written, nil
}

// WriteShodanFile writes n banners to path (see WriteShodan) as
// internal/outfile writes outputs: atomically for a regular file, through
// links, directly to a device or pipe.
func WriteShodanFile(ctx context.Context, path string, cfg Config, n int) (int, error) {
	written := 0
	err := outfile.Write(path, func(w io.Writer) error {
		var err error
		written, err = WriteShodan(ctx, w, cfg, n)
		return err
	})
	if err != nil {
		return written, fmt.Errorf("demo: %w", err)
	}
	return written, nil
}
