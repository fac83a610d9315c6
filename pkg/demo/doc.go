// Package demo builds a synthetic population of exposed services with a
// known truth, so that the whole orchex pipeline can be run and checked
// without API keys.
//
//	demo.NewWorld: Generate → Shodan banners + Censys v3 hosts → shodantest /
//	  censystest fakes on loopback → World.Engines (the registry's adapters)
//	  → the real collect (pkg/collect → source → ingest → store) → report
//
// The population resembles the 2018 study (mostly Kubernetes, mostly AWS,
// more than half of AWS in US regions, a few hundred services without
// authentication) and carries the noise real data has: services no rule
// recognises, duplicates across queries, services seen by one engine only.
// Addresses come only from benchmarking and documentation space
// (198.18.0.0/15, 2001:db8::/32), and the demo writes its own range feeds
// mapping them to providers and regions, so no real address is ever shown
// as exposed.
package demo
