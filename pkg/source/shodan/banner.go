package shodan

import (
	"errors"

	"github.com/orchex/orchex/pkg/model"
)

// DecodeBanner decodes one Shodan banner (one line of a `shodan download`
// file, one element of a search response's matches). SCAFFOLD: being
// replaced by the real decoder.
func DecodeBanner(data []byte) (model.Observation, error) {
	return model.Observation{}, errors.New("shodan: banner decoder not written yet")
}
