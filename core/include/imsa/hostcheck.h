#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

// The checks the IMDS handler makes before routing (aws-vault's withSecurityChecks): who is
// calling and which name they called us by. Tokens are checked in imdstokens.h.
namespace imsa {

/// `address` with an IPv4-mapped IPv6 form (::ffff:127.0.0.1, what a dual-stack socket
/// reports for IPv4 clients) turned into plain IPv4, so that one comparison covers both.
inline QHostAddress unmapped(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        bool isMapped = false;
        const quint32 ipv4 = address.toIPv4Address(&isMapped);
        if (isMapped)
            return QHostAddress(ipv4);
    }
    return address;
}

/// Whether `address` is the concrete address we listen on. An unspecified listen address
/// (0.0.0.0, ::) matches nothing: it names no interface a client could have used.
inline bool isListenAddress(const QHostAddress &address, const QHostAddress &listenAddress)
{
    const QHostAddress listen = unmapped(listenAddress);
    if (listen.isNull() || listen == QHostAddress(QHostAddress::AnyIPv4)
        || listen == QHostAddress(QHostAddress::AnyIPv6))
        return false;
    return unmapped(address) == listen;
}

/// Loopback peers only, plus the listen address itself: a client of 169.254.169.254 bound
/// on `lo` shows up with that address as its peer (docs/imds-and-sts.md). Anything else could
/// be a neighbour routing 169.254.169.254 to us (Apple QA1357, cited by aws-vault).
inline bool isAllowedPeer(const QHostAddress &peer, const QHostAddress &listenAddress)
{
    const QHostAddress address = unmapped(peer);
    if (address.isNull())
        return false;
    return address.isLoopback() || isListenAddress(address, listenAddress);
}

/// A strict dotted quad ("127.0.0.1"): four decimal octets without leading zeros, so that
/// inet_aton's shorthand and octal forms ("127.1", "0177.0.0.1") are never guessed at.
inline std::optional<QHostAddress> parseDottedQuad(QByteArrayView text)
{
    quint32 address = 0;
    int octets = 0;
    qsizetype start = 0;
    while (start <= text.size()) {
        qsizetype end = text.indexOf('.', start);
        if (end < 0)
            end = text.size();
        const QByteArrayView octet = text.sliced(start, end - start);
        if (octet.isEmpty() || octet.size() > 3 || (octet.size() > 1 && octet.front() == '0'))
            return std::nullopt;
        int value = 0;
        for (const char digit : octet) {
            if (digit < '0' || digit > '9')
                return std::nullopt;
            value = value * 10 + (digit - '0');
        }
        if (value > 255 || ++octets > 4)
            return std::nullopt;
        address = (address << 8) | quint32(value);
        start = end + 1;
    }
    if (octets != 4)
        return std::nullopt;
    return QHostAddress(address);
}

/// The host part of a Host header value; `bracketed` for an IPv6 literal.
struct HostName
{
    QByteArrayView host;
    bool bracketed = false;
};

/// Splits `name`, `name:port`, `[v6]` or `[v6]:port`; nullopt when the syntax is wrong.
/// The port is checked for syntax only.
inline std::optional<HostName> parseHostHeader(QByteArrayView value)
{
    HostName name{value.trimmed(), value.trimmed().startsWith('[')};
    QByteArrayView rest;
    if (name.bracketed) {
        const qsizetype close = name.host.indexOf(']');
        if (close < 0)
            return std::nullopt;
        rest = name.host.sliced(close + 1);
        name.host = name.host.sliced(1, close - 1);
    } else if (const qsizetype colon = name.host.indexOf(':'); colon >= 0) {
        rest = name.host.sliced(colon);
        name.host = name.host.first(colon);
    }
    if (!rest.isEmpty()) {
        const QByteArrayView port = rest.sliced(1);
        if (!rest.startsWith(':') || port.isEmpty() || port.size() > 5)
            return std::nullopt;
        int number = 0;
        for (const char digit : port) {
            if (digit < '0' || digit > '9')
                return std::nullopt;
            number = number * 10 + (digit - '0');
        }
        if (number < 1 || number > 65535)
            return std::nullopt;
    }
    if (name.host.isEmpty())
        return std::nullopt;
    return name;
}

/// Whether a Host header names us: the listen address, `localhost` or a loopback literal,
/// with any port. This is the DNS-rebinding defence (aws-vault issue #578): a page on
/// evil.example that re-resolves to 127.0.0.1 still sends `Host: evil.example`. The port is
/// not compared because it adds nothing against rebinding, and a port redirect in front of
/// us (169.254.169.254:80 to 127.0.0.1:9099) legitimately changes it.
inline bool isAllowedHost(QByteArrayView value, const QHostAddress &listenAddress)
{
    const std::optional<HostName> name = parseHostHeader(value);
    if (!name)
        return false;
    std::optional<QHostAddress> address;
    if (name->bracketed) {
        QHostAddress ipv6;
        if (ipv6.setAddress(QString::fromLatin1(name->host))
            && ipv6.protocol() == QAbstractSocket::IPv6Protocol)
            address = ipv6;
    } else if (name->host.compare("localhost", Qt::CaseInsensitive) == 0) {
        return true;
    } else {
        address = parseDottedQuad(name->host);
    }
    if (!address)
        return false;
    return unmapped(*address).isLoopback() || isListenAddress(*address, listenAddress);
}

} // namespace imsa
