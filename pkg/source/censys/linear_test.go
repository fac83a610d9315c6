package censys

import (
	"fmt"
	"strings"
	"testing"

	"github.com/orchex/orchex/internal/lineartest"
	"github.com/orchex/orchex/pkg/model"
)

// Records made of n parts, for the linear-work tests and the doubling
// benchmarks: the shapes that once cost quadratic time (issue 16: a v3 hit
// with many services and matched_services, one service with many
// endpoints of mixed paths) and the other lists a host can grow.

// hitManyMatched is a v3 hit whose n services are matched by n
// matched_services entries naming other transports, so that every lookup
// misses: the old list search compared each service with every entry.
func hitManyMatched(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"host_v1":{"resource":{"ip":"192.0.2.1","services":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"port":%d,"transport_protocol":"tcp","protocol":"HTTP"}`, i%65535+1)
	}
	b.WriteString(`]},"matched_services":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"port":%d,"transport_protocol":"udp"}`, i%65535+1)
	}
	b.WriteString(`]}}`)
	return []byte(b.String())
}

// hostManyEndpoints is a v3 host with one service of n HTTP endpoints: n/2
// with other paths, then n/2 with path "/": the old search for the chosen
// endpoint walked the list again for each root endpoint.
func hostManyEndpoints(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"ip":"192.0.2.1","services":[{"port":443,"protocol":"HTTP","endpoints":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		path := "/"
		if i < n/2 {
			path = fmt.Sprintf("/p%d", i)
		}
		fmt.Fprintf(&b, `{"path":%q,"http":{"status_code":200,"html_title":"t%d"},"kubernetes":{"nodes":%d}}`, path, i, i)
	}
	b.WriteString(`]}]}`)
	return []byte(b.String())
}

// hostManyServices is a v3 host of n services, each with a certificate,
// software, labels and an HTTP endpoint with headers.
func hostManyServices(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"ip":"192.0.2.1","dns":{"names":["a.example","b.example"]},"services":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"port":%d,"transport_protocol":"tcp","protocol":"HTTP","software":[{"vendor":"v","product":"p%d"}],`+
			`"labels":[{"value":"l"}],"cert":{"names":["n%d.example"]},"endpoints":[{"path":"/","http":{"status_code":200,`+
			`"headers":{"Server":{"headers":["nginx"]},"X-A":{"headers":["1","2"]}}}}]}`, i%65535+1, i, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// hostManyNames is a v3 host with n DNS names, n header members and n
// software entries: lists the decoder caps.
func hostManyNames(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"ip":"192.0.2.1","dns":{"names":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"h%d.example"`, i)
	}
	b.WriteString(`]},"services":[{"port":80,"software":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"vendor":"v%d","product":"p"}`, i)
	}
	b.WriteString(`],"endpoints":[{"path":"/","http":{"headers":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"_encoding":{"headers":["x%d"]}`, i)
	}
	b.WriteString(`}}}]}]}`)
	return []byte(b.String())
}

// v2ManyServices is a v2 host view of n services with HTTP responses.
func v2ManyServices(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"ip":"192.0.2.1","last_updated_at":"2026-11-01T00:00:00Z","services":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"port":%d,"service_name":"HTTP","transport_protocol":"TCP","http":{"response":{"status_code":200,`+
			`"headers":{"Server":["nginx"],"Content_Type":["text/html"]},"html_title":"t"}}}`, i%65535+1)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// decoderShapes lists, per decoder, the records of n parts.
func decoderShapes() []struct {
	name   string
	record func(n int) []byte
	decode func(b []byte, c *cost) ([]model.Observation, error)
} {
	hit := func(b []byte, c *cost) ([]model.Observation, error) {
		obs, _, err := decodeV3Hit(b, c)
		return obs, err
	}
	return []struct {
		name   string
		record func(n int) []byte
		decode func(b []byte, c *cost) ([]model.Observation, error)
	}{
		{"v3 hit, services and matched_services", hitManyMatched, hit},
		{"v3 host, endpoints of mixed paths", hostManyEndpoints, decodeV3Host},
		{"v3 host, services", hostManyServices, decodeV3Host},
		{"v3 host, names, software and headers", hostManyNames, decodeV3Host},
		{"v2 host, services", v2ManyServices, decodeV2Host},
	}
}

// TestDecodersLinear holds the Censys decoders to work linear in the
// record: for records of n, 2n and 4n parts it counts the steps (services,
// endpoints and matched services visited, bytes given to encoding/json),
// the allocations and the bytes allocated, never the time. A v3 hit of
// 760,000 services and matched_services once took 8 minutes.
func TestDecodersLinear(t *testing.T) {
	for _, s := range decoderShapes() {
		t.Run(s.name, func(t *testing.T) {
			lineartest.Check(t, s.name, 2000, func(n int) lineartest.Work {
				rec := s.record(n)
				return lineartest.Measure(func() int {
					var c cost
					if _, err := s.decode(rec, &c); err != nil {
						t.Fatal(err)
					}
					return c.steps
				})
			})
		})
	}
}

// TestDecodeManyEndpointsChoosesRoot checks what the one-pass choice of the
// HTTP endpoint keeps: the first endpoint with path "/", else the first.
func TestDecodeManyEndpointsChoosesRoot(t *testing.T) {
	obs, err := DecodeV3Host(hostManyEndpoints(10))
	if err != nil || len(obs) != 1 {
		t.Fatalf("%d observations, %v", len(obs), err)
	}
	if o := obs[0]; o.HTTP == nil || o.HTTP.Title != "t5" || o.Kubernetes == nil || o.Kubernetes.Nodes != 9 {
		t.Errorf("HTTP %+v, Kubernetes %+v; want the first root endpoint (t5) and the largest node count (9)", o.HTTP, o.Kubernetes)
	}
	obs, _, err = DecodeV3Hit(hitManyMatched(10))
	if err != nil || len(obs) != 0 {
		t.Errorf("a hit whose matched_services name other transports gave %d observations, %v; want none", len(obs), err)
	}
}

// BenchmarkDecodeDoubling decodes each record of n parts at n and 2n, for
// people to compare (the test above is the check).
func BenchmarkDecodeDoubling(b *testing.B) {
	for _, s := range decoderShapes() {
		for _, n := range []int{10_000, 20_000} {
			rec := s.record(n)
			b.Run(fmt.Sprintf("%s/n=%d", s.name, n), func(b *testing.B) {
				b.SetBytes(int64(len(rec)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.decode(rec, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
