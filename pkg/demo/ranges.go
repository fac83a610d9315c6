package demo

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteRanges writes range feeds in the providers' published formats
// (AWS ip-ranges.json, GCP cloud.json, Azure service tags, a DigitalOcean
// geofeed) that map the population's address blocks to their providers
// and regions. The files only ever cover 198.18.0.0/15 and 2001:db8::/32.
func (p *Population) WriteRanges(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: ranges: %w", err)
	}
	date := p.Config.At.UTC()
	type awsPrefix struct {
		IPPrefix           string `json:"ip_prefix,omitempty"`
		IPv6Prefix         string `json:"ipv6_prefix,omitempty"`
		Region             string `json:"region"`
		Service            string `json:"service"`
		NetworkBorderGroup string `json:"network_border_group"`
	}
	aws := struct {
		SyncToken    string      `json:"syncToken"`
		CreateDate   string      `json:"createDate"`
		Prefixes     []awsPrefix `json:"prefixes"`
		IPv6Prefixes []awsPrefix `json:"ipv6_prefixes"`
	}{SyncToken: fmt.Sprint(date.Unix()), CreateDate: date.Format("2006-01-02-15-04-05"), Prefixes: []awsPrefix{}, IPv6Prefixes: []awsPrefix{}}

	type gcpPrefix struct {
		IPv4Prefix string `json:"ipv4Prefix,omitempty"`
		IPv6Prefix string `json:"ipv6Prefix,omitempty"`
		Service    string `json:"service"`
		Scope      string `json:"scope"`
	}
	gcp := struct {
		SyncToken    string      `json:"syncToken"`
		CreationTime string      `json:"creationTime"`
		Prefixes     []gcpPrefix `json:"prefixes"`
	}{SyncToken: fmt.Sprint(date.UnixMilli()), CreationTime: date.Format("2006-01-02T15:04:05.000000")}

	type azureProps struct {
		ChangeNumber    int      `json:"changeNumber"`
		Region          string   `json:"region"`
		RegionID        int      `json:"regionId"`
		Platform        string   `json:"platform"`
		SystemService   string   `json:"systemService"`
		AddressPrefixes []string `json:"addressPrefixes"`
	}
	type azureValue struct {
		Name       string     `json:"name"`
		ID         string     `json:"id"`
		Properties azureProps `json:"properties"`
	}
	azureByRegion := map[string]*azureValue{}
	var azureOrder []string
	var do strings.Builder

	for _, b := range p.Blocks {
		pfx := b.Prefix.String()
		v4 := b.Prefix.Addr().Is4()
		switch b.Provider {
		case "aws":
			for _, svc := range []string{"AMAZON", "EC2"} {
				row := awsPrefix{Region: b.Region, Service: svc, NetworkBorderGroup: b.Region}
				if v4 {
					row.IPPrefix = pfx
					aws.Prefixes = append(aws.Prefixes, row)
				} else {
					row.IPv6Prefix = pfx
					aws.IPv6Prefixes = append(aws.IPv6Prefixes, row)
				}
			}
		case "gcp":
			row := gcpPrefix{Service: "Google Cloud", Scope: b.Region}
			if v4 {
				row.IPv4Prefix = pfx
			} else {
				row.IPv6Prefix = pfx
			}
			gcp.Prefixes = append(gcp.Prefixes, row)
		case "azure":
			v := azureByRegion[b.Region]
			if v == nil {
				name := "AzureCloud." + b.Region
				v = &azureValue{Name: name, ID: name, Properties: azureProps{ChangeNumber: 1, Region: b.Region,
					RegionID: len(azureOrder) + 1, Platform: "Azure"}}
				azureByRegion[b.Region] = v
				azureOrder = append(azureOrder, b.Region)
			}
			v.Properties.AddressPrefixes = append(v.Properties.AddressPrefixes, pfx)
		case "digitalocean":
			fmt.Fprintf(&do, "%s,DE,DE-HE,Frankfurt,60341\n", pfx)
		}
	}
	azure := struct {
		ChangeNumber int          `json:"changeNumber"`
		Cloud        string       `json:"cloud"`
		Values       []azureValue `json:"values"`
	}{ChangeNumber: 1, Cloud: "Public"}
	for _, r := range azureOrder {
		azure.Values = append(azure.Values, *azureByRegion[r])
	}
	// A provider with no block gets no file: the loaders reject a feed
	// without prefixes, as a sign of the wrong file.
	files := []struct {
		name  string
		v     any
		empty bool
	}{{"aws-ip-ranges.json", aws, len(aws.Prefixes)+len(aws.IPv6Prefixes) == 0}, {"gcp-cloud.json", gcp, len(gcp.Prefixes) == 0},
		{"azure-servicetags.json", azure, len(azure.Values) == 0}}
	for _, f := range files {
		if f.empty {
			continue
		}
		data, err := json.MarshalIndent(f.v, "", "  ")
		if err != nil {
			return fmt.Errorf("demo: ranges: %s: %w", f.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name), append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("demo: ranges: %w", err)
		}
	}
	if do.Len() == 0 {
		return nil
	}
	if err := os.WriteFile(filepath.Join(dir, "digitalocean-geo.csv"), []byte(do.String()), 0o644); err != nil {
		return fmt.Errorf("demo: ranges: %w", err)
	}
	return nil
}
