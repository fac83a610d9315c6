package cloud

import (
	"path/filepath"
	"testing"
)

func TestRegionCountry(t *testing.T) {
	tests := []struct {
		provider, region, country, continent string
		ok, us, eu                           bool
	}{
		{"aws", "us-east-1", "US", "NA", true, true, false},
		{"aws", "us-gov-west-1", "US", "NA", true, true, false},
		{"aws", "us-south-1", "US", "NA", true, true, false},
		{"aws", "eu-west-1", "IE", "EU", true, false, true},
		{"aws", "eu-west-2", "GB", "EU", true, false, false},
		{"aws", "eu-central-2", "CH", "EU", true, false, false},
		{"aws", "ap-northeast-2", "KR", "AS", true, false, false},
		{"aws", "me-south-1", "BH", "AS", true, false, false},
		{"aws", "ca-central-1", "CA", "NA", true, false, false},
		{"aws", "GLOBAL", "", "", false, false, false},
		{"aws", "mars-1", "", "", false, false, false},
		{"gcp", "us-central1", "US", "NA", true, true, false},
		{"gcp", "europe-west4", "NL", "EU", true, false, true},
		{"gcp", "europe-west6", "CH", "EU", true, false, false},
		{"gcp", "southamerica-east1", "BR", "SA", true, false, false},
		{"gcp", "global", "", "", false, false, false},
		{"azure", "eastus", "US", "NA", true, true, false},
		{"azure", "East US 2", "US", "NA", true, true, false},
		{"azure", "westeurope", "NL", "EU", true, false, true},
		{"azure", "northeurope", "IE", "EU", true, false, true},
		{"azure", "uksouth", "GB", "EU", true, false, false},
		{"azure", "australiaeast", "AU", "OC", true, false, false},
		{"oracle", "us-ashburn-1", "US", "NA", true, true, false},
		{"oracle", "eu-frankfurt-1", "DE", "EU", true, false, true},
		{"oracle", "eu-jovanovac-1", "RS", "EU", true, false, false},
		{"oracle", "af-johannesburg-1", "ZA", "AF", true, false, false},
		{"digitalocean", "nyc", "US", "NA", true, true, false},
		{"digitalocean", "fra", "DE", "EU", true, false, true},
		{"linode", "us-east", "US", "NA", true, true, false},
		{"linode", "eu-west", "GB", "EU", true, false, false},
		{"vultr", "nrt", "JP", "AS", true, false, false},
		{"vultr", "Berlin", "", "", false, false, false},
		{"hetzner", "fsn1", "", "", false, false, false},
	}
	for _, tt := range tests {
		c, k, ok := RegionCountry(tt.provider, tt.region)
		if c != tt.country || k != tt.continent || ok != tt.ok {
			t.Errorf("RegionCountry(%s, %s) = %q, %q, %v; want %q, %q, %v", tt.provider, tt.region, c, k, ok, tt.country, tt.continent, tt.ok)
		}
		if got := USRegion(tt.provider, tt.region); got != tt.us {
			t.Errorf("USRegion(%s, %s) = %v, want %v", tt.provider, tt.region, got, tt.us)
		}
		if got := EURegion(tt.provider, tt.region); got != tt.eu {
			t.Errorf("EURegion(%s, %s) = %v, want %v", tt.provider, tt.region, got, tt.eu)
		}
	}
}

// TestRegionTablesSharedRanges checks that every region the real AWS, GCP,
// Azure and Oracle feeds use is in the region table (except global and
// the few regions listed here whose location is not public), and that
// every mapped geofeed region has a country.
func TestRegionTablesSharedRanges(t *testing.T) {
	dir := sharedRanges(t)
	unknown := map[string]bool{
		"aws/global": true, "aws/me-west-1": true, "aws/sa-west-1": true,
		"gcp/global": true, "gcp/europe-west15": true,
		"azure/": true, "azure/northeurope2": true,
	}
	for _, file := range []string{"aws-ip-ranges.json", "gcp-cloud.json", "azure-servicetags.json", "oracle-public_ip_ranges.json",
		"digitalocean-geo.csv", "linode-geofeed.csv", "vultr-geofeed.json"} {
		f, err := LoadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range f.Records {
			key := f.Provider + "/" + r.Region
			if seen[key] {
				continue
			}
			seen[key] = true
			_, _, ok := RegionCountry(f.Provider, r.Region)
			switch {
			case f.Format == "geofeed" || f.Format == "vultr":
				// A mapped region must have a country; an unmapped one is the city.
				if r.Region != r.City && !ok {
					t.Errorf("%s: region %q has no country", file, r.Region)
				}
			case !ok && !unknown[key]:
				t.Errorf("%s: region %q is not in the region table", file, r.Region)
			}
		}
	}
}

