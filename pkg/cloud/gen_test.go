package cloud

import (
	"fmt"
	"strings"
)

// The generators write feeds in the official formats with n prefixes, for
// the update tests and the benchmarks that must run without the shared
// files. Prefixes are spread over 10.0.0.0/8-style blocks chosen by base
// so that feeds do not overlap.

func genV4(base, i int) string { return fmt.Sprintf("%d.%d.%d.0/24", base, (i>>8)&255, i&255) }
func genV6(base, i int) string { return fmt.Sprintf("2001:%x:%x::/48", base, i&0xffff) }

func genAWS(n int, token, date string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"syncToken\": %q,\n  \"createDate\": %q,\n  \"prefixes\": [", token, date)
	regions := []string{"us-east-1", "eu-west-1", "ap-northeast-2", "us-west-2"}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n    {\"ip_prefix\": %q, \"region\": %q, \"service\": \"AMAZON\", \"network_border_group\": %q}", genV4(3, i), regions[i%4], regions[i%4])
		if i%3 == 0 {
			fmt.Fprintf(&b, ",\n    {\"ip_prefix\": %q, \"region\": %q, \"service\": \"EC2\", \"network_border_group\": %q}", genV4(3, i), regions[i%4], regions[i%4])
		}
	}
	b.WriteString("\n  ],\n  \"ipv6_prefixes\": [")
	for i := 0; i < n/4; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n    {\"ipv6_prefix\": %q, \"region\": %q, \"service\": \"AMAZON\", \"network_border_group\": %q}", genV6(0x2600, i), regions[i%4], regions[i%4])
	}
	b.WriteString("\n  ]\n}\n")
	return b.String()
}

func genGCP(n int, token string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"syncToken\": %q,\n  \"creationTime\": \"2026-05-05T19:04:08.194918\",\n  \"prefixes\": [", token)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "{\n    \"ipv4Prefix\": %q,\n    \"service\": \"Google Cloud\",\n    \"scope\": \"us-central1\"\n  }", genV4(34, i))
	}
	b.WriteString("]\n}\n")
	return b.String()
}

func genAzure(n, change int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"changeNumber\": %d,\n  \"cloud\": \"Public\",\n  \"values\": [", change)
	regions := []string{"eastus", "westeurope", "southeastasia", "uksouth"}
	per := 250
	for t := 0; t*per < n; t++ {
		if t > 0 {
			b.WriteByte(',')
		}
		r := regions[t%4]
		fmt.Fprintf(&b, "\n    {\"name\": \"AzureCloud.%s\", \"id\": \"AzureCloud.%s\", \"properties\": {\"changeNumber\": 1, \"region\": %q, \"regionId\": %d, \"platform\": \"Azure\", \"systemService\": \"\", \"addressPrefixes\": [", r, r, r, t)
		for i := t * per; i < min(n, (t+1)*per); i++ {
			if i > t*per {
				b.WriteByte(',')
			}
			if i%5 == 4 {
				fmt.Fprintf(&b, "%q", genV6(0x2603, i))
			} else {
				fmt.Fprintf(&b, "%q", genV4(20, i))
			}
		}
		b.WriteString("], \"networkFeatures\": null}}")
	}
	b.WriteString("\n  ]\n}\n")
	return b.String()
}

func genOracle(n int, ts string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "{\n    \"last_updated_timestamp\": %q,\n    \"regions\": [\n        {\n            \"region\": \"us-ashburn-1\",\n            \"cidrs\": [", ts)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n                {\"cidr\": %q, \"tags\": [\"OCI\"]}", genV4(129, i))
	}
	b.WriteString("\n            ]\n        }\n    ]\n}\n")
	return b.String()
}

func genGeofeed(n, base int, comment string) string {
	var b strings.Builder
	b.WriteString(comment)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%s,US,US-NJ,North Bergen,07047\n", genV4(base, i))
	}
	return b.String()
}

func genVultr(n int) string {
	var b strings.Builder
	b.WriteString("{\n  \"description\": \"Constant.com / Vultr.com GeoFeed\",\n  \"asn\": 20473,\n  \"updated\": \"2024-04-18T07:55:40-04:00\",\n  \"subnets\": [")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "\n    {\"ip_prefix\": %q, \"alpha2code\": \"US\", \"region\": \"US-NJ\", \"city\": \"Piscataway\", \"postal_code\": \"08854\"}", genV4(45, i))
	}
	b.WriteString("\n  ]\n}\n")
	return b.String()
}

func genList(n, base int, v6 bool) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if v6 {
			b.WriteString(genV6(base, i) + "\n")
		} else {
			b.WriteString(genV4(base, i) + "\n")
		}
	}
	return b.String()
}
