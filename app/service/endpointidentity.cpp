#include "endpointidentity.h"

#include <algorithm>

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include "imsa/imdstokens.h"

namespace imsa::app {

namespace {

constexpr qsizetype keyBytes = 32;

bool isWellFormed(QByteArrayView challenge)
{
    return !challenge.isEmpty() && challenge.size() <= maxChallengeLength
            && std::all_of(challenge.begin(), challenge.end(), [](char c) {
                   return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                           || c == '_' || c == '-';
               });
}

/// "127.0.0.1:9254"; an IPv4-mapped IPv6 address counts as the IPv4 one on both ends.
QByteArray endpointText(const QHostAddress &address, quint16 port)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    const QHostAddress plain = isV4 ? QHostAddress(v4) : address;
    return plain.toString().toLatin1() + ':' + QByteArray::number(port);
}

} // namespace

EndpointIdentity::EndpointIdentity()
    : m_key(keyBytes, Qt::Uninitialized)
{
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(m_key.data()),
                                          m_key.size() / qsizetype(sizeof(quint32)));
}

QByteArray EndpointIdentity::proof(QByteArrayView challenge, const QHostAddress &address,
                                   quint16 port) const
{
    if (!isWellFormed(challenge))
        return {};
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, m_key);
    // Qt 6.4 has no QByteArrayView overload.
    mac.addData(challenge.data(), challenge.size());
    mac.addData(QByteArray("\n") + endpointText(address, port));
    return mac.result().toHex();
}

bool EndpointIdentity::verify(QByteArrayView challenge, QByteArrayView proof,
                              const QHostAddress &address, quint16 port) const
{
    const QByteArray expected = this->proof(challenge, address, port);
    return !expected.isEmpty() && detail::constantTimeEquals(expected, proof);
}

} // namespace imsa::app
