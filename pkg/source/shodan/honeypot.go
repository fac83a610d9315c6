package shodan

import (
	"strings"

	"github.com/orchex/orchex/pkg/model"
)

// honeypotTags returns the honeypot marker of a banner's tags: Shodan
// lists "honeypot" among a banner's tags when its Honeyscore rates the
// host a honeypot (../shared/docs/shodan-api.md, banner fields; the tag
// enum). The comparison ignores case and surrounding spaces.
func honeypotTags(tags []string) model.Honeypot {
	for _, t := range tags {
		if strings.EqualFold(strings.TrimSpace(t), "honeypot") {
			return model.HoneypotShodanTag
		}
	}
	return 0
}
