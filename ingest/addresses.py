"""Which hosts and IP addresses are private (loopback, link-local, private-use); pure.

The table behind `[defaults] allow_private = false`: a feed may reach such an address
only when it was configured with one, so a redirect cannot turn the poller against the
machine it runs on or its network (a cloud metadata service at 169.254.169.254).
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Each range with the reference that defines it (IANA special-purpose address registries).
_PRIVATE = tuple(
    ipaddress.ip_network(net)
    for net, _reference in (
        ("0.0.0.0/8", "RFC 1122 §3.2.1.3: this host on this network; 0.0.0.0 reaches it"),
        ("10.0.0.0/8", "RFC 1918 private-use"),
        ("100.64.0.0/10", "RFC 6598 shared address space (carrier-grade NAT)"),
        ("127.0.0.0/8", "RFC 1122 §3.2.1.3 loopback"),
        ("169.254.0.0/16", "RFC 3927 link-local"),
        ("172.16.0.0/12", "RFC 1918 private-use"),
        ("192.168.0.0/16", "RFC 1918 private-use"),
        ("::/128", "RFC 4291 §2.5.2 unspecified"),
        ("::1/128", "RFC 4291 §2.5.3 loopback"),
        ("fc00::/7", "RFC 4193 unique local"),
        ("fe80::/10", "RFC 4291 §2.5.6 link-local"),
    )
)


def private_ip(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # RFC 4291 §2.5.5.2: ::ffff:127.0.0.1 is 127.0.0.1
    return any(ip in net for net in _PRIVATE if net.version == ip.version)


def parse_ip(host: str) -> IPAddress | None:
    """The address a host names literally (brackets and an IPv6 zone allowed), else None."""
    bare = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        return None


def private_host(host: str) -> bool:
    """Whether a URL's host is, as written, a private address.

    Literal addresses are looked up in the table; `localhost` and names under it are
    loopback by definition (RFC 6761 §6.3). Any other name is not private as written;
    what it resolves to is checked when it is fetched.
    """
    ip = parse_ip(host)
    if ip is not None:
        return private_ip(ip)
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")
