package cloud

import "strings"

// The canonical provider ids. A CloudTag's Provider is one of these, or
// another lower-case id when an engine names a provider orchex does not
// know.
const (
	AWS          = "aws"
	GCP          = "gcp"
	Azure        = "azure"
	Oracle       = "oracle"
	DigitalOcean = "digitalocean"
	Linode       = "linode"
	Vultr        = "vultr"
	Cloudflare   = "cloudflare"
	Alibaba      = "alibaba"
	OVH          = "ovh"
	Hetzner      = "hetzner"
	Tencent      = "tencent"
	IBM          = "ibm"
)

// ProviderName returns the display name of a provider id ("aws" → "AWS",
// "gcp" → "Google Cloud"), or id itself when it is not a known id.
func ProviderName(id string) string {
	switch id {
	case AWS:
		return "AWS"
	case GCP:
		return "Google Cloud"
	case Azure:
		return "Microsoft Azure"
	case Oracle:
		return "Oracle Cloud"
	case DigitalOcean:
		return "DigitalOcean"
	case Linode:
		return "Linode (Akamai)"
	case Vultr:
		return "Vultr"
	case Cloudflare:
		return "Cloudflare"
	case Alibaba:
		return "Alibaba Cloud"
	case OVH:
		return "OVHcloud"
	case Hetzner:
		return "Hetzner"
	case Tencent:
		return "Tencent Cloud"
	case IBM:
		return "IBM Cloud"
	}
	return id
}

// CanonicalProvider maps a provider name as an engine writes it (Shodan's
// cloud.provider: "Amazon", "Google", "Azure", "DigitalOcean", ...) to a
// canonical id. Names it does not know become a lower-case slug of at most
// 32 letters, digits and dashes; "" stays "".
func CanonicalProvider(name string) string {
	s := slug(name, 32)
	switch strings.ReplaceAll(s, "-", "") {
	case "":
		return ""
	case "aws", "amazon", "amazonaws", "amazonwebservices", "amazonec2", "ec2":
		return AWS
	case "gcp", "google", "googlecloud", "googlecloudplatform", "gce":
		return GCP
	case "azure", "microsoft", "microsoftazure", "msazure":
		return Azure
	case "oracle", "oraclecloud", "oci":
		return Oracle
	case "digitalocean", "do":
		return DigitalOcean
	case "linode", "akamai", "akamaicloud", "akamaiconnectedcloud":
		return Linode
	case "vultr", "choopa", "constant":
		return Vultr
	case "cloudflare":
		return Cloudflare
	case "alibaba", "alibabacloud", "aliyun", "alicloud":
		return Alibaba
	case "ovh", "ovhcloud":
		return OVH
	case "hetzner", "hetznercloud", "hetzneronline":
		return Hetzner
	case "tencent", "tencentcloud", "qcloud":
		return Tencent
	case "ibm", "ibmcloud", "softlayer":
		return IBM
	}
	return s
}

// CanonicalRegion returns region as provider's canonical region code: lower
// case, with spaces removed for Azure display names ("East US" →
// "eastus"), "GLOBAL" as "global". Characters other than letters, digits
// and dashes are dropped and the result is at most 32 bytes, so a hostile
// engine string cannot pass through.
func CanonicalRegion(provider, region string) string {
	if provider == Azure {
		region = strings.ReplaceAll(region, " ", "")
	}
	return slug(region, 32)
}

// slug lower-cases s and keeps ASCII letters, digits, '-' and '_' (spaces
// become dashes), at most n bytes.
func slug(s string, n int) string {
	s = strings.TrimSpace(s)
	b := make([]byte, 0, min(len(s), n))
	for i := 0; i < len(s) && len(b) < n; i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			b = append(b, c+'a'-'A')
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
			b = append(b, c)
		case c == ' ':
			b = append(b, '-')
		}
	}
	return string(b)
}

