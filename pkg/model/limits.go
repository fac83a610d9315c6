package model

// Field caps applied by the engine decoders (source/shodan, source/censys)
// to every engine-supplied string. Strings longer than a cap are cut at a
// UTF-8 rune boundary at or below it, so a capped string stays valid UTF-8.
// Lists longer than a cap keep their first elements in the engine's order.
const (
	MaxBody        = 2 << 10  // HTTP.Body snippet, bytes
	MaxTitle       = 512      // HTTP.Title, bytes
	MaxHeaderName  = 256      // Header.Name, bytes
	MaxHeaderValue = 1 << 10  // Header.Value, bytes
	MaxHeaders     = 32       // HTTP.Headers entries
	MaxSANs        = 64       // TLS.SANs entries
	MaxBanner      = 2 << 10  // Observation.Banner, bytes
	MaxText        = 1 << 10  // any other string (org, product, DN, hostname, label...), bytes
	MaxList        = 64       // Hostnames, Labels, Software entries
	MaxRecord      = 16 << 20 // one engine record (banner, host), bytes; larger records are rejected
)
