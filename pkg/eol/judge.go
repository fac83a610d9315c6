package eol

import (
	"strconv"
	"strings"
	"time"

	"github.com/orchex/orchex/pkg/model"
)

// Facts are what Judge needs to know of a service.
type Facts struct {
	Product string     // catalog product id
	Version string     // the version the catalog extracted; "" when none
	Auth    model.Auth // the service's auth verdict
	// Names are the service's host names (and TLS names, when the caller
	// has them); a name in *.azmk8s.io marks an AKS API server.
	Names []string
	// AKS says that the caller found such a name already (IsAKS), for a
	// service counted without its names.
	AKS bool
}

// aks reports whether the facts mark an AKS API server.
func (f *Facts) aks() bool { return f.AKS || isAKS(f.Names) }

// Status is a service's support status.
type Status string

// The statuses. Only Supported counts as supported.
const (
	Supported    Status = "supported"
	EndOfLife    Status = "end_of_life"
	UnknownCycle Status = "unknown_cycle" // a version that matches no cycle of its calendar
	NoCalendar   Status = "no_calendar"   // a product with no support calendar
	NoVersion    Status = "no_version"    // the service named no version
)

// Phases of support a verdict can judge.
const (
	PhaseEOL  = "eol"  // end of life: no more security fixes
	PhaseEOES = "eoes" // end of extended support (EKS, Kong Enterprise)
)

// Verdict is the support status of one service on the as-of date.
type Verdict struct {
	Status Status
	// Calendar is the endoflife.date product that judged ("kubernetes",
	// "amazon-eks"); "" for NoCalendar and for NoVersion of a product
	// without one.
	Calendar string
	// Cycle is the release cycle the version belongs to ("1.29"); "" for
	// UnknownCycle, NoCalendar and NoVersion.
	Cycle string
	// Phase is the end of support judged: PhaseEOL or PhaseEOES.
	Phase string
	// Since is the day support ended (EndOfLife); "" when the calendar
	// says ended without a date.
	Since string
	// Until is the day support ends (Supported); "" when not announced.
	Until string
	// Note says how the version was read, when it is not plain: a managed
	// provider, a distribution, a translation, why a cycle is unknown.
	Note string
}

// String describes the verdict in a few words, for listings:
// "end of life since 2025-02-28 (kubernetes 1.29)".
func (v Verdict) String() string {
	cal := v.Calendar
	if v.Cycle != "" {
		cal += " " + v.Cycle
	}
	switch v.Status {
	case Supported:
		if v.Until != "" {
			return "supported until " + v.Until + " (" + cal + ")"
		}
		return "supported (" + cal + ", end not announced)"
	case EndOfLife:
		if v.Since != "" {
			return "end of life since " + v.Since + " (" + cal + ")"
		}
		return "end of life (" + cal + ", date not recorded)"
	case UnknownCycle:
		return "unknown cycle (" + cal + ")"
	case NoCalendar:
		return "no support calendar"
	}
	return "no version"
}

// Day returns t's calendar day in UTC, YYYY-MM-DD: the day a snapshot's
// newest observation was made, against which cycles are judged.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// Judge returns the support status of a service on asOf, which should be
// the snapshot's newest observation: a cycle is end of life when its end
// of support is on or before asOf's day (UTC), so a report of an old
// quarter says the same whatever newer data is loaded. A service with no
// version is NoVersion; a product with no calendar is NoCalendar; a
// version that matches no cycle, or that the calendar cannot read, is
// UnknownCycle. A zero asOf judges nothing (UnknownCycle).
func (d *Data) Judge(f Facts, asOf time.Time) Verdict {
	rule, ok := RuleFor(f.Product)
	if !ok || rule.Calendar == "" {
		if strings.TrimSpace(f.Version) == "" {
			return Verdict{Status: NoVersion}
		}
		return Verdict{Status: NoCalendar}
	}
	if strings.TrimSpace(f.Version) == "" {
		return Verdict{Status: NoVersion, Calendar: rule.Calendar}
	}
	v, ok := ParseVersion(f.Version)
	if !ok {
		return Verdict{Status: UnknownCycle, Calendar: rule.Calendar, Note: "the version is not numbers and dots"}
	}
	out := Verdict{Calendar: rule.Calendar, Phase: PhaseEOL}
	cycleOf := v
	switch rule.Reading {
	case ReadKubernetes:
		readKubernetes(&out, v, f.aks())
	case ReadOpenShiftAPI:
		if len(v.Parts) < 2 || v.Parts[0] != 1 {
			out.Status, out.Note = UnknownCycle, "not a Kubernetes 1.x version"
			return out
		}
		ocp, ok := OpenShiftFor(v.Parts[1])
		if !ok {
			out.Status, out.Note = UnknownCycle, "no OpenShift release known for Kubernetes 1."+strconv.Itoa(v.Parts[1])
			return out
		}
		cycleOf, _ = ParseVersion(ocp)
		out.Note = "Kubernetes 1." + strconv.Itoa(v.Parts[1]) + " is OpenShift " + ocp
	case ReadKong:
		if len(v.Parts) == 4 || strings.Contains(strings.ToLower(v.Rest), "enterprise") {
			out.Phase, out.Note = PhaseEOES, "Kong Enterprise: end of enterprise support"
		}
	}
	if asOf.IsZero() {
		out.Status, out.Note = UnknownCycle, "no as-of date"
		return out
	}
	p, ok := d.Product(out.Calendar)
	if !ok {
		out.Status, out.Note = UnknownCycle, "the loaded release data has no "+out.Calendar+" calendar"
		return out
	}
	c, ok := p.Match(cycleOf)
	if !ok {
		out.Status = UnknownCycle
		return out
	}
	out.Cycle = c.Name
	end := c.EOL
	if out.Phase == PhaseEOES {
		// An extended end is used only when the calendar dates it (or
		// says it has ended); otherwise the end of life decides.
		if c.EOES != nil && (c.EOES.Date != "" || c.EOES.Ended) {
			end = *c.EOES
		} else {
			out.Phase = PhaseEOL
		}
	}
	if end.ReachedBy(Day(asOf)) {
		out.Status, out.Since = EndOfLife, end.Date
	} else {
		out.Status, out.Until = Supported, end.Date
	}
	return out
}

// readKubernetes picks the calendar of a Kubernetes gitVersion: Amazon EKS
// ("-eks-", judged by the end of extended support, which every EKS cluster
// enters automatically), Google GKE ("-gke."), Azure AKS (a host name in
// *.azmk8s.io: AKS builds carry no suffix), else upstream Kubernetes, a
// distribution's build (k3s, RKE2) included.
func readKubernetes(out *Verdict, v Version, aks bool) {
	rest := strings.ToLower(v.Rest)
	switch {
	case strings.Contains(rest, "-eks-"):
		out.Calendar, out.Phase, out.Note = CalEKS, PhaseEOES, "Amazon EKS build: end of extended support"
	case strings.Contains(rest, "-gke."):
		out.Calendar, out.Note = CalGKE, "Google GKE build"
	case aks:
		out.Calendar, out.Note = CalAKS, "Azure AKS (host name in azmk8s.io)"
	default:
		if d := distribution(v.Rest); d != "" {
			out.Note = d + ": upstream Kubernetes calendar"
		}
	}
}
