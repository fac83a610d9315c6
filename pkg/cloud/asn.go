package cloud

// asnProviders returns the table of the major providers' autonomous
// systems. It is a function so that the table is a constant the caller
// cannot change. Sources: each provider's PeeringDB entry and RIR
// registration; only ASNs that announce the provider's own cloud or
// hosting address space are listed (Akamai's CDN AS20940 is not Linode).
func asnProviders() map[uint32]string {
	return map[uint32]string{
		// Amazon: AMAZON-02, AMAZON-AES, AMAZON EXPANSION, AMAZON-AS, Amazon Asia-Pacific.
		16509: AWS, 14618: AWS, 8987: AWS, 7224: AWS, 38895: AWS,
		// Google: GOOGLE, GOOGLE-CLOUD-PLATFORM, GOOGLE-2, Google Asia Pacific.
		15169: GCP, 396982: GCP, 19527: GCP, 139070: GCP,
		// Microsoft.
		8075: Azure, 8068: Azure, 8069: Azure, 12076: Azure,
		31898: Oracle,
		45102: Alibaba, 37963: Alibaba,
		14061:  DigitalOcean,
		63949:  Linode,
		16276:  OVH,
		24940:  Hetzner,
		20473:  Vultr,
		132203: Tencent, 45090: Tencent,
		36351: IBM,
		13335: Cloudflare,
	}
}

// ASNProvider returns the canonical provider id of an autonomous system
// number from orchex's table of the major providers' ASNs, or "" when the
// ASN is not in it. It builds the table on each call; a Tagger builds it
// once.
func ASNProvider(asn uint32) string { return asnProviders()[asn] }