// RegionCountry returns the ISO 3166-1 alpha-2 country and the continent
// (AF, AS, EU, NA, OC, SA; the Middle East is AS) of a provider's region
// code. It knows the regions of AWS, GCP, Azure and Oracle, and the
// region codes orchex assigns to DigitalOcean, Linode and Vultr geofeed
// cities (see GeoRegion). ok is false for unknown regions and for global
// ones ("global", AWS "GLOBAL").
func RegionCountry(provider, region string) (country, continent string, ok bool) {
	region = CanonicalRegion(provider, region)
	switch provider {
	case AWS:
		country = awsCountry(region)
	case GCP:
		country = gcpCountry(region)
	case Azure:
		country = azureCountry(region)
	case Oracle:
		country = oracleCountry(region)
	case DigitalOcean, Linode, Vultr:
		country = geoRegionCountry(provider, region)
	}
	if country == "" {
		return "", "", false
	}
	return country, continentOf(country), true
}

// InUS says whether a provider's region is in the United States (us) and
// whether orchex can tell at all (known). It is the one US-region rule of
// orchex: every report figure and table that splits US from non-US regions
// uses it.
//
// A region whose country RegionCountry knows is US exactly when that
// country is US. A region it does not know is placed by the provider's
// naming scheme where the scheme says where it is: AWS, GCP and Oracle
// name US regions us-* (AWS us-gov-*, us-iso-*, us-isob-*, us-isof-*;
// Oracle us-langley-1, us-gov-*), so an unknown us-* region is US and an
// unknown region under another geography prefix (eu-, ap-, sa-, me-,
// europe-, asia-, ...) is non-US; Azure names its US regions *us, *us2,
// *useuap and us* (usgovvirginia, usdodeast, ussecwest, usnateast), and
// a region named for Europe or Asia (northeurope2) is non-US. Any
// other region, an empty one, and a global one ("global", AWS "GLOBAL")
// is not known: neither US nor non-US.
func InUS(provider, region string) (us, known bool) {
	region = CanonicalRegion(provider, region)
	if region == "" || region == "global" {
		return false, false
	}
	if c, _, ok := RegionCountry(provider, region); ok {
		return c == "US", true
	}
	switch provider {
	case AWS:
		return prefixed(region, "af-", "ap-", "ca-", "cn-", "eu-", "eusc-", "il-", "me-", "mx-", "sa-")
	case GCP:
		return prefixed(region, "africa-", "asia-", "australia-", "europe-", "me-", "northamerica-", "southamerica-")
	case Oracle:
		return prefixed(region, "af-", "ap-", "ca-", "eu-", "il-", "me-", "mx-", "sa-", "uk-")
	case Azure:
		switch {
		case azureUS(region):
			return true, true
		case strings.Contains(region, "europe"), strings.Contains(region, "asia"):
			return false, true
		}
	}
	return false, false
}

// prefixed returns (false, true) when region starts with one of the
// non-US geography prefixes, else (false, false). US regions (us-*) are
// known to RegionCountry already.
func prefixed(region string, nonUS ...string) (us, known bool) {
	for _, p := range nonUS {
		if strings.HasPrefix(region, p) {
			return false, true
		}
	}
	return false, false
}

// azureUS reports whether an Azure region code follows the naming of its
// US regions: eastus, eastus2, centraluseuap, usgovvirginia, usdodeast.
func azureUS(r string) bool {
	if strings.HasPrefix(r, "us") {
		return true
	}
	r = strings.TrimSuffix(r, "euap")
	r = strings.TrimRight(r, "0123456789")
	return strings.HasSuffix(r, "us") && len(r) > 2
}

// USRegion reports whether a provider's region is known to be in the
// United States: the first result of [InUS]. Unknown and global regions
// are not US regions (nor non-US ones; use InUS to tell them apart).
func USRegion(provider, region string) bool {
	us, _ := InUS(provider, region)
	return us
}

// EURegion reports whether a provider's region is in a member state of
// the European Union (so eu-west-2 London and eu-central-2 Zurich are not,
// eu-west-1 Ireland is). Use RegionCountry's continent "EU" for Europe as
// a whole.
func EURegion(provider, region string) bool {
	c, _, ok := RegionCountry(provider, region)
	return ok && euMember(c)
}

func euMember(c string) bool {
	switch c {
	case "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
		"LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE":
		return true
	}
	return false
}

