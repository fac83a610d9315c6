package pdf

import (
	"time"

	"github.com/orchex/orchex/pkg/report"
)

// studyView is a hand-built view shaped like the 2018 study: 22,672 panels,
// 305 open, over three quarters Kubernetes, 95% on AWS, 58% of AWS in US
// regions. Every total is consistent with its rows, so a test can check each
// figure against the PDF text. report.Build is not used: the view is the
// renderer's whole input.
func studyView() *report.View {
	gen := time.Date(2026, 11, 27, 18, 30, 0, 0, time.UTC)
	v := &report.View{
		Title:     "Exposed container orchestration panels, Q4 2026",
		Snapshot:  "2026Q4",
		Generated: gen,
		Headline: report.Headline{
			Services: 22672, Hosts: 21118, Open: 305, AuthRequired: 19870, Unknown: 2497,
			KubernetesOpen: 211, KubernetesServices: 17420,
			AWSServices: 21540, AWSUSServices: 12493,
			AWSShare: 21540.0 / 22672, AWSUSShare: 12493.0 / 21540,
			KubernetesShare: 17420.0 / 22672, OpenShare: 305.0 / 22672,
		},
		ByProduct: []report.ProductRow{
			{Product: "kubernetes-api", Name: "Kubernetes API server", Family: "kubernetes", Category: "orchestration", Services: 15911, Hosts: 15102, Open: 38, AuthRequired: 14050, Unknown: 1823},
			{Product: "docker-swarm", Name: "Docker Swarm API", Family: "docker", Category: "orchestration", Services: 2162, Hosts: 2160, Open: 41, AuthRequired: 1900, Unknown: 221},
			{Product: "kubernetes-dashboard", Name: "Kubernetes Dashboard", Family: "kubernetes", Category: "orchestration", Services: 1509, Hosts: 1490, Open: 173, AuthRequired: 1100, Unknown: 236},
			{Product: "marathon", Name: "Mesos Marathon", Family: "mesos", Category: "orchestration", Services: 1379, Hosts: 1301, Open: 29, AuthRequired: 1250, Unknown: 100},
			{Product: "openshift", Name: "Red Hat OpenShift", Family: "kubernetes", Category: "orchestration", Services: 1204, Hosts: 1187, Open: 0, AuthRequired: 1150, Unknown: 54},
			{Product: "portainer", Name: "Portainer", Family: "docker", Category: "management", Services: 412, Hosts: 409, Open: 19, AuthRequired: 330, Unknown: 63},
			{Product: "swarmpit", Name: "Swarmpit", Family: "docker", Category: "management", Services: 95, Hosts: 95, Open: 5, AuthRequired: 90, Unknown: 0},
		},
		ByProvider: []report.ProviderRow{
			{Provider: "aws", Services: 21540, Share: 21540.0 / 22672, Open: 290, AuthRequired: 18900, Unknown: 2350},
			{Provider: "gcp", Services: 402, Share: 402.0 / 22672, Open: 5, AuthRequired: 360, Unknown: 37},
			{Provider: "azure", Services: 281, Share: 281.0 / 22672, Open: 4, AuthRequired: 250, Unknown: 27},
			{Provider: "", Services: 259, Share: 259.0 / 22672, Open: 3, AuthRequired: 190, Unknown: 66},
			{Provider: "digitalocean", Services: 190, Share: 190.0 / 22672, Open: 3, AuthRequired: 170, Unknown: 17},
		},
		AWSUS: 12493, AWSNonUS: 9035, AWSNoRegion: 12,
		ByCountry: []report.CountryRow{
			{Country: "US", Services: 12810, Open: 171},
			{Country: "IE", Services: 2955, Open: 40},
			{Country: "DE", Services: 2011, Open: 22},
			{Country: "SG", Services: 1020, Open: 15},
			{Country: "JP", Services: 910, Open: 11},
			{Country: "AU", Services: 644, Open: 9},
			{Country: "GB", Services: 530, Open: 8},
			{Country: "IN", Services: 415, Open: 7},
			{Country: "BR", Services: 292, Open: 5},
			{Country: "CA", Services: 258, Open: 4},
			{Country: "KR", Services: 160, Open: 3},
			{Country: "NL", Services: 121, Open: 2},
		},
		CountryOther:  1546,
		EngineOverlap: report.Overlap{ShodanOnly: 9840, CensysOnly: 6122, Both: 6710},
		Versions: []report.VersionRow{
			{Product: "kubernetes-api", Version: "v1.9.6", Services: 3120, Open: 9},
			{Product: "kubernetes-api", Version: "v1.10.3", Services: 2877, Open: 6},
			{Product: "kubernetes-api", Version: "v1.8.7", Services: 1944, Open: 12},
			{Product: "docker-swarm", Version: "18.03.1-ce", Services: 1012, Open: 17},
			{Product: "marathon", Version: "1.5.6", Services: 640, Open: 8},
			{Product: "portainer", Version: "1.16.5", Services: 233, Open: 11},
		},
		Method: report.Method{
			CatalogVersion: "2026.11.1",
			Products:       []string{"docker-swarm", "kubernetes-api", "kubernetes-dashboard", "marathon", "openshift", "portainer", "swarmpit"},
			Engines:        []string{"censys", "shodan"},
			Inputs: []report.Input{
				{Name: "shodan-k8s-2026-11-20.json.gz", Engine: "shodan", Format: "shodan-banner-jsonl", SHA256: "9f2c4e0b7a1d3c5e8f6a2b4d1c3e5f7a9b0c2d4e6f8a1b3c5d7e9f0a2b4c6d8e", Read: 31200, Kept: 30950, Bad: 2, Skipped: 248, At: gen.Add(-7 * 24 * time.Hour)},
				{Name: "query kubernetes-dashboard", Engine: "censys", Format: "censys-v3-api", Read: 12004, Kept: 11990, Bad: 0, Skipped: 14, At: gen.Add(-6 * 24 * time.Hour), Truncated: "result limit of 12,000 reached"},
				{Name: "censys-swarm-2026-11-21.jsonl", Engine: "censys", Format: "censys-v2-hosts", Read: 18000, Kept: 17184, Bad: 1, Skipped: 815, At: gen.Add(-6 * 24 * time.Hour)},
			},
			RecordsRead: 61204, RecordsBad: 3, RecordsSkipped: 1077, Observations: 60124, DuplicatesMerged: 37452,
			AuthConflicts: 17, LowConfidence: 64,
			FirstSeen: gen.Add(-8 * 24 * time.Hour), LastSeen: gen.Add(-5 * 24 * time.Hour),
			CloudSources: []report.CloudSource{
				{Source: "ranges:aws@2026-11-20", Services: 21540},
				{Source: "ranges:gcp@2026-11-19", Services: 402},
				{Source: "ranges:azure@2026-11-16", Services: 281},
				{Source: "none", Services: 259},
				{Source: "asn", Services: 190},
			},
			CloudFeeds: []report.CloudFeed{
				{Provider: "aws", Date: "2026-11-20-09-12-05", Prefixes: 9120},
				{Provider: "azure", Date: "2026-11-16", Prefixes: 61204},
				{Provider: "gcp", Date: "2026-11-19", Prefixes: 811},
			},
			CloudDisagreements: 23,
			Truncations:        []string{"query kubernetes-dashboard: result limit of 12,000 reached"},
			Notes:              []string{"Censys query kubernetes-dashboard hit the result limit; its figures are a lower bound."},
		},
	}
	regions := []struct {
		name string
		n    int
		us   bool
	}{
		{"us-east-1", 7410, true}, {"us-west-2", 3120, true}, {"eu-west-1", 2890, false}, {"eu-central-1", 1960, false},
		{"us-east-2", 1402, true}, {"ap-southeast-1", 1010, false}, {"ap-northeast-1", 905, false},
		{"ap-southeast-2", 640, false}, {"us-west-1", 561, true}, {"eu-west-2", 520, false}, {"ap-south-1", 410, false},
		{"sa-east-1", 290, false}, {"ca-central-1", 255, false}, {"ap-northeast-2", 155, false},
	}
	for _, r := range regions {
		row := report.RegionRow{Provider: "aws", Region: r.name, US: r.us, Services: r.n, Share: float64(r.n) / 21540}
		v.AWSRegions = append(v.AWSRegions, row)
		v.ByRegion = append(v.ByRegion, row)
	}
	v.ByRegion = append(v.ByRegion,
		report.RegionRow{Provider: "gcp", Region: "us-central1", US: true, Services: 250, Share: 250.0 / 402},
		report.RegionRow{Provider: "azure", Region: "westeurope", Services: 160, Share: 160.0 / 281},
		report.RegionRow{Provider: "gcp", Region: "europe-west1", Services: 152, Share: 152.0 / 402},
		report.RegionRow{Provider: "azure", Region: "eastus", US: true, Services: 121, Share: 121.0 / 281},
	)
	for i := range v.ByCountry {
		v.ByCountry[i].Share = float64(v.ByCountry[i].Services) / 22672
	}
	report.Present(v)
	return v
}
