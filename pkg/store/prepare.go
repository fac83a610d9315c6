package store

import (
	"strings"

	"github.com/orchex/orchex/pkg/ingest"
	"github.com/orchex/orchex/pkg/model"
)

var _ ingest.Preparer = (*Store)(nil)

// Prepare computes it's observation fingerprint and keeps of it.Obs only
// the fields Put stores (engine, query and record ids, address, port,
// transport, time): the banner, HTTP, certificate and product details are
// in the fingerprint and, as far as a report needs them, in it.Service
// and it.Class. An import's parallel workers call it (through
// ingest.Pipeline.Item), so the hashing runs on every core and a batch of
// items waiting for the single writer is about a tenth of its size. Put
// uses a non-zero it.Fingerprint as given. Prepare does not touch the
// database and is safe for concurrent use.
func (s *Store) Prepare(it *ingest.Item) {
	// The canonical encoding the fingerprint hashes is a few KB a banner;
	// its buffers are reused (it was the import's largest allocation).
	bp, _ := s.scratch.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	it.Fingerprint, *bp = fingerprint(&it.Obs, *bp)
	if cap(*bp) <= maxScratch {
		s.scratch.Put(bp)
	}
	// Strings a classifier took from the banner (a version, evidence)
	// may share its memory: copy them, or a waiting batch keeps every
	// banner alive.
	c, sv := &it.Class, &it.Service
	c.ProductEvidence, c.Version, c.AuthEvidence = strings.Clone(c.ProductEvidence), strings.Clone(c.Version), strings.Clone(c.AuthEvidence)
	sv.ProductEvidence, sv.Version, sv.AuthEvidence = strings.Clone(sv.ProductEvidence), strings.Clone(sv.Version), strings.Clone(sv.AuthEvidence)
	sv.Title, sv.Org, sv.City, sv.Country = strings.Clone(sv.Title), strings.Clone(sv.Org), strings.Clone(sv.City), strings.Clone(sv.Country)
	o := &it.Obs
	it.Obs = model.Observation{
		Engine: o.Engine, QueryID: o.QueryID, RecordID: o.RecordID,
		Addr: o.Addr, Port: o.Port, Transport: o.Transport, SeenAt: o.SeenAt,
	}
}

// maxScratch is the largest fingerprint buffer Prepare keeps for reuse: a
// banner of megabytes does not pin its encoding.
const maxScratch = 64 << 10