// continentOf returns the continent code of the countries the region
// tables use.
func continentOf(c string) string {
	switch c {
	case "US", "CA", "MX":
		return "NA"
	case "BR", "CL", "CO", "AR", "PE":
		return "SA"
	case "ZA", "NG", "KE", "EG", "MA":
		return "AF"
	case "AU", "NZ":
		return "OC"
	case "JP", "KR", "IN", "SG", "HK", "TW", "ID", "MY", "TH", "IL", "AE", "BH", "QA", "SA", "CN", "VN", "PH":
		return "AS"
	case "GB", "IE", "FR", "DE", "NL", "BE", "IT", "ES", "SE", "FI", "PL", "CH", "AT", "DK", "NO", "RS", "PT", "CZ", "GR":
		return "EU"
	}
	return ""
}

// awsCountry: https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
func awsCountry(r string) string {
	switch r {
	case "us-east-1", "us-east-2", "us-west-1", "us-west-2", "us-gov-east-1", "us-gov-west-1",
		"us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isof-east-1", "us-isof-south-1":
		return "US"
	case "af-south-1":
		return "ZA"
	case "ap-east-1":
		return "HK"
	case "ap-east-2":
		return "TW"
	case "ap-northeast-1", "ap-northeast-3":
		return "JP"
	case "ap-northeast-2":
		return "KR"
	case "ap-south-1", "ap-south-2":
		return "IN"
	case "ap-southeast-1":
		return "SG"
	case "ap-southeast-2", "ap-southeast-4":
		return "AU"
	case "ap-southeast-3":
		return "ID"
	case "ap-southeast-5":
		return "MY"
	case "ap-southeast-6":
		return "NZ"
	case "ap-southeast-7":
		return "TH"
	case "ca-central-1", "ca-west-1":
		return "CA"
	case "cn-north-1", "cn-northwest-1":
		return "CN"
	case "eu-central-1", "eusc-de-east-1":
		return "DE"
	case "eu-central-2":
		return "CH"
	case "eu-north-1":
		return "SE"
	case "eu-south-1":
		return "IT"
	case "eu-south-2":
		return "ES"
	case "eu-west-1":
		return "IE"
	case "eu-west-2":
		return "GB"
	case "eu-west-3":
		return "FR"
	case "il-central-1":
		return "IL"
	case "me-central-1":
		return "AE"
	case "me-south-1":
		return "BH"
	case "mx-central-1":
		return "MX"
	case "sa-east-1":
		return "BR"
	}
	if strings.HasPrefix(r, "us-") {
		return "US" // AWS names US regions us-*: us-south-1 in the 2026-08 feed
	}
	return ""
}

// gcpCountry: https://cloud.google.com/compute/docs/regions-zones
func gcpCountry(r string) string {
	switch r {
	case "africa-south1":
		return "ZA"
	case "asia-east1":
		return "TW"
	case "asia-east2":
		return "HK"
	case "asia-northeast1", "asia-northeast2":
		return "JP"
	case "asia-northeast3":
		return "KR"
	case "asia-south1", "asia-south2":
		return "IN"
	case "asia-southeast1":
		return "SG"
	case "asia-southeast2":
		return "ID"
	case "asia-southeast3":
		return "TH"
	case "australia-southeast1", "australia-southeast2":
		return "AU"
	case "europe-central2":
		return "PL"
	case "europe-north1":
		return "FI"
	case "europe-north2":
		return "SE"
	case "europe-southwest1":
		return "ES"
	case "europe-west1":
		return "BE"
	case "europe-west2":
		return "GB"
	case "europe-west3", "europe-west10":
		return "DE"
	case "europe-west4":
		return "NL"
	case "europe-west6":
		return "CH"
	case "europe-west8", "europe-west12":
		return "IT"
	case "europe-west9":
		return "FR"
	case "me-central1":
		return "QA"
	case "me-central2":
		return "SA"
	case "me-west1":
		return "IL"
	case "northamerica-northeast1", "northamerica-northeast2":
		return "CA"
	case "northamerica-south1":
		return "MX"
	case "southamerica-east1":
		return "BR"
	case "southamerica-west1":
		return "CL"
	}
	if strings.HasPrefix(r, "us-") {
		return "US"
	}
	return ""
}

