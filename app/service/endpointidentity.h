#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

#include "platform/endpointchallenge.h"

// How `imsa doctor` tells this imsa from another program that answers where AWS tools ask for
// metadata (e.g. one that took the fallback port first). A banner or a fixed header could be
// copied; instead the doctor sends a random challenge with a request, the metadata server
// answers with a proof only the running app can make, and the app checks that proof over the
// control socket. The proof covers the local address and port the request arrived at, so a
// program that relays the challenge to imsa's real endpoint obtains a proof for that endpoint,
// not for its own.
namespace imsa::app {

/// The per-start secret behind the proofs; it never leaves the app.
class EndpointIdentity
{
public:
    EndpointIdentity();

    /// The proof for `challenge` received on a connection to address:port; empty for a
    /// challenge that is empty, too long or has other characters.
    QByteArray proof(QByteArrayView challenge, const QHostAddress &address, quint16 port) const;

    /// Whether `proof` is what this app answers to `challenge` at address:port (constant time).
    bool verify(QByteArrayView challenge, QByteArrayView proof, const QHostAddress &address,
                quint16 port) const;

private:
    QByteArray m_key;
};

} // namespace imsa::app