func TestGeoRegion(t *testing.T) {
	tests := []struct{ provider, country, city, want string }{
		{"digitalocean", "US", "North Bergen", "nyc"},
		{"digitalocean", "us", "santa clara", "sfo"},
		{"digitalocean", "CA", "Toronto", "tor"},
		{"linode", "US", "Cedar Knolls", "us-east"},
		{"linode", "DE", "Hamburg", "Hamburg"},
		{"vultr", "FR", "AUBERVILLIERS", "cdg"},
		{"vultr", "CA", "Toronto, ON", "yto"},
		{"vultr", "US", "Maryland Heights", "Maryland Heights"},
		{"vultr", "GB", "London", "lhr"},
		{"aws", "US", "Ashburn", "Ashburn"},
	}
	for _, tt := range tests {
		if got := GeoRegion(tt.provider, tt.country, tt.city); got != tt.want {
			t.Errorf("GeoRegion(%s, %s, %s) = %q, want %q", tt.provider, tt.country, tt.city, got, tt.want)
		}
	}
}

// TestInUS pins the one US-region rule on the regions two copies of it
// used to disagree on (Azure eastus, AWS us-isob-*), on government and
// isolated regions, on regions newer than the tables, and on regions that
// name no place.
func TestInUS(t *testing.T) {
	tests := []struct {
		provider, region string
		us, known        bool
	}{
		{"aws", "us-east-1", true, true},
		{"aws", "us-isob-east-1", true, true},
		{"aws", "us-iso-west-1", true, true},
		{"aws", "us-isof-south-1", true, true},
		{"aws", "us-gov-west-1", true, true},
		{"aws", "us-north-9", true, true}, // a us-* region newer than the table
		{"aws", "me-west-1", false, true}, // newer than the table, outside the US
		{"aws", "eusc-de-east-1", false, true},
		{"aws", "GLOBAL", false, false},
		{"aws", "", false, false},
		{"aws", "mars-1", false, false},
		{"azure", "eastus", true, true},
		{"azure", "East US 2", true, true},
		{"azure", "centraluseuap", true, true},
		{"azure", "usgovvirginia", true, true},
		{"azure", "usdodeast", true, true},
		{"azure", "ussecwest", true, true},
		{"azure", "australiaeast", false, true},
		{"azure", "northeurope2", false, true},
		{"azure", "atlantis", false, false},
		{"gcp", "us-east7", true, true},
		{"gcp", "europe-west15", false, true},
		{"gcp", "global", false, false},
		{"oracle", "us-langley-1", true, true},
		{"oracle", "uk-gov-london-1", false, true},
		{"linode", "Denver", true, true},
		{"linode", "Berlin", false, true},
		{"vultr", "St. Louis", true, true},
		{"digitalocean", "nyc", true, true},
		{"hetzner", "fsn1", false, false},
		{"cloudflare", "", false, false},
	}
	for _, tt := range tests {
		us, known := InUS(tt.provider, tt.region)
		if us != tt.us || known != tt.known {
			t.Errorf("InUS(%s, %q) = %v, %v; want %v, %v", tt.provider, tt.region, us, known, tt.us, tt.known)
		}
		if USRegion(tt.provider, tt.region) != tt.us {
			t.Errorf("USRegion(%s, %q) = %v, want %v", tt.provider, tt.region, !tt.us, tt.us)
		}
	}
}