// azureCountry: https://learn.microsoft.com/azure/reliability/regions-list
// (codes as ServiceTags_Public writes them in properties.region).
func azureCountry(r string) string {
	switch r {
	case "centralus", "centraluseuap", "eastus", "eastus2", "eastus2euap", "eastus3", "northcentralus",
		"southcentralus", "southcentralus2", "southeastus", "southeastus3", "westcentralus", "westus",
		"westus2", "westus3", "usstagec", "usstagee",
		"usgovarizona", "usgoviowa", "usgovtexas", "usgovvirginia", "usdodcentral", "usdodeast",
		"usseceast", "ussecwest", "ussecwestcentral", "usnateast", "usnatwest":
		return "US"
	case "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast":
		return "AU"
	case "austriaeast":
		return "AT"
	case "belgiumcentral":
		return "BE"
	case "brazilne", "brazilse", "brazilsouth", "brazilsoutheast":
		return "BR"
	case "canadacentral", "canadaeast":
		return "CA"
	case "centralfrance", "southfrance", "francecentral", "francesouth":
		return "FR"
	case "centralindia", "southindia", "westindia", "jioindiacentral", "jioindiawest":
		return "IN"
	case "chilec", "chilecentral":
		return "CL"
	case "denmarkeast":
		return "DK"
	case "eastasia":
		return "HK"
	case "germanyn", "germanywc", "germanynorth", "germanywestcentral":
		return "DE"
	case "indonesiacentral":
		return "ID"
	case "israelcentral", "israelnorthwest":
		return "IL"
	case "italynorth":
		return "IT"
	case "japaneast", "japanwest":
		return "JP"
	case "koreacentral", "koreasouth":
		return "KR"
	case "malaysiasouth", "malaysiawest":
		return "MY"
	case "mexicocentral":
		return "MX"
	case "newzealandnorth":
		return "NZ"
	case "northeurope":
		return "IE"
	case "norwaye", "norwayw", "norwayeast", "norwaywest":
		return "NO"
	case "polandcentral":
		return "PL"
	case "qatarcentral":
		return "QA"
	case "southafricanorth", "southafricawest":
		return "ZA"
	case "southeastasia":
		return "SG"
	case "spaincentral":
		return "ES"
	case "swedencentral", "swedensouth":
		return "SE"
	case "switzerlandn", "switzerlandw", "switzerlandnorth", "switzerlandwest":
		return "CH"
	case "taiwannorth", "taiwannorthwest":
		return "TW"
	case "uaecentral", "uaenorth":
		return "AE"
	case "uksouth", "ukwest":
		return "GB"
	case "westeurope":
		return "NL"
	}
	return ""
}

// oracleCountry: https://docs.oracle.com/iaas/Content/General/Concepts/regions.htm
func oracleCountry(r string) string {
	switch r {
	case "af-johannesburg-1":
		return "ZA"
	case "ap-batam-1":
		return "ID"
	case "ap-chuncheon-1", "ap-seoul-1":
		return "KR"
	case "ap-hyderabad-1", "ap-mumbai-1":
		return "IN"
	case "ap-melbourne-1", "ap-sydney-1":
		return "AU"
	case "ap-osaka-1", "ap-tokyo-1":
		return "JP"
	case "ap-singapore-1", "ap-singapore-2":
		return "SG"
	case "ca-montreal-1", "ca-toronto-1":
		return "CA"
	case "eu-amsterdam-1":
		return "NL"
	case "eu-frankfurt-1":
		return "DE"
	case "eu-jovanovac-1":
		return "RS"
	case "eu-madrid-1":
		return "ES"
	case "eu-marseille-1", "eu-paris-1":
		return "FR"
	case "eu-milan-1":
		return "IT"
	case "eu-stockholm-1":
		return "SE"
	case "eu-zurich-1":
		return "CH"
	case "il-jerusalem-1":
		return "IL"
	case "me-abudhabi-1", "me-dubai-1":
		return "AE"
	case "me-jeddah-1", "me-riyadh-1":
		return "SA"
	case "mx-monterrey-1", "mx-queretaro-1":
		return "MX"
	case "sa-bogota-1":
		return "CO"
	case "sa-santiago-1", "sa-valparaiso-1":
		return "CL"
	case "sa-saopaulo-1", "sa-vinhedo-1":
		return "BR"
	case "uk-cardiff-1", "uk-london-1":
		return "GB"
	}
	if strings.HasPrefix(r, "us-") {
		return "US"
	}
	return ""
}

