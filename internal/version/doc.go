// Package version reads and orders the versions banners state
// ("v1.29.8-eks-a737599", "3.4.2.0", "18.09.4"). It is the one version
// order of orchex: normalize keeps the greatest version of a service by
// it, and pkg/eol matches versions to release cycles with it.
//
// It sits beside the data flow, under normalize and eol.
package version
