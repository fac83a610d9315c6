package cloud

import (
	"net/netip"
	"slices"
	"sync"
	"testing"

	"github.com/orchex/orchex/pkg/model"
)

func TestTaggerPrecedence(t *testing.T) {
	r := loadFixtures(t)
	obs := func(addr string, asn uint32, provider, region string) *model.Observation {
		return &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr(addr), ASN: asn, Cloud: model.CloudHint{Provider: provider, Region: region}}
	}
	tests := []struct {
		name   string
		ranges *Ranges
		o      *model.Observation
		want   model.CloudTag
	}{
		{"feed beats engine and asn", r, obs("3.5.140.2", 16509, "Amazon", "ap-northeast-2"),
			model.CloudTag{Provider: "aws", Region: "ap-northeast-2", Service: "EC2", Source: "ranges:aws@2026-08-22"}},
		{"feed without date", r, obs("104.248.1.1", 14061, "", ""),
			model.CloudTag{Provider: "digitalocean", Region: "nyc", Source: "ranges:digitalocean"}},
		{"engine when no feed matches", r, obs("198.51.100.7", 16509, "Amazon", "US-East-1"),
			model.CloudTag{Provider: "aws", Region: "us-east-1", Source: "engine:shodan"}},
		{"engine azure display region", r, obs("198.51.100.8", 0, "Azure", "East US"),
			model.CloudTag{Provider: "azure", Region: "eastus", Source: "engine:shodan"}},
		{"asn last", r, obs("198.51.100.9", 24940, "", ""),
			model.CloudTag{Provider: "hetzner", Source: "asn:24940"}},
		{"nothing", r, obs("198.51.100.10", 64500, "", ""), model.CloudTag{}},
		{"nil ranges: engine", nil, obs("3.5.140.2", 16509, "Google", "us-central1"),
			model.CloudTag{Provider: "gcp", Region: "us-central1", Source: "engine:shodan"}},
		{"nil ranges: asn", nil, obs("3.5.140.2", 16509, "", ""),
			model.CloudTag{Provider: "aws", Source: "asn:16509"}},
		{"hostile engine strings", nil, &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr("192.0.2.1"),
			Cloud: model.CloudHint{Provider: "Evil|Cloud\x1b[2J", Region: "<script>us\u202e", Service: "a\x00b"}},
			model.CloudTag{Provider: "evilcloud2j", Region: "scriptus", Service: "ab", Source: "engine:shodan"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewTagger(tt.ranges).Tag(tt.o); got != tt.want {
				t.Errorf("Tag = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestTaggerDisagreements(t *testing.T) {
	tg := NewTagger(loadFixtures(t))
	o := func(addr string, asn uint32, provider, region string) *model.Observation {
		return &model.Observation{Engine: model.Shodan, Addr: netip.MustParseAddr(addr), ASN: asn, Cloud: model.CloudHint{Provider: provider, Region: region}}
	}
	in := []*model.Observation{
		o("3.5.140.2", 16509, "Azure", "eastus"),         // feed aws vs engine azure
		o("3.5.140.3", 16509, "Azure", "westus"),         // again
		o("3.5.140.4", 16509, "Amazon", "us-east-1"),     // same provider, region differs
		o("3.5.140.5", 8075, "Amazon", "ap-northeast-2"), // feed aws vs asn azure
		o("104.248.1.1", 14061, "DigitalOcean", "NYC3"),  // nyc and nyc3 agree
		o("15.177.1.1", 16509, "Amazon", "us-east-1"),    // global region agrees with any
		o("198.51.100.1", 14061, "Amazon", "us-east-1"),  // engine aws vs asn digitalocean
		o("198.51.100.2", 16509, "Amazon", "us-east-1"),  // agree
	}
	var wg sync.WaitGroup
	for _, x := range in {
		wg.Add(1)
		go func() { defer wg.Done(); tg.Tag(x) }()
	}
	wg.Wait()
	want := []Disagreement{
		{"ranges/engine", "provider", "aws", "azure", 2},
		{"engine/asn", "provider", "aws", "digitalocean", 1},
		{"ranges/asn", "provider", "aws", "azure", 1},
		{"ranges/engine", "region", "aws ap-northeast-2", "aws us-east-1", 1},
	}
	if got := tg.Disagreements(); !slices.Equal(got, want) {
		t.Errorf("Disagreements()\n got %+v\nwant %+v", got, want)
	}
	if got, want := tg.Stats(), (TagStats{Ranges: 6, Engine: 2}); got != want {
		t.Errorf("Stats() = %+v, want %+v", got, want)
	}
	if got := tg.DisagreementCount(); got != 5 {
		t.Errorf("DisagreementCount() = %d, want 5", got)
	}
	if got := (*Tagger)(nil).DisagreementCount(); got != 0 {
		t.Errorf("nil Tagger: DisagreementCount() = %d, want 0", got)
	}
}

func TestCanonicalProvider(t *testing.T) {
	tests := map[string]string{
		"Amazon": "aws", "AWS": "aws", "Google": "gcp", "Google Cloud": "gcp", "Azure": "azure", "Microsoft": "azure",
		"DigitalOcean": "digitalocean", "Linode": "linode", "Akamai": "linode", "Vultr": "vultr", "Oracle": "oracle",
		"Cloudflare": "cloudflare", "Alibaba": "alibaba", "Aliyun": "alibaba", "OVH": "ovh", "OVHcloud": "ovh",
		"Hetzner": "hetzner", "Tencent": "tencent", "IBM": "ibm", "SoftLayer": "ibm", "": "", "  ": "",
		"Scaleway": "scaleway", "Some Host": "some-host",
	}
	for in, want := range tests {
		if got := CanonicalProvider(in); got != want {
			t.Errorf("CanonicalProvider(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestProviderName(t *testing.T) {
	for id, want := range map[string]string{"aws": "AWS", "gcp": "Google Cloud", "azure": "Microsoft Azure", "oracle": "Oracle Cloud", "linode": "Linode (Akamai)", "scaleway": "scaleway"} {
		if got := ProviderName(id); got != want {
			t.Errorf("ProviderName(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestASNProvider(t *testing.T) {
	for asn, want := range map[uint32]string{16509: "aws", 14618: "aws", 15169: "gcp", 396982: "gcp", 8075: "azure", 31898: "oracle",
		45102: "alibaba", 37963: "alibaba", 14061: "digitalocean", 63949: "linode", 16276: "ovh", 24940: "hetzner",
		20473: "vultr", 132203: "tencent", 45090: "tencent", 36351: "ibm", 13335: "cloudflare", 0: "", 64500: "", 20940: ""} {
		if got := ASNProvider(asn); got != want {
			t.Errorf("ASNProvider(%d) = %q, want %q", asn, got, want)
		}
	}
	for asn, p := range asnProviders() {
		if ProviderName(p) == p {
			t.Errorf("AS%d maps to %q, which has no display name", asn, p)
		}
	}
}