// GeoRegion returns the provider's region code for a geofeed's country
// and city, where the provider documents which city each region is in:
// DigitalOcean (nyc, sfo, atl, ams, sgp, lon, fra, tor, blr, syd; the
// datacenter number is not in the feed), Linode's region ids (us-east for
// Newark/Cedar Knolls, us-central for Dallas/Richardson, ...) and Vultr's
// location codes (ewr, ord, dfw, ...). Otherwise it returns city, so that
// no information is lost.
func GeoRegion(provider, country, city string) string {
	key := strings.ToUpper(country) + "/" + strings.ToLower(strings.TrimSpace(city))
	var r string
	switch provider {
	case DigitalOcean:
		r = doRegion(key)
	case Linode:
		r = linodeRegion(key)
	case Vultr:
		r = vultrRegion(key)
	}
	if r == "" {
		return city
	}
	return r
}

// doRegion: https://docs.digitalocean.com/platform/regional-availability/
// (datacenters by metro; New York's are in New Jersey).
func doRegion(key string) string {
	switch key {
	case "US/new york", "US/north bergen", "US/clifton", "US/secaucus":
		return "nyc"
	case "US/san francisco", "US/santa clara":
		return "sfo"
	case "US/atlanta", "US/douglasville":
		return "atl"
	case "NL/amsterdam":
		return "ams"
	case "SG/singapore":
		return "sgp"
	case "GB/london":
		return "lon"
	case "DE/frankfurt":
		return "fra"
	case "CA/toronto":
		return "tor"
	case "IN/bangalore", "IN/bengaluru":
		return "blr"
	case "AU/sydney":
		return "syd"
	}
	return ""
}

// linodeRegion: https://www.linode.com/global-infrastructure/ (core
// compute regions; the Newark datacenter is in Cedar Knolls, Dallas's in
// Richardson, Seattle's in Tukwila, Washington's in Ashburn).
func linodeRegion(key string) string {
	switch key {
	case "US/newark", "US/cedar knolls":
		return "us-east"
	case "US/dallas", "US/richardson":
		return "us-central"
	case "US/fremont":
		return "us-west"
	case "US/atlanta":
		return "us-southeast"
	case "US/washington", "US/ashburn":
		return "us-iad"
	case "US/chicago":
		return "us-ord"
	case "US/seattle", "US/tukwila":
		return "us-sea"
	case "US/miami":
		return "us-mia"
	case "US/los angeles":
		return "us-lax"
	case "CA/toronto":
		return "ca-central"
	case "GB/london":
		return "eu-west"
	case "DE/frankfurt":
		return "eu-central"
	case "SG/singapore":
		return "ap-south"
	case "JP/tokyo":
		return "ap-northeast"
	case "JP/osaka":
		return "jp-osa"
	case "IN/mumbai":
		return "ap-west"
	case "IN/chennai":
		return "in-maa"
	case "AU/sydney":
		return "ap-southeast"
	case "AU/melbourne":
		return "au-mel"
	case "FR/paris":
		return "fr-par"
	case "BR/sao paulo":
		return "br-gru"
	case "NL/amsterdam":
		return "nl-ams"
	case "SE/stockholm":
		return "se-sto"
	case "ES/madrid":
		return "es-mad"
	case "IT/milan":
		return "it-mil"
	case "ID/jakarta":
		return "id-cgk"
	}
	return ""
}

