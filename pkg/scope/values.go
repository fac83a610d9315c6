package scope

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/orchex/orchex/pkg/model"
)

// broad says when a network is wider than any one organisation's (an
// IPv4 network shorter than /8, an IPv6 one shorter than /16): allowed,
// since a national CERT may mean it, but most often a mistyped length.
func broad(p netip.Prefix) string {
	if (p.Addr().Is4() && p.Bits() < 8) || (!p.Addr().Is4() && p.Bits() < 16) {
		return fmt.Sprintf("%s is wider than any one organisation's network (an IPv4 network shorter than /8, an IPv6 one shorter than /16): check its length", p)
	}
	return ""
}

// parseCIDR reads a network (203.0.113.0/24, 2001:db8::/48) or a bare
// address (a /32 or /128). It returns why the value is not usable, or "".
func parseCIDR(s string) (netip.Prefix, string) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, "is not a network or an address (want 203.0.113.0/24, 2001:db8::/48 or 203.0.113.7)"
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), ""
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, "is not a network (want 203.0.113.0/24 or 2001:db8::/48)"
	}
	if p.Addr().Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, "is an IPv4-mapped IPv6 network shorter than /96, which mixes IPv4 and IPv6 space; list the IPv4 network instead"
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	if p.Bits() == 0 {
		return netip.Prefix{}, "selects every address of its family, which is not a team's network"
	}
	if m := p.Masked(); m != p {
		return netip.Prefix{}, fmt.Sprintf("has host bits set: write %s for the network, or %s/%d for the one address",
			m, p.Addr(), p.Addr().BitLen())
	}
	return p, ""
}

// parseASN reads 64500 or AS64500.
func parseASN(s string) (uint32, string) {
	digits := s
	if len(s) > 2 && strings.EqualFold(s[:2], "AS") {
		digits = s[2:]
	}
	n, err := strconv.ParseUint(digits, 10, 32)
	if err != nil || digits[0] == '+' {
		return 0, "is not an AS number (want 64500 or AS64500, from 1 to 4294967295)"
	}
	if n == 0 {
		return 0, "is AS 0, which is reserved and never announced"
	}
	return uint32(n), ""
}

// badOrg returns why an organisation name cannot match an engine's, or "".
func badOrg(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case len(s) > model.MaxText:
		return fmt.Sprintf("is longer than %d bytes, the longest organisation name orchex keeps from an engine", model.MaxText)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "has a control character"
		}
	}
	return ""
}

// orgKey is the form organisation names are compared in: trimmed, NFC,
// full Unicode case folding. ASCII names, the common case, are only
// lower-cased.
func orgKey(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return cases.Fold().String(norm.NFC.String(s))
		}
	}
	return strings.ToLower(s)
}

// domains converts scope domains to their IDNA ASCII form (UTS #46
// lookup mapping: case, width and compatibility folded; the Bidi rule;
// LDH labels; DNS lengths).
func domains() *idna.Profile {
	return idna.New(idna.MapForLookup(), idna.BidiRule(), idna.VerifyDNSLength(true))
}

// parseDomain reads a domain into its lower-case ASCII form without a
// trailing dot. warn is set for a top-level domain, which is allowed (a
// national CERT may serve one) but selects a lot.
func parseDomain(p *idna.Profile, s string) (d, why, warn string) {
	s = strings.TrimSuffix(s, ".")
	switch {
	case strings.Contains(s, "/") || strings.Contains(s, ":") && !isAddr(s):
		return "", "is not a domain (a URL or a host:port?); write the host name, such as acme.example", ""
	case isAddr(s):
		return "", "is an IP address: list it under cidrs", ""
	case strings.HasPrefix(s, "*."):
		return "", fmt.Sprintf("is a wildcard: write %s, which already covers every name under it", s[2:]), ""
	}
	a, err := p.ToASCII(s)
	if err != nil || a == "" {
		return "", "is not a valid host name (letters, digits and dashes in dot-separated labels)", ""
	}
	for _, label := range strings.Split(a, ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return "", "is not a valid host name (a label is empty, or starts or ends with a dash)", ""
		}
	}
	last := a[strings.LastIndexByte(a, '.')+1:]
	if strings.Trim(last, "0123456789") == "" {
		return "", "ends in a numeric label, which no top-level domain is; an address belongs under cidrs", ""
	}
	if !strings.Contains(a, ".") {
		warn = fmt.Sprintf("domain %q is a top-level domain: every name under it is in the scope", a)
	}
	return a, "", warn
}

func isAddr(s string) bool {
	_, err := netip.ParseAddr(strings.Trim(s, "[]"))
	return err == nil
}

// parseCountry reads an ISO 3166-1 alpha-2 code, in any case.
func parseCountry(s string) (string, string) {
	c := strings.ToUpper(s)
	switch {
	case c == "UK":
		return "", "is not an ISO 3166-1 code: the United Kingdom is GB"
	case len(c) == 3 && isLetters(c):
		return "", "is a three-letter code: write the two-letter ISO 3166-1 alpha-2 code (DEU is DE)"
	case len(c) != 2 || !isLetters(c):
		return "", "is not a two-letter ISO 3166-1 alpha-2 country code"
	case !isCountry(c):
		return "", "is not an assigned ISO 3166-1 alpha-2 country code"
	}
	return c, ""
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// badEmail returns why a contact is not a bare email address, or "".
func badEmail(p *idna.Profile, s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "is not an email address"
	}
	if a.Name != "" || a.Address != s {
		return "must be a bare address such as security@acme.example, without a name or angle brackets"
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	if d, why, _ := parseDomain(p, domain); why != "" || !strings.Contains(d, ".") {
		return "does not end in a valid domain"
	}
	return ""
}

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// badName returns why a scope name cannot be a directory name on every
// system, or "".
func badName(s string) string {
	switch {
	case len(s) > 64:
		return "is longer than 64 bytes"
	case !namePattern.MatchString(s):
		return "must be letters, digits, '.', '_' and '-', starting with a letter or digit"
	case strings.HasSuffix(s, "."):
		return "ends with a dot, which Windows drops"
	}
	base, _, _ := strings.Cut(strings.ToLower(s), ".")
	switch base {
	case "con", "prn", "aux", "nul",
		"com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
		"lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9":
		return "is a device name on Windows"
	}
	return ""
}

// CheckWebhook says why raw cannot be a webhook URL, or "" when it can:
// the rule of a scope's webhook key, for a URL given another way (orchex
// brief --webhook). The reason never quotes the URL.
func CheckWebhook(raw string) string { return badWebhook(raw) }

// badWebhook says why raw cannot be a scope's webhook, or "": it must be
// an https URL with a host and no user information; plain http is
// allowed only to a loopback address (127.0.0.0/8, ::1, localhost), for
// tests against a local server.
func badWebhook(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return "is not a URL (want https://host/path)"
	case u.User != nil:
		return "has a user name or password in it; put credentials in the path or query the service documents"
	case u.Scheme == "https":
		return ""
	case u.Scheme == "http" && loopback(u.Hostname()):
		return ""
	case u.Scheme == "http":
		return "is plain http: a webhook carries addresses of exposed services and usually a token, so it must be https (http is allowed to a loopback address only, for tests)"
	}
	return "is not an https URL"
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// WebhookHost returns what may be printed of a webhook URL: its scheme
// and host ("https://hooks.slack.com"), never its path or query, which
// usually hold a token. A URL that does not parse gives "(webhook URL)".
func WebhookHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(webhook URL)"
	}
	return u.Scheme + "://" + u.Host
}
