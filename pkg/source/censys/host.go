package censys

import (
	"errors"

	"github.com/orchex/orchex/pkg/model"
)

// DecodeV3Host decodes a Platform v3 Host resource into one observation per
// service. SCAFFOLD: being replaced by the real decoder.
func DecodeV3Host(data []byte) ([]model.Observation, error) {
	return nil, errors.New("censys: v3 host decoder not written yet")
}

// DecodeV2Host decodes a legacy v2 host (view result or search hit) into
// one observation per service. SCAFFOLD: being replaced by the real decoder.
func DecodeV2Host(data []byte) ([]model.Observation, error) {
	return nil, errors.New("censys: v2 host decoder not written yet")
}