// vultrRegion: https://www.vultr.com/features/datacenter-locations/ (the
// geofeed names the datacenter's town: Piscataway for New Jersey, Elk
// Grove Village for Chicago, Kent for Seattle, Shinagawa-ku for Tokyo).
func vultrRegion(key string) string {
	switch key {
	case "US/piscataway", "US/new jersey":
		return "ewr"
	case "US/chicago", "US/elk grove village":
		return "ord"
	case "US/dallas":
		return "dfw"
	case "US/seattle", "US/kent":
		return "sea"
	case "US/los angeles":
		return "lax"
	case "US/atlanta":
		return "atl"
	case "US/silicon valley", "US/santa clara", "US/san jose":
		return "sjc"
	case "US/miami":
		return "mia"
	case "US/honolulu":
		return "hnl"
	case "CA/toronto", "CA/toronto, on":
		return "yto"
	case "NL/amsterdam":
		return "ams"
	case "GB/london":
		return "lhr"
	case "GB/manchester", "GB/swinton, manchester":
		return "man"
	case "DE/frankfurt":
		return "fra"
	case "FR/paris", "FR/aubervilliers":
		return "cdg"
	case "JP/tokyo", "JP/shinagawa-ku":
		return "nrt"
	case "JP/osaka":
		return "itm"
	case "KR/seoul":
		return "icn"
	case "SG/singapore":
		return "sgp"
	case "AU/sydney", "AU/alexandria":
		return "syd"
	case "AU/melbourne", "AU/port melbourne":
		return "mel"
	case "IN/mumbai":
		return "bom"
	case "IN/bangalore":
		return "blr"
	case "IN/delhi", "IN/noida":
		return "del"
	case "ES/madrid":
		return "mad"
	case "PL/warsaw":
		return "waw"
	case "SE/stockholm", "SE/spanga":
		return "sto"
	case "CL/santiago":
		return "scl"
	case "BR/sao paulo", "BR/osasco":
		return "sao"
	case "IL/tel aviv", "IL/rosh haayin":
		return "tlv"
	case "ZA/johannesburg", "ZA/isando gauteng":
		return "jnb"
	}
	return ""
}

// geoRegionCountry returns the country of a region code GeoRegion
// assigns.
func geoRegionCountry(provider, r string) string {
	switch provider {
	case DigitalOcean:
		switch r {
		case "nyc", "sfo", "atl":
			return "US"
		case "ams":
			return "NL"
		case "sgp":
			return "SG"
		case "lon":
			return "GB"
		case "fra":
			return "DE"
		case "tor":
			return "CA"
		case "blr":
			return "IN"
		case "syd":
			return "AU"
		}
	case Linode:
		switch r {
		case "us-east", "us-central", "us-west", "us-southeast", "us-iad", "us-ord", "us-sea", "us-mia", "us-lax":
			return "US"
		case "ca-central":
			return "CA"
		case "eu-west":
			return "GB"
		case "eu-central":
			return "DE"
		case "ap-south":
			return "SG"
		case "ap-northeast", "jp-osa":
			return "JP"
		case "ap-west", "in-maa":
			return "IN"
		case "ap-southeast", "au-mel":
			return "AU"
		case "fr-par":
			return "FR"
		case "br-gru":
			return "BR"
		case "nl-ams":
			return "NL"
		case "se-sto":
			return "SE"
		case "es-mad":
			return "ES"
		case "it-mil":
			return "IT"
		case "id-cgk":
			return "ID"
		}
	case Vultr:
		switch r {
		case "ewr", "ord", "dfw", "sea", "lax", "atl", "sjc", "mia", "hnl":
			return "US"
		case "yto":
			return "CA"
		case "ams":
			return "NL"
		case "lhr", "man":
			return "GB"
		case "fra":
			return "DE"
		case "cdg":
			return "FR"
		case "nrt", "itm":
			return "JP"
		case "icn":
			return "KR"
		case "sgp":
			return "SG"
		case "syd", "mel":
			return "AU"
		case "bom", "blr", "del":
			return "IN"
		case "mad":
			return "ES"
		case "waw":
			return "PL"
		case "sto":
			return "SE"
		case "scl":
			return "CL"
		case "sao":
			return "BR"
		case "tlv":
			return "IL"
		case "jnb":
			return "ZA"
		}
	}
	return geoCityCountry(provider, r)
}

// geoCityCountry returns the country of a city that a geofeed lists with
// no region id orchex knows, so that GeoRegion kept the city (slugged, as
// CanonicalRegion writes it): Linode's newer sites and Vultr's St. Louis
// and Querétaro in the feeds of 2024-2025.
func geoCityCountry(provider, city string) string {
	switch provider {
	case Linode:
		switch city {
		case "denver", "houston":
			return "US"
		case "auckland":
			return "NZ"
		case "berlin", "hamburg":
			return "DE"
		case "bogota":
			return "CO"
		case "johannesburg":
			return "ZA"
		case "kuala-lumpur":
			return "MY"
		case "marseille":
			return "FR"
		case "oslo":
			return "NO"
		case "queretaro":
			return "MX"
		case "santiago":
			return "CL"
		}
	case Vultr:
		switch city {
		case "maryland-heights", "st-louis":
			return "US"
		case "santiago-de-queretaro":
			return "MX"
		}
	}
	return ""
}
