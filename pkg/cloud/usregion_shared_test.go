package cloud

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The US regions of the providers whose feeds name regions by code, and
// the codes that name no place, written down from the providers' region
// lists (aws-regions.html, regions-zones, regions-list, regions.htm) and
// checked against every region of the shared feeds of 2024-2026. Every
// other code of these feeds is a region outside the US.
var (
	wantUS = map[string][]string{
		AWS: {"us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-east-1", "us-gov-west-1", "us-south-1"},
		GCP: {"us-central1", "us-central2", "us-east1", "us-east4", "us-east5", "us-east7", "us-south1",
			"us-west1", "us-west2", "us-west3", "us-west4", "us-west8"},
		Azure: {"centralus", "centraluseuap", "eastus", "eastus2", "eastus2euap", "eastus3", "northcentralus",
			"southcentralus", "southcentralus2", "southeastus", "southeastus3", "usstagec", "usstagee",
			"westcentralus", "westus", "westus2", "westus3"},
		Oracle: {"us-abilene-1", "us-ashburn-1", "us-boardman-1", "us-chicago-1", "us-dallas-1", "us-phoenix-1",
			"us-saltlake-2", "us-sanjose-1"},
	}
	wantUnknown = map[string][]string{
		AWS:        {"global"},
		GCP:        {"global"},
		Azure:      {""}, // the AzureCloud tag has no region
		Cloudflare: {""},
	}
)

// TestUSRegionSharedFeeds walks every region of every shared feed and
// checks the one US-region rule (InUS, USRegion) against an expectation
// that does not come from the code: the lists above for region codes, and
// for the geofeeds (DigitalOcean, Linode, Vultr) the country each row of
// the feed gives its prefix.
func TestUSRegionSharedFeeds(t *testing.T) {
	dir := sharedRanges(t)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{} // provider → regions checked
	for _, e := range ents {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		f, err := LoadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		done := map[string]bool{}
		for _, r := range f.Records {
			if done[r.Region+"/"+r.Country] {
				continue
			}
			done[r.Region+"/"+r.Country] = true
			seen[f.Provider]++
			var us, known bool
			switch {
			case r.Country != "": // a geofeed: the feed says where
				us, known = r.Country == "US", true
			default:
				region := CanonicalRegion(f.Provider, r.Region)
				us = slices.Contains(wantUS[f.Provider], region)
				known = !slices.Contains(wantUnknown[f.Provider], region)
			}
			gotUS, gotKnown := InUS(f.Provider, r.Region)
			if gotUS != us || gotKnown != known {
				t.Errorf("%s: %s region %q (country %q): InUS = %v, known %v; want %v, known %v",
					e.Name(), f.Provider, r.Region, r.Country, gotUS, gotKnown, us, known)
			}
			if USRegion(f.Provider, r.Region) != us {
				t.Errorf("%s: USRegion(%s, %q) = %v, want %v", e.Name(), f.Provider, r.Region, !us, us)
			}
			if r.Country != "" {
				if c, _, ok := RegionCountry(f.Provider, r.Region); !ok || c != r.Country {
					t.Errorf("%s: RegionCountry(%s, %q) = %q, %v; the feed says %q", e.Name(), f.Provider, r.Region, c, ok, r.Country)
				}
			}
		}
	}
	t.Logf("regions checked per provider: %v", seen)
	for _, p := range []string{AWS, GCP, Azure, Oracle, DigitalOcean, Linode, Vultr, Cloudflare} {
		if seen[p] == 0 {
			t.Errorf("no region of %s was checked: is its feed missing from %s?", p, dir)
		}
	}
}
